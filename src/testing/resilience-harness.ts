import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { parseConfig } from '../config/load-config.js';
import type { LedgerEntry } from '../core/ledger-entry.js';
import { startGateway, type RunningGateway } from '../sdk/start-gateway.js';
import { createProviderSimulator, type ProviderSimulator, type ProviderSimulatorOptions } from './simulator/provider-simulator.js';
import { createSeededRandom } from './simulator/seeded-random.js';

/**
 * A gateway for the fault-injection suite (`src/sdk/gateway-resilience-*.test.ts`): like
 * `startGatewayHarness`, but every model and the `resilience:` section are the test's own, extra
 * OpenAI-wire providers can point anywhere (an unreachable port, a stalling server), and load
 * balancing and retry jitter draw from a seeded random.
 */
export interface ResilienceHarnessOptions {
  readonly simulator?: ProviderSimulatorOptions;
  /** Provider id → base URL of an extra `kind: openai` provider, e.g. `{ dead: 'http://127.0.0.1:9/v1' }`. */
  readonly extraProviders?: Readonly<Record<string, string>>;
  /** Every model, one YAML line each, written under `models:` (the harness indents them). */
  readonly models: readonly string[];
  /** Top-level YAML, e.g. `resilience: { retry: { max_attempts: 1 } }`. */
  readonly extraYaml?: string;
  /** Seed of the gateway's random (load balancing, retry jitter). Default 1. */
  readonly randomSeed?: number;
}

export interface ResilienceHarness {
  readonly simulator: ProviderSimulator;
  /** `http://host:port` of the simulator (the Anthropic and Gemini base URL). */
  readonly simulatorOrigin: string;
  readonly running: RunningGateway;
  readonly url: string;
  /** The official OpenAI client pointed at the gateway, SDK retries off. */
  readonly client: OpenAI;
  /** Flushes the ledger queue and returns every row. */
  ledgerRows(): Promise<LedgerEntry[]>;
  close(): Promise<void>;
}

