import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { error: { code: string; message: string; type: string; param: string | null } } };
}

describe('bad input gets a clear OpenAI-shaped 4xx with a stable code', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness({ maxBodyBytes: 1024 * 1024 });
  });
  afterAll(async () => harness.close());

  it('malformed JSON → 400 TG_ERR_INVALID_JSON', async () => {
    const result = await post(harness.url, '{"model": "gpt-4o", "messages": [');
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('TG_ERR_INVALID_JSON');
    expect(result.body.error.type).toBe('invalid_request_error');
    expect(result.body.error.message).toMatch(/not valid JSON/);
  });

  it.each([
    ['messages is a string', { model: 'gpt-4o', messages: 'hi' }, 'messages', /must be an array/],
    ['model is a number', { model: 4, messages: [{ role: 'user', content: 'hi' }] }, 'model', /must be a string, not a number/],
    ['model missing', { messages: [{ role: 'user', content: 'hi' }] }, 'model', /is required/],
    ['messages empty', { model: 'gpt-4o', messages: [] }, 'messages', /must not be empty/],
    ['message without role', { model: 'gpt-4o', messages: [{ content: 'hi' }] }, 'messages[0].role', /is required/],
    ['stream not boolean', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: 'yes' }, 'stream', /must be a boolean/],
    ['n not an integer', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], n: 1.5 }, 'n', /must be/],
    ['body is an array', [1, 2], null, /JSON object/],
  ])('%s → 400 TG_ERR_INVALID_REQUEST naming the field', async (_name, body, param, message) => {
    const result = await post(harness.url, JSON.stringify(body));
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('TG_ERR_INVALID_REQUEST');
    expect(result.body.error.param).toBe(param);
    expect(result.body.error.message).toMatch(message);
  });

  it('unknown model → 404 TG_ERR_UNKNOWN_MODEL listing the configured ones', async () => {
    const result = await post(harness.url, JSON.stringify({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] }));
    expect(result.status).toBe(404);
    expect(result.body.error.code).toBe('TG_ERR_UNKNOWN_MODEL');
    expect(result.body.error.message).toMatch(/"gpt-9" does not exist.*gpt-4o-mini/);
    expect(result.headers.get('x-tollgate-request-id')).toBeTruthy();
  });

  it('a 10 MB body → 413 TG_ERR_BODY_TOO_LARGE, and the server keeps serving', async () => {
    const huge = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(10 * 1024 * 1024) }] });
    const result = await post(harness.url, huge);
    expect(result.status).toBe(413);
    expect(result.body.error.code).toBe('TG_ERR_BODY_TOO_LARGE');
    const after = await harness.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] });
    expect(after.choices).toHaveLength(1);
  });

  it('unknown routes → 404, wrong methods → 405, both OpenAI-shaped', async () => {
    const missing = await fetch(`${harness.url}/v1/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('TG_ERR_NOT_FOUND');
    const wrongMethod = await fetch(`${harness.url}/v1/chat/completions`);
    expect(wrongMethod.status).toBe(405);
    expect(((await wrongMethod.json()) as { error: { code: string } }).error.code).toBe('TG_ERR_METHOD_NOT_ALLOWED');
  });

  it('never answers 5xx to any of a batch of garbage bodies', async () => {
    const garbage = ['', 'null', '42', '"text"', '{}', '{"model":null}', '{"model":"gpt-4o","messages":[null]}', '\u0000\u0001', '{"model":"gpt-4o","messages":[{"role":"user","content":{"a":1}}]}'];
    for (const body of garbage) {
      const response = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', body });
      expect(response.status, body).toBeGreaterThanOrEqual(400);
      expect(response.status, body).toBeLessThan(500);
    }
  });
});

describe('upstream failures map to OpenAI error bodies with the right status', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    // One attempt and no fallbacks: the provider's failure reaches the client as mapped.
    harness = await startGatewayHarness({ extraYaml: 'resilience: { retry: { max_attempts: 1 } }' });
  });
  afterAll(async () => harness.close());

  // The 429 runs last: its deployment then cools down for the retry-after (2 s), as it should.
  it.each([
    [400, 400, 'TG_ERR_UPSTREAM_BAD_REQUEST'],
    [401, 502, 'TG_ERR_UPSTREAM_AUTH'],
    [500, 502, 'TG_ERR_UPSTREAM_SERVER'],
    [503, 503, 'TG_ERR_UPSTREAM_OVERLOADED'],
    [429, 429, 'TG_ERR_UPSTREAM_RATE_LIMITED'],
  ])('upstream %i → client %i %s, ledger row with the error', async (upstreamStatus, clientStatus, code) => {
    harness.simulator.setFaults([{ model: 'gpt-4o-mini', times: 1, fault: { status: upstreamStatus, retryAfterSeconds: 2 } }]);
    const error = await harness.client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(clientStatus);
    expect(apiError.code).toBe(code);
    if (upstreamStatus === 429) expect(apiError.headers?.get('retry-after')).toBe('2');
    if (upstreamStatus === 401) expect(apiError.message).not.toMatch(/sk-test-provider-key/);
    const requestId = apiError.headers?.get('x-tollgate-request-id');
    const rows = (await harness.ledgerRows()).filter((row) => row.requestId === requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'error', errorCode: code, httpStatus: upstreamStatus, costNanos: 0 });
  });

  it('an unreachable provider → 502 TG_ERR_UPSTREAM_CONNECT', async () => {
    const unreachable = await startGatewayHarness({ upstreamUrl: 'http://127.0.0.1:9/v1', extraYaml: 'resilience: { retry: { max_attempts: 1 } }' });
    try {
      const error = await unreachable.client.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
        .then(() => undefined, (thrown: unknown) => thrown as InstanceType<typeof OpenAI.APIError>);
      expect(error?.status).toBe(502);
      expect(error?.code).toBe('TG_ERR_UPSTREAM_CONNECT');
    } finally {
      await unreachable.close();
    }
  });
});
