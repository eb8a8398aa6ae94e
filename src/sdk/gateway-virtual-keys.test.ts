import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';

const masterKey = 'master-key-for-tests-0123456789';

describe('virtual keys: admin API behind the master key, authentication on every model route', () => {
  let harness: GatewayHarness;
  const admin = (path: string, init: RequestInit = {}, key = masterKey) =>
    fetch(`${harness.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers } });

  beforeAll(async () => {
    harness = await startGatewayHarness({ extraYaml: `auth: { master_key: ${masterKey}, require_virtual_key: true }` });
  });
  afterAll(async () => harness.close());

  it('refuses the admin API without the master key', async () => {
    expect((await admin('/admin/keys', {}, 'wrong-key')).status).toBe(401);
    expect((await fetch(`${harness.url}/admin/keys`)).status).toBe(401);
  });

  it('creates a key shown once, authenticates with it, attributes the ledger row to its owner, and revokes it', async () => {
    const created = (await (
      await admin('/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'search', team: 'search-team', allowed_models: ['gpt-4o-mini'] }) })
    ).json()) as { key: string; id: string; prefix: string };
    expect(created.key).toMatch(/^tg-/);
    const listed = (await (await admin('/admin/keys')).json()) as { data: Array<Record<string, unknown>> };
    expect(listed.data.find((key) => key['id'] === created.id)).toMatchObject({ team: 'search-team', allowedModels: ['gpt-4o-mini'] });
    expect(JSON.stringify(listed)).not.toContain(created.key);

    const client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: created.key, maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const row = (await harness.ledgerRows()).find((entry) => entry.requestId === response.headers.get('x-tollgate-request-id'));
    expect(row).toMatchObject({ virtualKeyId: created.id, team: 'search-team' });

    const forbidden = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).then(
      () => undefined,
      (error: unknown) => error as { status: number; code: string },
    );
    expect(forbidden).toMatchObject({ status: 403, code: 'TG_ERR_MODEL_NOT_ALLOWED' });

    expect((await admin(`/admin/keys/${created.id}`, { method: 'DELETE' })).status).toBe(200);
    const revoked = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).then(
      () => undefined,
      (error: unknown) => error as { status: number; code: string; message: string },
    );
    expect(revoked).toMatchObject({ status: 401, code: 'TG_ERR_INVALID_API_KEY' });
    expect(revoked?.message).toMatch(/revoked/);
  });

  it('requires a key when configured, on the OpenAI and Anthropic routes alike', async () => {
    const noKey = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { error: { code: string } }).error.code).toBe('TG_ERR_AUTH_REQUIRED');
    const unknownKey = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': `tg-${'a'.repeat(40)}`, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(unknownKey.status).toBe(401);
    expect(((await unknownKey.json()) as { type: string; error: { type: string } }).error.type).toBe('authentication_error');
  });
});
