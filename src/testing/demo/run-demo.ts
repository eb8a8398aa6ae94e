import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { loadConfigFile } from '../../config/load-config.js';
import { formatUsdShort } from '../../core/money.js';
import { startGateway } from '../../sdk/start-gateway.js';
import { formatReportTable } from '../../cli/report-table.js';
import { openSqliteLedgerStore } from '../../stores/sqlite/sqlite-ledger-store.js';
import { createProviderSimulator } from '../simulator/provider-simulator.js';
import { defaultSimulatorModels, type SimulatorModelTable } from '../simulator/simulator-models.js';
import { createDemoWorkload, type DemoRequest } from './demo-workload.js';
import { createProgressBar } from './progress-bar.js';

export interface DemoOptions {
  readonly requests: number;
  readonly concurrency: number;
  readonly write: (text: string) => void;
  readonly isTty: boolean;
}

const demoConfigPath = fileURLToPath(new URL('../../../examples/demo/tollgate.yaml', import.meta.url));

/** Realistic latencies, scaled down so the demo takes seconds, not minutes. */
function demoModels(): SimulatorModelTable {
  const models: Record<string, SimulatorModelTable[string]> = { ...defaultSimulatorModels };
  const latency: Record<string, [number, number]> = {
    'gpt-4o': [90, 900],
    'gpt-4o-mini': [50, 1500],
    'gpt-4.1-nano': [30, 2500],
    'o3-mini': [150, 1200],
    'claude-sonnet-4-5': [120, 800],
    'gemini-2.5-flash': [60, 1800],
  };
  for (const [name, [timeToFirstTokenMs, tokensPerSecond]] of Object.entries(latency)) {
    const base = models[name];
    if (base !== undefined) models[name] = { ...base, timeToFirstTokenMs, tokensPerSecond };
  }
  models['llama-3.1-8b-instruct'] = { kind: 'chat', timeToFirstTokenMs: 40, tokensPerSecond: 2000 };
  return models;
}

