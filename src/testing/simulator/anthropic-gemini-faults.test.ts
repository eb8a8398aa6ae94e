import Anthropic, { type APIError, type RateLimitError } from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createProviderSimulator, type ProviderSimulator, type ProviderSimulatorOptions } from './index.js';

const running: ProviderSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

async function start(options: ProviderSimulatorOptions = {}): Promise<{ simulator: ProviderSimulator; client: Anthropic; origin: string }> {
  const simulator = createProviderSimulator(options);
  running.push(simulator);
  const { origin } = await simulator.listen();
  return { simulator, client: new Anthropic({ baseURL: origin, apiKey: 'x', maxRetries: 0 }), origin };
}

const request = { model: 'claude-opus-4-1', max_tokens: 100, messages: [{ role: 'user' as const, content: 'Hello' }] };
const hello = { contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] };

function fault(header: string): { headers: Record<string, string> } {
  return { headers: { 'x-simulator-fault': header } };
}

function generate(origin: string, body: object, header?: string, method = 'generateContent'): Promise<Response> {
  const headers: Record<string, string> = { 'x-goog-api-key': 'k' };
  if (header !== undefined) headers['x-simulator-fault'] = header;
  return fetch(`${origin}/v1beta/models/gemini-2.5-flash:${method}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

describe('Anthropic faults', () => {
  it('answers status=529 with overloaded_error, which the SDK raises as an APIError with status 529', async () => {
    const { client } = await start();
    const error = await client.messages.create(request, fault('status=529')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toBeInstanceOf(Anthropic.OverloadedError);
    expect(error).toMatchObject({ status: 529, type: 'overloaded_error', apiMessage: 'Overloaded' });
    expect((error as APIError).requestID).toMatch(/^req_011C/);
  });

  it('answers status=429 with rate_limit_error and retry-after', async () => {
    const { client } = await start();
    const error = await client.messages.create(request, fault('status=429;retry_after=3')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const rateLimit = error as RateLimitError;
    expect(rateLimit.type).toBe('rate_limit_error');
    expect(rateLimit.headers?.get('retry-after')).toBe('3');
    expect(rateLimit.headers?.get('anthropic-ratelimit-requests-remaining')).toBe('0');
  });

  it('maps other statuses to Anthropic error types', async () => {
    const { client } = await start();
    const expectations: [string, number, string][] = [
      ['status=500', 500, 'api_error'],
      ['status=401', 401, 'authentication_error'],
      ['status=404', 404, 'not_found_error'],
      ['status=503', 503, 'api_error'],
    ];
    for (const [header, status, type] of expectations) {
      await expect(client.messages.create(request, fault(header))).rejects.toMatchObject({ status, type });
    }
    await expect(client.messages.create(request, fault('status=teapot'))).rejects.toMatchObject({ status: 400, type: 'invalid_request_error' });
  });

  it('ends a stream with an in-stream error event when a status fault also cuts it', async () => {
    const { client } = await start();
    const stream = await client.messages.create({ ...request, stream: true }, fault('status=529;cut_after_chunks=4'));
    const received: string[] = [];
    const outcome = await (async () => {
      for await (const event of stream) received.push(event.type);
      return 'finished';
    })().catch((caught: unknown) => caught);
    expect(outcome).toBeInstanceOf(Anthropic.APIError);
    expect(outcome).toMatchObject({ type: 'overloaded_error' });
    // Four events went out (the SDK skips the ping), then the error event.
    expect(received).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
  });

  it('cuts a stream without an error event, resets connections, and honours rules for Claude models', async () => {
    const { client, simulator, origin } = await start({ faults: [{ model: 'claude-haiku-*', times: 1, fault: { status: 529 } }] });
    const stream = await client.messages.create({ ...request, stream: true }, fault('cut_after_chunks=3'));
    const outcome = await (async () => {
      for await (const event of stream) void event;
      return 'finished';
    })().catch((caught: unknown) => caught);
    expect(outcome).toBeInstanceOf(Error);
    await expect(client.messages.create(request, fault('connection=reset'))).rejects.toBeInstanceOf(Anthropic.APIConnectionError);
    await expect(client.messages.create({ ...request, model: 'claude-haiku-4-5' })).rejects.toMatchObject({ status: 529 });
    await expect(client.messages.create({ ...request, model: 'claude-haiku-4-5' })).resolves.toMatchObject({ type: 'message' });
    const posted = await fetch(`${origin}/__simulator/faults`, { method: 'POST', body: JSON.stringify([{ model: 'claude-opus-*', fault: { status: 500 } }]) });
    expect(posted.status).toBe(200);
    await expect(client.messages.create(request)).rejects.toMatchObject({ status: 500, type: 'api_error' });
    expect(simulator.stats().requestsByModel['claude-haiku-4-5']).toBe(2);
  });
});

describe('Gemini faults', () => {
  it('answers status=429 with RESOURCE_EXHAUSTED and a RetryInfo detail', async () => {
    const { origin } = await start();
    const response = await generate(origin, hello, 'status=429;retry_after=2');
    expect(response.status).toBe(429);
    const body = (await response.json()) as { error: { code: number; status: string; message: string; details: { '@type': string; retryDelay?: string }[] } };
    expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED', message: expect.stringContaining('You exceeded your current quota') });
    expect(body.error.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' });
  });

  it('maps 500, 503, 404 and a bad fault header to Google statuses', async () => {
    const { origin } = await start();
    const expectations: [string, number, string][] = [
      ['status=500', 500, 'INTERNAL'],
      ['status=503', 503, 'UNAVAILABLE'],
      ['status=404', 404, 'NOT_FOUND'],
      ['status=403', 403, 'PERMISSION_DENIED'],
      ['status=teapot', 400, 'INVALID_ARGUMENT'],
    ];
    for (const [header, code, status] of expectations) {
      const response = await generate(origin, hello, header);
      expect(response.status).toBe(code);
      expect(await response.json()).toMatchObject({ error: { code, status } });
    }
  });

  it('cuts an SSE stream after N chunks, and applies rules and delays', async () => {
    const sleeps: number[] = [];
    const { origin, simulator } = await start({ sleep: async (milliseconds) => void sleeps.push(milliseconds) });
    const cut = await generate(origin, hello, 'cut_after_chunks=2', 'streamGenerateContent?alt=sse');
    const outcome = await cut.text().catch((caught: unknown) => caught);
    expect(outcome).toBeInstanceOf(Error);
    await generate(origin, hello, 'delay_ms=250');
    expect(sleeps).toEqual([250]);
    simulator.setFaults([{ model: 'gemini-*', times: 1, fault: { status: 503 } }]);
    expect((await generate(origin, hello)).status).toBe(503);
    expect((await generate(origin, hello)).status).toBe(200);
  });
});
