import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteLedgerStore } from '../../stores/sqlite/sqlite-ledger-store.js';
import { generateLoad, percentileOf } from './load-generator.js';
import { runWrk, wrkAvailable, type WrkResult } from './wrk-load-generator.js';
import { spawnReadyProcess, type ReadyProcess } from './spawn-ready-process.js';

export interface OverheadBenchmarkOptions {
  readonly seconds: number;
  readonly concurrency: number;
  /** Configure a budget and a rate limit that apply to every request (`--with-limits`). */
  readonly withLimits?: boolean;
  /** Turn on the exact cache (global scope), so every request after the first is a hit (`--with-cache`). */
  readonly withCache?: boolean;
  readonly write: (text: string) => void;
}

const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const benchProcess = fileURLToPath(new URL(`./bench-process${extension}`, import.meta.url));
const cliMain = fileURLToPath(new URL(`../../../bin/tollgate.js`, import.meta.url));

/** The request every run sends; with the cache on, room for a complete answer (a `length`-cut one is never cached). */
const requestBodyFor = (withCache: boolean) => JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a concise assistant.' },
    { role: 'user', content: 'Give me one sentence about the sea.' },
  ],
  max_tokens: withCache ? 1000 : 32,
  seed: 7,
});

/** A budget and a rate limit that apply to every request but never refuse one: the cost of metering them. */
const benchLimitsYaml = [
  'budgets:',
  '  - { scope: { model: gpt-4o-mini }, limit_usd: 1000000, window: daily }',
  'rate_limits:',
  '  - { scope: { model: gpt-4o-mini }, requests_per_minute: 1000000000, tokens_per_minute: 1000000000000 }',
  '',
].join('\n');

/**
 * `npm run bench:overhead`: the same request at concurrency 1 and N, straight to the provider
 * simulator, through a bare pass-through proxy (the floor), and through Tollgate (SQLite ledger
 * on). Prints p50/p99 latency, throughput, the latency Tollgate adds and its throughput relative
 * to the pass-through, and the gateway's RSS after the run.
 */
