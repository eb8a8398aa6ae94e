import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../../testing/gateway-harness.js';

interface AnthropicErrorJson {
  type: string;
  error: { type: string; message: string };
}

async function post(url: string, path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const hello = [{ role: 'user', content: 'hi' }];

describe('Anthropic front door: bad input and upstream failures answer Anthropic-shaped errors', () => {
  let harness: GatewayHarness;
  let client: Anthropic;
  beforeAll(async () => {
    harness = await startGatewayHarness({ extraYaml: 'resilience: { retry: { max_attempts: 1 } }' });
    client = new Anthropic({ baseURL: harness.url, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(async () => harness.close());

  function failureOf(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
    return promise.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (error: unknown) => error as InstanceType<typeof Anthropic.APIError>,
    );
  }

  it('missing max_tokens → SDK BadRequestError, invalid_request_error naming the field, with the error code header', async () => {
    // @ts-expect-error max_tokens is deliberately missing
    const error = await failureOf(client.messages.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error.type).toBe('invalid_request_error');
    expect(error.apiMessage).toMatch(/^"max_tokens" is required\.$/);
    expect(error.headers?.get('x-tollgate-error-code')).toBe('TG_ERR_INVALID_REQUEST');
    expect(error.requestID).toBe(error.headers?.get('x-tollgate-request-id'));
  });

  it.each([
    ['max_tokens is a string', { model: 'gpt-4o', max_tokens: '10', messages: hello }, /"max_tokens" must be a number, not a string/],
    ['max_tokens is fractional', { model: 'gpt-4o', max_tokens: 1.5, messages: hello }, /"max_tokens" must be an integer, not a fractional number/],
    ['max_tokens is 0', { model: 'gpt-4o', max_tokens: 0, messages: hello }, /"max_tokens" must be at least 1/],
    ['messages is empty', { model: 'gpt-4o', max_tokens: 10, messages: [] }, /"messages" must not be empty/],
    ['role is system', { model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'system', content: 'hi' }] }, /"messages\[0\].role" must be one of "user", "assistant"/],
    ['content is a number', { model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: 5 }] }, /"messages\[0\].content" must be a string or an array, not a number/],
    ['a block has an unknown type', { model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'video' }] }] }, /"messages\[0\].content\[0\].type" must be one of "text", "image"/],
    ['a text block has no text', { model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'text', text: 3 }] }] }, /"messages\[0\].content\[0\].text" must be a string, not a number/],
    ['an image source is a file id', { model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }] }, /"messages\[0\].content\[0\].source.type" must be one of "base64", "url"/],
    ['temperature is a string', { model: 'gpt-4o', max_tokens: 10, messages: hello, temperature: 'hot' }, /"temperature" must be a number, not a string/],
    ['tool_choice type is unknown', { model: 'gpt-4o', max_tokens: 10, messages: hello, tool_choice: { type: 'sometimes' } }, /"tool_choice.type" must be one of "auto", "any", "tool", "none"/],
    ['system is a number', { model: 'gpt-4o', max_tokens: 10, messages: hello, system: 7 }, /"system" must be a string or an array, not a number/],
    ['a tool_use block sits in a user message', { model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }] }, /"messages\[0\].content\[0\]" is a tool_use block, which only assistant messages may hold/],
    ['the body is an array', [1, 2], /must be a JSON object/],
  ])('%s → 400 invalid_request_error naming the field', async (_name, body, message) => {
    const result = await post(harness.url, '/v1/messages', JSON.stringify(body));
    expect(result.status).toBe(400);
    const error = JSON.parse(result.text) as AnthropicErrorJson;
    expect(error.type).toBe('error');
    expect(error.error.type).toBe('invalid_request_error');
    expect(error.error.message).toMatch(message);
    expect(result.headers.get('x-tollgate-error-code')).toBe('TG_ERR_INVALID_REQUEST');
  });

  it('malformed JSON → 400 invalid_request_error TG_ERR_INVALID_JSON', async () => {
    const result = await post(harness.url, '/v1/messages', '{"model": "gpt-4o", "messages": [');
    expect(result.status).toBe(400);
    expect((JSON.parse(result.text) as AnthropicErrorJson).error).toMatchObject({ type: 'invalid_request_error', message: expect.stringMatching(/not valid JSON/) });
    expect(result.headers.get('x-tollgate-error-code')).toBe('TG_ERR_INVALID_JSON');
  });

  it('an Anthropic server tool → 400 TG_ERR_UNSUPPORTED_PARAMETER naming the tool', async () => {
    const body = { model: 'gpt-4o', max_tokens: 10, messages: hello, tools: [{ type: 'web_search_20250305', name: 'web_search' }] };
    const result = await post(harness.url, '/v1/messages', JSON.stringify(body));
    expect(result.status).toBe(400);
    expect((JSON.parse(result.text) as AnthropicErrorJson).error.message).toMatch(/"tools\[0\]" \(web_search_20250305\) is an Anthropic server tool/);
    expect(result.headers.get('x-tollgate-error-code')).toBe('TG_ERR_UNSUPPORTED_PARAMETER');
  });

  it('never answers 5xx to a batch of garbage bodies', async () => {
    const garbage = ['', 'null', '42', '{}', '{"model":null}', '{"model":"gpt-4o","max_tokens":5,"messages":[null]}', '{"model":"gpt-4o","max_tokens":5,"messages":[{"role":"user","content":[null]}]}'];
    for (const body of garbage) {
      for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
        const result = await post(harness.url, path, body);
        expect(result.status, `${path} ${body}`).toBeGreaterThanOrEqual(400);
        expect(result.status, `${path} ${body}`).toBeLessThan(500);
        expect((JSON.parse(result.text) as AnthropicErrorJson).type).toBe('error');
      }
    }
  });

  it('accepts x-api-key or Authorization: Bearer, and any anthropic-version', async () => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 10, messages: hello });
    const variants: Array<Record<string, string>> = [{ 'x-api-key': 'k', 'anthropic-version': '2023-06-01' }, { authorization: 'Bearer k', 'anthropic-version': '2099-01-01' }, {}];
    for (const headers of variants) {
      const result = await post(harness.url, '/v1/messages', body, headers);
      expect(result.status, JSON.stringify(headers)).toBe(200);
      expect((JSON.parse(result.text) as { type: string }).type).toBe('message');
    }
  });

  it('unknown model → SDK NotFoundError with not_found_error, for create, stream and count_tokens', async () => {
    const created = await failureOf(client.messages.create({ model: 'claude-nope', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }));
    expect(created).toBeInstanceOf(Anthropic.NotFoundError);
    expect(created.type).toBe('not_found_error');
    expect(created.apiMessage).toMatch(/"claude-nope" does not exist.*gpt-4o-mini/);
    const streamed = await failureOf(client.messages.stream({ model: 'claude-nope', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).finalMessage());
    expect(streamed).toBeInstanceOf(Anthropic.NotFoundError);
    expect(streamed.headers?.get('content-type')).toBe('application/json');
    const counted = await failureOf(client.messages.countTokens({ model: 'claude-nope', messages: [{ role: 'user', content: 'hi' }] }));
    expect(counted).toBeInstanceOf(Anthropic.NotFoundError);
    expect(counted.type).toBe('not_found_error');
  });

  it('an upstream 429 → SDK RateLimitError with retry-after, and an error row in the ledger', async () => {
    harness.simulator.setFaults([{ model: 'gpt-4o-mini', times: 1, fault: { status: 429, retryAfterSeconds: 1 } }]);
    const error = await failureOf(client.messages.create({ model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }));
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error.type).toBe('rate_limit_error');
    expect(error.headers?.get('retry-after')).toBe('1');
    expect(error.headers?.get('x-tollgate-error-code')).toBe('TG_ERR_UPSTREAM_RATE_LIMITED');
    const rows = (await harness.ledgerRows()).filter((row) => row.requestId === error.headers?.get('x-tollgate-request-id'));
    expect(rows).toMatchObject([{ status: 'error', errorCode: 'TG_ERR_UPSTREAM_RATE_LIMITED', endpoint: '/v1/messages' }]);
  });

  it('an upstream 503 before the first byte of a stream → 503 overloaded_error JSON, not an event stream', async () => {
    harness.simulator.setFaults([{ model: 'gpt-4o-mini', times: 1, fault: { status: 503 } }]);
    const result = await post(harness.url, '/v1/messages', JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 10, messages: hello, stream: true }));
    expect(result.status).toBe(503);
    expect(result.headers.get('content-type')).toBe('application/json');
    expect((JSON.parse(result.text) as AnthropicErrorJson).error.type).toBe('overloaded_error');
  });
});
