import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { parseConfig } from '../config/load-config.js';
import type { LedgerEntry } from '../core/ledger-entry.js';
import { startGateway, type RunningGateway } from '../sdk/start-gateway.js';
import { createProviderSimulator, type ProviderSimulator } from './simulator/provider-simulator.js';
import type { ProviderSimulatorOptions } from './simulator/provider-simulator.js';

export interface GatewayHarness {
  readonly simulator: ProviderSimulator;
  readonly simulatorUrl: string;
  readonly running: RunningGateway;
  readonly url: string;
  /** The official OpenAI client pointed at the gateway, SDK retries off. */
  readonly client: OpenAI;
  /** Flushes the ledger queue and returns every row. */
  ledgerRows(): Promise<LedgerEntry[]>;
  close(): Promise<void>;
}

export interface GatewayHarnessOptions {
  readonly simulator?: ProviderSimulatorOptions;
  /** Extra YAML appended under `models:` (indented two spaces). */
  readonly extraModels?: string;
  /** Upstream base URL to use instead of the simulator (e.g. a capturing server). */
  readonly upstreamUrl?: string;
  readonly maxBodyBytes?: number;
  /** Extra top-level YAML, e.g. `resilience: { retry: { max_attempts: 1 } }`. */
  readonly extraYaml?: string;
}

/** Starts a provider simulator and a gateway (SQLite ledger in a temp dir) wired to it. */
export async function startGatewayHarness(options: GatewayHarnessOptions = {}): Promise<GatewayHarness> {
  const simulator = createProviderSimulator({ acceptAnyModel: true, ...options.simulator });
  const { url: simulatorUrl, origin: simulatorOrigin } = await simulator.listen(0, '127.0.0.1');
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-test-'));
  const yaml = [
    'server:',
    `  max_body_bytes: ${options.maxBodyBytes ?? 4194304}`,
    '  shutdown_timeout_ms: 10000',
    'providers:',
    `  openai: { kind: openai, base_url: "${options.upstreamUrl ?? simulatorUrl}", api_key: sk-test-provider-key }`,
    `  anthropic: { kind: anthropic, base_url: "${simulatorOrigin}", api_key: sk-ant-test }`,
    `  gemini: { kind: gemini, base_url: "${simulatorOrigin}/v1beta", api_key: gemini-test-key }`,
    'models:',
    '  gpt-4o: openai',
    '  gpt-4o-mini: openai',
    '  o3-mini: openai',
    '  cheap: { provider: openai, model: gpt-4.1-nano }',
    '  mystery: { provider: openai, model: mystery-model-1 }',
    '  claude: { provider: anthropic, model: claude-sonnet-4-5 }',
    '  gemini-flash: { provider: gemini, model: gemini-2.5-flash }',
    ...(options.extraModels === undefined ? [] : [options.extraModels]),
    'store: { kind: sqlite, path: ./ledger.db }',
    'ledger: { flush_interval_ms: 5 }',
    ...(options.extraYaml === undefined ? [] : [options.extraYaml]),
  ].join('\n');
  const config = parseConfig(yaml, { env: {}, baseDirectory: directory });
  const running = await startGateway({ config, port: 0, host: '127.0.0.1' });
  const client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
  return {
    simulator,
    simulatorUrl,
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