export async function runOverheadBenchmark(options: OverheadBenchmarkOptions): Promise<void> {
  const { write } = options;
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
  const processes: ReadyProcess[] = [];
  try {
    const simulator = await spawnReadyProcess([benchProcess, 'simulator']);
    processes.push(simulator);
    const origin = new URL(simulator.url).origin;
    const passThrough = await spawnReadyProcess([benchProcess, 'pass-through', origin]);
    processes.push(passThrough);
    const configPath = join(directory, 'tollgate.yaml');
    writeFileSync(
      configPath,
      `providers:\n  openai: { kind: openai, base_url: "${simulator.url}", api_key: sk-bench }\nmodels:\n  gpt-4o-mini: openai\nstore: ${process.env["TOLLGATE_BENCH_STORE"] ?? "{ kind: sqlite, path: ./ledger.db }"}\n${options.withLimits ? benchLimitsYaml : ''}${options.withCache ? 'cache: { exact: { scope: global } }\n' : ''}`,
    );
    const gateway = await spawnReadyProcess([cliMain, 'serve', '--config', configPath, '--port', '0'], { env: { ...process.env, NODE_ENV: 'production' } });
    processes.push(gateway);

    const targets = [
      { name: 'simulator (direct)', url: `${simulator.url}/chat/completions` },
      { name: 'pass-through proxy', url: `${passThrough.url}/chat/completions` },
      { name: 'tollgate', url: `${gateway.url}/v1/chat/completions` },
    ];
    const results = new Map<string, WrkResult>();
    let gatewayRequests = 0;
    const useWrk = await wrkAvailable();
    let gatewayWarmupRequests = 0;
    const measure = async (url: string, concurrency: number): Promise<WrkResult> => {
      const load = { url, body: requestBodyFor(options.withCache === true), headers: { authorization: 'Bearer sk-bench' }, concurrency };
      if (useWrk) {
        const warmup = await runWrk({ ...load, seconds: 1, scriptDirectory: directory });
        if (url.startsWith(gateway.url)) gatewayWarmupRequests += warmup.requests;
        return runWrk({ ...load, seconds: options.seconds, scriptDirectory: directory });
      }
      const result = await generateLoad({ ...load, seconds: options.seconds, warmupSeconds: 1 });
      return {
        p50Ms: percentileOf(result.latencies, 0.5),
        p99Ms: percentileOf(result.latencies, 0.99),
        requestsPerSecond: result.requests / result.seconds,
        requests: result.requests,
        errors: result.errors,
      };
    };
    write(
      `Benchmark: ${options.seconds}s per run after a 1s warm-up, concurrency 1 and ${options.concurrency}, non-streaming gpt-4o-mini; ` +
        `load from ${useWrk ? 'wrk -t1' : 'a Node undici client (install wrk for a lighter load generator: apt-get install -y wrk)'}.\n\n`,
    );
    write(`${'target'.padEnd(22)}${'conc'.padStart(5)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'req/s'.padStart(10)}${'errors'.padStart(8)}\n`);
    for (const concurrency of [1, options.concurrency]) {
      for (const target of targets) {
        const result = await measure(target.url, concurrency);
        results.set(`${target.name}@${concurrency}`, result);
        if (target.name === 'tollgate') gatewayRequests += result.requests;
        write(
          `${target.name.padEnd(22)}${String(concurrency).padStart(5)}${result.p50Ms.toFixed(3).padStart(10)}${result.p99Ms.toFixed(3).padStart(10)}${result.requestsPerSecond.toFixed(0).padStart(10)}${String(result.errors).padStart(8)}\n`,
        );
      }
    }
    const rssKiB = readRssKiB(gateway.child.pid);
    write('\n');
    for (const concurrency of [1, options.concurrency]) {
      const direct = results.get(`simulator (direct)@${concurrency}`) as WrkResult;
      const floor = results.get(`pass-through proxy@${concurrency}`) as WrkResult;
      const tollgate = results.get(`tollgate@${concurrency}`) as WrkResult;
      const added = (fraction: number, base: WrkResult) =>
        (fraction === 0.5 ? tollgate.p50Ms - base.p50Ms : tollgate.p99Ms - base.p99Ms).toFixed(3);
      write(
        `c=${concurrency}: tollgate adds p50 ${added(0.5, direct)} ms / p99 ${added(0.99, direct)} ms over the simulator direct, ` +
          `p50 ${added(0.5, floor)} ms / p99 ${added(0.99, floor)} ms over the bare pass-through; ` +
          `throughput ${(tollgate.requestsPerSecond / floor.requestsPerSecond).toFixed(2)}× the pass-through\n`,
      );
    }
    write(`tollgate RSS after the run: ${rssKiB === undefined ? 'unknown' : `${(rssKiB / 1024).toFixed(1)} MiB`}\n`);
    const exitCode = await gateway.stop();
    processes.pop();
    const store = openSqliteLedgerStore({ path: join(directory, 'ledger.db') });
    const report = await store.report({});
    const cacheHits = options.withCache === true ? (await store.list({ limit: 1_000_000 })).filter((row) => row.cacheStatus === 'hit').length : 0;
    await store.close();
    const completed = gatewayRequests + gatewayWarmupRequests;
    write(
      `tollgate exited ${String(exitCode)} after SIGTERM; ledger: ${report.totals.attempts} rows, ${report.totals.attempts - report.totals.errors} ok` +
        `${options.withCache === true ? `, ${cacheHits} exact-cache hits` : ''} ` +
        `(wrk counted ${useWrk ? completed : `${gatewayRequests} measured`} completed responses; any difference is requests still in flight when a run ended)\n`,
    );
  } finally {
    for (const child of processes.reverse()) await child.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

function readRssKiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}
