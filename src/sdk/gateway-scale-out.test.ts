import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { createProviderSimulator, type ProviderSimulator } from '../testing/simulator/provider-simulator.js';
import { startGateway, type RunningGateway } from './start-gateway.js';

const postgresUrl = 'postgres://postgres@127.0.0.1:5432/test';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('scale-out store: Redis counters, PostgreSQL ledger and keys', () => {
  let simulator: ProviderSimulator;
  let simulatorUrl: string;
  const schemas: string[] = [];

  beforeAll(async () => {
    simulator = createProviderSimulator({ acceptAnyModel: true });
    simulatorUrl = (await simulator.listen(0, '127.0.0.1')).url;
  });
  afterAll(async () => {
    await simulator.close(0);
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  async function start(redisUrl: string, extraYaml: string, shared?: string): Promise<{ running: RunningGateway; prefix: string }> {
    const suffix = shared ?? randomBytes(4).toString('hex');
    const schema = `tg_scale_${suffix}`;
    if (!schemas.includes(schema)) schemas.push(schema);
    const prefix = `tg-test-${suffix}`;
    const yaml = [
      'providers:',
      `  openai: { kind: openai, base_url: "${simulatorUrl}", api_key: sk-test }`,
      'models:',
      '  gpt-4o-mini: openai',
      `store: { kind: scale-out, redis_url: "${redisUrl}", postgres_url: "${postgresUrl}", postgres_schema: ${schema}, redis_key_prefix: ${prefix} }`,
      'ledger: { flush_interval_ms: 5 }',
      extraYaml,
    ].join('\n');
    const running = await startGateway({ config: parseConfig(yaml, { env: {}, baseDirectory: '/tmp' }), port: 0, host: '127.0.0.1' });
    return { running, prefix };
  }

  const ask = (running: RunningGateway, team: string) =>
    new OpenAI({ baseURL: `${running.url}/v1`, apiKey: 'x', maxRetries: 0, defaultHeaders: { 'x-tollgate-team': team } }).chat.completions
      .create({ model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();

  it('settles budgets in Redis to exactly the PostgreSQL ledger, and rate-limits across the shared counters', async () => {
    const { running } = await start('redis://127.0.0.1:6379', [
      'budgets:',
      '  - { id: shared, scope: { team: search }, limit_usd: 100, window: daily }',
      'rate_limits:',
      '  - { scope: { team: search }, requests_per_minute: 25 }',
    ].join('\n'));
    try {
      const outcomes = await Promise.all(Array.from({ length: 30 }, () => ask(running, 'search').then(() => 200, (error: { status: number }) => error.status)));
      expect(outcomes.filter((status) => status === 200)).toHaveLength(25);
      expect(outcomes.filter((status) => status === 429)).toHaveLength(5);
      await running.gateway.ledgerWriter.flush();
      const rows = await running.gateway.ledgerStore.list({});
      const rule = running.gateway.budgetRules[0];
      if (rule === undefined) throw new Error('budget missing');
      const status = await running.gateway.budgets.engine.status(rule);
      expect(rows).toHaveLength(25);
      expect(status.reserved).toBe(0);
      expect(status.spent).toBe(rows.reduce((sum, row) => sum + (row.costNanos ?? 0), 0));
      expect(status.spent).toBeGreaterThan(0);
    } finally {
      await running.shutdown();
    }
  });

  it('shares the exact and semantic caches between replicas', async () => {
    const shared = randomBytes(4).toString('hex');
    const cacheYaml = 'cache:\n  exact: { scope: global }\n  semantic: { models: [gpt-4o-mini] }';
    const first = await start('redis://127.0.0.1:6379', cacheYaml, shared);
    const second = await start('redis://127.0.0.1:6379', cacheYaml, shared);
    try {
      const ask = async (running: RunningGateway, content: string) => {
        const { data, response } = await new OpenAI({ baseURL: `${running.url}/v1`, apiKey: 'x', maxRetries: 0 }).chat.completions
          .create({ model: 'gpt-4o-mini', max_tokens: 1000, messages: [{ role: 'user', content }] })
          .withResponse();
        return { text: data.choices[0]?.message.content, cache: response.headers.get('x-tollgate-cache') };
      };
      const original = await ask(first.running, 'How do I rotate my API key?');
      expect(original.cache).toBe('miss');
      // The entry is in Redis at once; the other replica's index learns the prompt within a poll (250 ms).
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(await ask(second.running, 'How do I rotate my API key?')).toMatchObject({ cache: 'hit', text: original.text });
      expect(await ask(second.running, 'how do i rotate my api key')).toMatchObject({ cache: 'semantic-hit', text: original.text });
    } finally {
      await first.running.shutdown();
      await second.running.shutdown();
    }
  });

  it('answers 503 TG_ERR_STORE_UNAVAILABLE promptly when Redis is down and the limit is fail-closed', async () => {
    const { running } = await start(`redis://127.0.0.1:${await closedPort()}`, 'budgets:\n  - { scope: { team: search }, limit_usd: 5, window: daily }');
    try {
      const started = performance.now();
      const failure = await ask(running, 'search').then(
        () => undefined,
        (error: { status: number; code: string }) => error,
      );
      const elapsedMs = performance.now() - started;
      console.log(`fail-closed with Redis down: ${failure?.status} ${failure?.code} in ${elapsedMs.toFixed(1)} ms`);
      expect(failure).toMatchObject({ status: 503, code: 'TG_ERR_STORE_UNAVAILABLE' });
      expect(elapsedMs).toBeLessThan(300);
      // Requests no limit applies to never touch Redis.
      await expect(ask(running, 'other')).resolves.toBeDefined();
    } finally {
      await running.shutdown();
    }
  });

  it('admits unmetered, counts it and says so when Redis is down and the limit is fail-open', async () => {
    const { running } = await start(`redis://127.0.0.1:${await closedPort()}`, [
      'limits: { on_store_failure: fail-open }',
      'budgets:\n  - { scope: { team: search }, limit_usd: 5, window: daily }',
    ].join('\n'));
    try {
      const { response } = await ask(running, 'search');
      expect(response.status).toBe(200);
      expect(running.gateway.budgets.failOpenCount()).toBe(1);
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      expect(metrics).toContain('tollgate_limits_fail_open_total 1');
    } finally {
      await running.shutdown();
    }
  });
});
