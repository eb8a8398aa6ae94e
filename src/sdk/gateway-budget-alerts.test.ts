import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { createProviderSimulator, type ProviderSimulator } from '../testing/simulator/provider-simulator.js';
import { startGateway, type RunningGateway } from './start-gateway.js';

const masterKey = 'master-key-for-budget-tests-0123';

interface Fixture {
  simulator: ProviderSimulator;
  directory: string;
  webhook: Server;
  posts: Array<Record<string, unknown>>;
  yaml: string;
}

async function fixture(budgetsYaml: string): Promise<Fixture> {
  const simulator = createProviderSimulator({ acceptAnyModel: true });
  const { url } = await simulator.listen(0, '127.0.0.1');
  const posts: Array<Record<string, unknown>> = [];
  const webhook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      posts.push(JSON.parse(body) as Record<string, unknown>);
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-budget-'));
  const yaml = [
    'providers:',
    `  openai: { kind: openai, base_url: "${url}", api_key: sk-test }`,
    'models:',
    '  gpt-4o-mini: openai',
    'store: { kind: sqlite, path: ./tollgate.db }',
    'ledger: { flush_interval_ms: 5 }',
    `auth: { master_key: ${masterKey} }`,
    `limits: { alert_webhook: "http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook" }`,
    budgetsYaml,
  ].join('\n');
  return { simulator, directory, webhook, posts, yaml };
}

async function start(current: Fixture): Promise<RunningGateway> {
  return startGateway({ config: parseConfig(current.yaml, { env: {}, baseDirectory: current.directory }), port: 0, host: '127.0.0.1' });
}

describe('budget alerts, the admin view, and restarts on the embedded default', () => {
  let current: Fixture | undefined;
  let running: RunningGateway | undefined;
  afterEach(async () => {
    await running?.shutdown();
    if (current !== undefined) {
      await current.simulator.close(0);
      await new Promise((resolve) => current?.webhook.close(resolve));
      rmSync(current.directory, { recursive: true, force: true });
    }
    running = undefined;
    current = undefined;
  });

  it('posts each soft threshold once to a Slack-compatible webhook and shows the budget under /admin/budgets and /metrics', async () => {
    current = await fixture('budgets:\n  - { id: team-tokens, scope: { team: search }, limit_tokens: 1000, window: daily }');
    running = await start(current);
    const client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: 'x', maxRetries: 0, defaultHeaders: { 'x-tollgate-team': 'search' } });
    let refusedAfter = -1;
    for (let index = 0; index < 100 && refusedAfter < 0; index += 1) {
      await client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }).then(
        () => undefined,
        (error: { code?: string }) => {
          expect(error.code).toBe('TG_ERR_BUDGET_EXCEEDED');
          refusedAfter = index;
        },
      );
    }
    expect(refusedAfter).toBeGreaterThan(5);
    await running.gateway.budgets.alerts.drain();
    const thresholds = current.posts.map((post) => (post['tollgate'] as { threshold: number }).threshold);
    // 50 % and 80 % as spend crosses them; 100 % when the first request is refused.
    expect(thresholds).toEqual([0.5, 0.8, 1]);
    expect(current.posts[0]?.['text']).toMatch(/Budget team-tokens \(team search\) reached 50%: \d+ of 1000 tokens/);

    const withoutKey = await fetch(`${running.url}/admin/budgets`);
    expect(withoutKey.status).toBe(401);
    const view = (await (await fetch(`${running.url}/admin/budgets`, { headers: { authorization: `Bearer ${masterKey}` } })).json()) as {
      budgets: Array<{ id: string; current: { spent: number; reserved: number; remaining: number } }>;
      recentAlerts: unknown[];
    };
    const budget = view.budgets.find((entry) => entry.id === 'team-tokens');
    expect(budget?.current.reserved).toBe(0);
    expect(budget?.current.spent).toBeGreaterThan(800);
    expect(budget?.current.spent).toBeLessThanOrEqual(1000);
    expect(view.recentAlerts).toHaveLength(3);
    expect(view.recentAlerts[0]).toMatchObject({ id: expect.stringMatching(/^budget\.threshold:team-tokens:d:\d{4}-\d\d-\d\d:0\.5$/), kind: 'budget.threshold', subject: 'team-tokens' });
    const events = await running.gateway.ledgerStore.listEvents({ kind: 'budget.threshold' });
    expect(events.map((event) => event.details['threshold'])).toEqual([0.5, 0.8, 1]);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toContain(`tollgate_budget_used{budget="team-tokens",unit="tokens"} ${budget?.current.spent}`);
    expect(metrics).toContain('tollgate_budget_alerts_total 3');
  });

  it("keeps a key's budget and the spend across a restart", async () => {
    current = await fixture('');
    running = await start(current);
    const created = (await (
      await fetch(`${running.url}/admin/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ allowed_models: null, team: 'keyed', budgets: [{ limit_tokens: 300, window: 'monthly' }], rate_limits: { requests_per_minute: 1000 } }),
      })
    ).json()) as { key: string; id: string; budgets: unknown[] };
    expect(created.budgets).toEqual([{ limit_tokens: 300, window: 'monthly' }]);
    const ask = (url: string) =>
      new OpenAI({ baseURL: `${url}/v1`, apiKey: created.key, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }).then(
        () => 'ok',
        (error: { code?: string; error?: { remaining?: number } }) => `${error.code}:${error.error?.remaining}`,
      );
    const before: string[] = [];
    for (let index = 0; index < 20; index += 1) before.push(await ask(running.url));
    const refusal = before.find((outcome) => outcome !== 'ok');
    expect(refusal).toMatch(/^TG_ERR_BUDGET_EXCEEDED:\d+$/);
    await running.shutdown();
    running = await start(current);
    // Same remaining after the restart: nothing spent was forgotten, nothing reserved was left behind.
    expect(await ask(running.url)).toBe(refusal);

    const invalid = await fetch(`${running.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ allowed_models: null, budgets: [{ limit_usd: 5 }] }),
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'TG_ERR_INVALID_REQUEST', message: expect.stringMatching(/budgets\.0\.window/) });
  });
});