/**
 * The README's main job: the provider simulator and the gateway on the embedded default (SQLite),
 * a sample workload through the official `openai` client, then the report, checked against the
 * ledger rows it summarises. Resolves with the exit code.
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const { write } = options;
  // A flaky primary: 8% of gpt-4o calls fail with 503, so retries and fallbacks show in the ledger.
  const simulator = createProviderSimulator({ models: demoModels(), faults: [{ model: 'gpt-4o', probability: 0.08, fault: { status: 503 } }] });
  const simulatorAddress = await simulator.listen(0, '127.0.0.1');
  write(`Provider simulator (stands in for OpenAI, Anthropic and Gemini; no network is used) on ${simulatorAddress.origin}\n`);

  const config = await loadConfigFile(demoConfigPath, {
    env: { ...process.env, SIMULATOR_URL: simulatorAddress.url, SIMULATOR_ORIGIN: simulatorAddress.origin },
  });
  if (config.store.kind !== 'sqlite') throw new Error('the demo config must use a sqlite store');
  const ledgerPath = config.store.path;
  for (const suffix of ['', '-wal', '-shm']) rmSync(ledgerPath + suffix, { force: true });
  const gateway = await startGateway({ config, port: 0 });
  write(`Tollgate gateway on ${gateway.url}, ledger at ${ledgerPath}\n`);

  const clients = {
    openai: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'demo-key', maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: gateway.url, apiKey: 'demo-key', maxRetries: 0 }),
  };
  const workload = createDemoWorkload(options.requests);
  const streamed = workload.filter((request) => request.body.stream === true).length;
  const viaAnthropic = workload.filter((request) => request.client === 'anthropic').length;
  write(
    `Sending ${workload.length} requests (${streamed} streaming) at concurrency ${options.concurrency}: ` +
      `${workload.length - viaAnthropic} with the official openai client, ${viaAnthropic} with @anthropic-ai/sdk...\n`,
  );
  const progress = createProgressBar(workload.length, write, options.isTty);
  const overheads: number[] = [];
  let done = 0;
  let failed = 0;
  let next = 0;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < workload.length) {
        const request = workload[next++] as DemoRequest;
        try {
          overheads.push(request.client === 'anthropic' ? await sendAnthropic(clients.anthropic, request) : await send(clients.openai, request));
        } catch (error) {
          failed++;
          if (failed <= 3) write(`\n  request failed: ${error instanceof Error ? error.message : String(error)}\n`);
        }
        done++;
        progress.update(done, failed);
      }
    }),
  );
  progress.finish();
  const seconds = (performance.now() - startedAt) / 1000;
  await gateway.shutdown();
  await simulator.close();
  overheads.sort((left, right) => left - right);
  write(
    `Done in ${seconds.toFixed(1)} s; gateway overhead per request (x-tollgate-overhead-ms): p50 ${percentile(overheads, 0.5)} ms, p99 ${percentile(overheads, 0.99)} ms\n` +
      '  (client, simulator and gateway share one process in the demo; `npm run bench:overhead` measures them apart)\n\n',
  );

  const store = openSqliteLedgerStore({ path: ledgerPath });
  try {
    const report = await store.report({});
    write(formatReportTable(report));
    const rows = await store.list({});
    const routes = new Map<string, number>();
    for (const row of rows) {
      const key = `${row.route ?? 'primary'}${row.status === 'ok' ? '' : ` (${row.errorCode ?? row.status})`}`;
      routes.set(key, (routes.get(key) ?? 0) + 1);
    }
    write(`\nAttempts by route (the simulator fails 8% of gpt-4o calls with 503):\n`);
    for (const [route, count] of [...routes].sort((left, right) => right[1] - left[1])) write(`  ${route.padEnd(48)}${String(count).padStart(6)}\n`);
    const rowSum = rows.reduce((sum, row) => sum + (row.costNanos ?? 0), 0);
    const matches = rowSum === report.totals.costNanos && rows.length === report.totals.attempts;
    // Every request the client saw succeed has exactly one successful attempt in the ledger.
    const answered = rows.filter((row) => row.status === 'ok').length;
    write(
      `\nLedger check: ${rows.length} rows, their costs sum to ${formatUsdShort(rowSum)} (${rowSum} nano-dollars); report total ${formatUsdShort(report.totals.costNanos)}: ${matches ? 'equal' : 'MISMATCH'}\n`,
    );
    write(`Requests answered: ${done - failed} of ${workload.length}; successful attempts in the ledger: ${answered}\n`);
    return matches && failed === 0 && answered === workload.length ? 0 : 1;
  } finally {
    await store.close();
  }
}

/** Sends one workload request; resolves with the gateway's reported overhead in ms. */
async function send(client: OpenAI, request: DemoRequest): Promise<number> {
  const options = { headers: request.headers };
  if (request.body.stream === true) {
    const { data: stream, response } = await client.chat.completions
      .create({ ...(request.body as unknown as OpenAI.ChatCompletionCreateParamsStreaming), stream: true }, options)
      .withResponse();
    for await (const chunk of stream) void chunk;
    return Number(response.headers.get('x-tollgate-overhead-ms'));
  }
  const { response } = await client.chat.completions
    .create({ ...(request.body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming), stream: false }, options)
    .withResponse();
  return Number(response.headers.get('x-tollgate-overhead-ms'));
}

/** Sends a plain-text workload request through the Anthropic front door (`/v1/messages`). */
async function sendAnthropic(client: Anthropic, request: DemoRequest): Promise<number> {
  const body = request.body;
  const system = body.messages.filter((message) => message.role === 'system').map((message) => String(message.content)).join('\n');
  const messages = body.messages
    .filter((message) => message.role !== 'system')
    .map((message) => ({ role: message.role as 'user' | 'assistant', content: String(message.content) }));
  const params = {
    model: body.model,
    max_tokens: body.max_completion_tokens ?? body.max_tokens ?? 512,
    messages,
    ...(system === '' ? {} : { system }),
  };
  const options = { headers: request.headers };
  if (body.stream === true) {
    const stream = client.messages.stream(params, options);
    await stream.finalMessage();
    const response = (await stream.withResponse()).response;
    return Number(response.headers.get('x-tollgate-overhead-ms'));
  }
  const { response } = await client.messages.create(params, options).withResponse();
  return Number(response.headers.get('x-tollgate-overhead-ms'));
}

function percentile(sorted: readonly number[], fraction: number): string {
  if (sorted.length === 0) return '-';
  const value = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
  return value.toFixed(3);
}