/** The providers `openai`, `anthropic` and `gemini` all point at one simulator (which accepts any model name). */
export async function startResilienceHarness(options: ResilienceHarnessOptions): Promise<ResilienceHarness> {
  const simulator = createProviderSimulator({ acceptAnyModel: true, ...options.simulator });
  const { url: simulatorUrl, origin: simulatorOrigin } = await simulator.listen(0, '127.0.0.1');
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-resilience-'));
  const extraProviders = Object.entries(options.extraProviders ?? {}).map(
    ([id, baseUrl]) => `  ${id}: { kind: openai, base_url: "${baseUrl}", api_key: sk-test-${id} }`,
  );
  const yaml = [
    'server: { shutdown_timeout_ms: 2000 }',
    'providers:',
    `  openai: { kind: openai, base_url: "${simulatorUrl}", api_key: sk-test-provider-key }`,
    `  anthropic: { kind: anthropic, base_url: "${simulatorOrigin}", api_key: sk-ant-test }`,
    `  gemini: { kind: gemini, base_url: "${simulatorOrigin}/v1beta", api_key: gemini-test-key }`,
    ...extraProviders,
    'models:',
    ...options.models.map((line) => `  ${line}`),
    'store: { kind: sqlite, path: ./ledger.db }',
    'ledger: { flush_interval_ms: 5 }',
    ...(options.extraYaml === undefined ? [] : [options.extraYaml]),
  ].join('\n');
  const config = parseConfig(yaml, { env: {}, baseDirectory: directory });
  const random = createSeededRandom(options.randomSeed ?? 1);
  const running = await startGateway({ config, port: 0, host: '127.0.0.1', random: random.next });
  const client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
  return {
    simulator,
    simulatorOrigin,
    running,
    url: running.url,
    client,
    async ledgerRows() {
      await running.gateway.ledgerWriter.flush();
      return running.gateway.ledgerStore.list({});
    },
    async close() {
      await running.shutdown();
      await simulator.close(0);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** What one chat completion through the official client came to. */
export type ChatOutcome =
  | {
      readonly ok: true;
      readonly requestId: string;
      /** `x-tollgate-route` and `x-tollgate-provider` of the response. */
      readonly route: string | null;
      readonly provider: string | null;
      readonly text: string;
      readonly finishReason: string | null;
    }
  | { readonly ok: false; readonly requestId: string | null; readonly status: number | undefined; readonly error: unknown; readonly textBeforeError: string };

export interface ChatCall {
  readonly model: string;
  readonly stream: boolean;
  /** The user message; default "Say something short." */
  readonly content?: string;
}

/**
 * One chat completion with `client`; never throws. A stream counts as ok only when the SDK's
 * iteration ends normally (it throws on an error event), so a clean end is never confused with a cut.
 */
export async function chatOnce(client: OpenAI, call: ChatCall): Promise<ChatOutcome> {
  const messages = [{ role: 'user' as const, content: call.content ?? 'Say something short.' }];
  let requestId: string | null = null;
  let text = '';
  try {
    if (!call.stream) {
      const { data, response } = await client.chat.completions.create({ model: call.model, messages }).withResponse();
      const choice = data.choices[0];
      return {
        ok: true,
        requestId: response.headers.get('x-tollgate-request-id') ?? '',
        route: response.headers.get('x-tollgate-route'),
        provider: response.headers.get('x-tollgate-provider'),
        text: choice?.message.content ?? '',
        finishReason: choice?.finish_reason ?? null,
      };
    }
    const { data, response } = await client.chat.completions.create({ model: call.model, messages, stream: true }).withResponse();
    requestId = response.headers.get('x-tollgate-request-id');
    let finishReason: string | null = null;
    for await (const chunk of data) {
      const choice = chunk.choices[0];
      text += choice?.delta.content ?? '';
      finishReason = choice?.finish_reason ?? finishReason;
    }
    const headers = response.headers;
    return { ok: true, requestId: requestId ?? '', route: headers.get('x-tollgate-route'), provider: headers.get('x-tollgate-provider'), text, finishReason };
  } catch (error) {
    const apiError = error instanceof OpenAI.APIError ? error : undefined;
    return {
      ok: false,
      requestId: requestId ?? apiError?.headers?.get('x-tollgate-request-id') ?? null,
      status: apiError?.status,
      error,
      textBeforeError: text,
    };
  }
}

/** Runs `count` tasks, at most `concurrency` at a time; results in task order. */
export async function runConcurrently<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let nextIndex = 0;
  async function worker(): Promise<void> {
    while (nextIndex < count) {
      const index = nextIndex++;
      results[index] = await task(index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** Ledger rows grouped by request id, each group in attempt order. */
export function rowsByRequest(rows: readonly LedgerEntry[]): Map<string, LedgerEntry[]> {
  const groups = new Map<string, LedgerEntry[]>();
  for (const row of rows) {
    const group = groups.get(row.requestId) ?? [];
    group.push(row);
    groups.set(row.requestId, group);
  }
  for (const group of groups.values()) group.sort((left, right) => left.attempt - right.attempt);
  return groups;
}

/** The breaker state of one deployment key (`provider/model`); `closed` when the breaker never saw it. */
export function breakerState(harness: ResilienceHarness, key: string): string {
  return harness.running.gateway.resilienceState().circuitBreakers.find((snapshot) => snapshot.key === key)?.state ?? 'closed';
}

/** An OpenAI-wire upstream whose streams stop mid-way: it never sends another byte, nor closes. */
export interface StallingUpstream {
  /** Base URL for an OpenAI provider, ending in `/v1`. */
  readonly url: string;
  /** Streams the gateway has hung up on so far (it gave up waiting and cancelled the call). */
  cancelledStreams(): number;
  close(): Promise<void>;
}

/**
 * The provider simulator cannot stall a stream after its first content (its pacing is even), so
 * this upstream does: every chat completion streams a role chunk and `text` in one content
 * chunk, then goes silent with the connection open.
 */
export async function startStallingUpstream(text: string): Promise<StallingUpstream> {
  const open = new Set<ServerResponse>();
  let cancelled = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.once('end', () => {
      const chunk = (delta: object) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-stall', object: 'chat.completion.chunk', created: 1, model: 'stalling-model', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(chunk({ role: 'assistant', content: '' }) + chunk({ content: text }));
      open.add(response);
      response.once('close', () => {
        open.delete(response);
        cancelled += 1;
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    cancelledStreams: () => cancelled,
    async close() {
      for (const response of open) response.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
