import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteLedgerStore } from '../stores/sqlite/sqlite-ledger-store.js';
import { spawnReadyProcess } from '../testing/bench/spawn-ready-process.js';
import { createProviderSimulator, type ProviderSimulator } from '../testing/simulator/provider-simulator.js';
import { defaultSimulatorModels } from '../testing/simulator/simulator-models.js';

const entry = fileURLToPath(new URL('./tollgate-entry.ts', import.meta.url));

describe('tollgate serve: SIGTERM under load', () => {
  let simulator: ProviderSimulator;
  let directory: string;
  let configPath: string;

  beforeAll(async () => {
    simulator = createProviderSimulator({
      models: { ...defaultSimulatorModels, 'gpt-4o-mini': { kind: 'chat', timeToFirstTokenMs: 150, tokensPerSecond: 400 } },
    });
    const { url } = await simulator.listen(0, '127.0.0.1');
    directory = mkdtempSync(join(tmpdir(), 'tollgate-sigterm-'));
    configPath = join(directory, 'tollgate.yaml');
    writeFileSync(configPath, `providers:\n  openai: { kind: openai, base_url: "${url}", api_key: sk-test }\nmodels:\n  gpt-4o-mini: openai\nstore: { kind: sqlite, path: ./ledger.db }\n`);
  });
  afterAll(async () => {
    await simulator.close(0);
    rmSync(directory, { recursive: true, force: true });
  });

  it('finishes in-flight requests, flushes the ledger and exits 0', async () => {
    const gateway = await spawnReadyProcess(['--import', 'tsx', entry, 'serve', '--config', configPath, '--port', '0']);
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client', maxRetries: 0 });
    const calls = Array.from({ length: 60 }, async (_, index) => {
      const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: `request ${index}` }], max_tokens: 40 };
      if (index % 3 === 0) {
        const { data, response } = await client.chat.completions.create({ ...params, stream: true }).withResponse();
        for await (const chunk of data) void chunk;
        return response.headers.get('x-tollgate-request-id');
      }
      const { response } = await client.chat.completions.create(params).withResponse();
      return response.headers.get('x-tollgate-request-id');
    });
    // SIGTERM once every request has reached the upstream, i.e. is in flight in the gateway.
    const before = simulator.stats().totalRequests;
    while (simulator.stats().totalRequests < before + 60) await new Promise((resolve) => setTimeout(resolve, 5));
    const exited = gateway.stop();
    const outcomes = await Promise.allSettled(calls);
    const exitCode = await exited;
    const completed = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' && outcome.value !== null ? [outcome.value] : []));

    expect(exitCode).toBe(0);
    // Every request was in flight when SIGTERM arrived: all of them finish.
    expect(completed).toHaveLength(60);
    const store = openSqliteLedgerStore({ path: join(directory, 'ledger.db') });
    try {
      const rows = await store.list({});
      const ledgerIds = new Set(rows.map((row) => row.requestId));
      for (const id of completed) expect(ledgerIds.has(id)).toBe(true);
      expect(rows.every((row) => row.status === 'ok' && row.costNanos !== null && row.costNanos > 0)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
