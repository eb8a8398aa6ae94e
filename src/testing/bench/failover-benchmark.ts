import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { spawnReadyProcess, type ReadyProcess } from './spawn-ready-process.js';

export interface FailoverBenchmarkOptions {
  readonly requests: number;
  readonly concurrency: number;
  readonly ttftTimeoutMs: number;
  readonly write: (text: string) => void;
}

const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const benchProcess = fileURLToPath(new URL(`./bench-process${extension}`, import.meta.url));
const cliMain = fileURLToPath(new URL(`../../../bin/tollgate.js`, import.meta.url));

interface Run {
  readonly ok: number;
  readonly failed: number;
  readonly ttfts: number[];
  readonly routes: Map<string, number>;
}

/**
 * `npm run bench:failover`: streaming requests through Tollgate while the primary provider fails
 * before the first byte on every request, two ways (it hangs past `ttft_ms`; it answers 503 at
 * once), against the same requests served by the fallback directly. Prints the success rate and
 * the time to first token each way, and what failover added.
 */
export async function runFailoverBenchmark(options: FailoverBenchmarkOptions): Promise<void> {
  const { write } = options;
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-failover-'));
  const processes: ReadyProcess[] = [];
  try {
    const simulator = await spawnReadyProcess([benchProcess, 'simulator'], {
      env: {
        ...process.env,
        TOLLGATE_SIMULATOR_MODELS: JSON.stringify({
          'hanging-primary': { timeToFirstTokenMs: 60_000, tokensPerSecond: 500 },
          'failing-primary': { timeToFirstTokenMs: 20, tokensPerSecond: 500 },
          'healthy-fallback': { timeToFirstTokenMs: 20, tokensPerSecond: 500 },
        }),
      },
    });
    processes.push(simulator);
    const configPath = join(directory, 'tollgate.yaml');
    writeFileSync(
      configPath,
      [
        'providers:',
        `  openai: { kind: openai, base_url: "${simulator.url}", api_key: sk-bench }`,
        'models:',
        '  healthy-fallback: { provider: openai, model: healthy-fallback, price: { free: true } }',
        `  hangs: { provider: openai, model: hanging-primary, price: { free: true }, fallbacks: [healthy-fallback], retry: { max_attempts: 1 }, timeouts: { ttft_ms: ${options.ttftTimeoutMs} } }`,
        '  fails: { provider: openai, model: failing-primary, price: { free: true }, fallbacks: [healthy-fallback], retry: { max_attempts: 1 } }',
        // Failures on every request would eject the primaries; the benchmark measures the per-request path.
        'resilience: { circuit_breaker: { minimum_requests: 1000000 } }',
        'store: { kind: sqlite, path: ./ledger.db }',
      ].join('\n'),
    );
    const gateway = await spawnReadyProcess([cliMain, 'serve', '--config', configPath, '--port', '0']);
    processes.push(gateway);
    const faults = await fetch(`${new URL(simulator.url).origin}/__simulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ model: 'failing-primary', fault: { status: 503 } }]),
    });
    if (!faults.ok) throw new Error(`could not set simulator faults: ${faults.status}`);
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'bench', maxRetries: 0 });

    write(`Failover benchmark: ${options.requests} streaming requests per case at concurrency ${options.concurrency}; ttft_ms on the hanging primary: ${options.ttftTimeoutMs}.\n\n`);
    await run(client, 'healthy-fallback', { ...options, requests: Math.min(options.requests, 300) }); // warm-up, discarded
    const baseline = await run(client, 'healthy-fallback', options);
    const hanging = await run(client, 'hangs', options);
    const failing = await run(client, 'fails', options);
    write(`${'case'.padEnd(34)}${'ok'.padStart(7)}${'failed'.padStart(8)}${'TTFT p50'.padStart(11)}${'TTFT p99'.padStart(11)}  routes\n`);
    for (const [name, result] of [
      ['fallback served directly', baseline],
      [`primary hangs (> ${options.ttftTimeoutMs} ms)`, hanging],
      ['primary answers 503', failing],
    ] as const) {
      write(
        `${name.padEnd(34)}${String(result.ok).padStart(7)}${String(result.failed).padStart(8)}${percentile(result.ttfts, 0.5).toFixed(1).padStart(11)}${percentile(result.ttfts, 0.99).toFixed(1).padStart(11)}  ${[...result.routes].map(([route, count]) => `${route}×${count}`).join(', ')}\n`,
      );
    }
    const added = (result: Run, fraction: number) => percentile(result.ttfts, fraction) - percentile(baseline.ttfts, fraction);
    write(
      `\nsuccess: hanging primary ${((hanging.ok / options.requests) * 100).toFixed(2)}%, failing primary ${((failing.ok / options.requests) * 100).toFixed(2)}%\n` +
        `added TTFT when the primary hangs: p50 ${added(hanging, 0.5).toFixed(1)} ms, p99 ${added(hanging, 0.99).toFixed(1)} ms ` +
        `(bound: the ${options.ttftTimeoutMs} ms timeout + 50 ms = ${options.ttftTimeoutMs + 50} ms)\n` +
        `added TTFT when the primary answers 503: p50 ${added(failing, 0.5).toFixed(1)} ms, p99 ${added(failing, 0.99).toFixed(1)} ms\n`,
    );
  } finally {
    for (const child of processes.reverse()) await child.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

async function run(client: OpenAI, model: string, options: FailoverBenchmarkOptions): Promise<Run> {
  const ttfts: number[] = [];
  const routes = new Map<string, number>();
  let ok = 0;
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.requests) {
        next++;
        const started = performance.now();
        try {
          const { data, response } = await client.chat.completions
            .create({ model, messages: [{ role: 'user', content: 'One sentence about failover.' }], max_tokens: 16, stream: true })
            .withResponse();
          let first: number | undefined;
          for await (const chunk of data) if (first === undefined && (chunk.choices[0]?.delta.content ?? '') !== '') first = performance.now();
          ttfts.push((first ?? performance.now()) - started);
          const route = response.headers.get('x-tollgate-route') ?? 'unknown';
          routes.set(route, (routes.get(route) ?? 0) + 1);
          ok++;
        } catch {
          failed++;
        }
      }
    }),
  );
  ttfts.sort((left, right) => left - right);
  return { ok, failed, ttfts, routes };
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] as number);
}
