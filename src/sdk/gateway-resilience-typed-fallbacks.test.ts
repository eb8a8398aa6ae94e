import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startResilienceHarness, type ResilienceHarness } from '../testing/resilience-harness.js';

/**
 * Typed fallbacks by error class: a context-window error goes to the configured longer-context
 * model, a content-policy refusal to the configured alternate, and neither is retried. The
 * upstream below answers OpenAI's documented error bodies for those two classes.
 */
describe('typed fallbacks: context window and content policy', () => {
  let upstream: Server;
  let harness: ResilienceHarness;
  let calls: string[];

  beforeAll(async () => {
    calls = [];
    upstream = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string };
        calls.push(body.model);
        const code = body.model === 'short-context' ? 'context_length_exceeded' : 'content_policy_violation';
        const message =
          code === 'context_length_exceeded'
            ? "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens."
            : 'Your request was rejected as a result of our safety system.';
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message, type: 'invalid_request_error', param: 'messages', code } }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    harness = await startResilienceHarness({
      extraProviders: { strict: `${origin}/v1` },
      models: [
        'long-context: { provider: openai, model: gpt-4.1 }',
        'alternate: { provider: anthropic, model: claude-sonnet-4-5 }',
        'unrelated: { provider: openai, model: gpt-4o }',
        'small: { provider: strict, model: short-context, fallbacks: [unrelated], context_window_fallback: long-context }',
        'picky: { provider: strict, model: picky-model, fallbacks: [unrelated], content_policy_fallback: alternate }',
        'no-alternate: { provider: strict, model: picky-model, fallbacks: [unrelated] }',
      ],
    });
  });
  afterAll(async () => {
    await harness.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  async function rowsFor(requestId: string | null) {
    return (await harness.ledgerRows()).filter((row) => row.requestId === requestId).sort((left, right) => left.attempt - right.attempt);
  }

  it('context window exceeded → the configured longer-context model, not the general fallback, no retry', async () => {
    const { data, response } = await harness.client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'long text' }] }).withResponse();
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(response.headers.get('x-tollgate-route')).toBe('fallback:long-context');
    const rows = await rowsFor(response.headers.get('x-tollgate-request-id'));
    expect(rows.map((row) => [row.route, row.upstreamModel, row.errorCode])).toEqual([
      ['primary', 'short-context', 'TG_ERR_UPSTREAM_CONTEXT_LENGTH'],
      ['fallback:long-context', 'gpt-4.1', null],
    ]);
    expect(rows[1]?.routeReason).toMatch(/context-window/);
  });

  it('content policy → the configured alternate', async () => {
    const { response } = await harness.client.chat.completions.create({ model: 'picky', messages: [{ role: 'user', content: 'edgy' }] }).withResponse();
    expect(response.headers.get('x-tollgate-route')).toBe('fallback:alternate');
    const rows = await rowsFor(response.headers.get('x-tollgate-request-id'));
    expect(rows.map((row) => row.errorCode)).toEqual(['TG_ERR_UPSTREAM_CONTENT_POLICY', null]);
  });

  it('content policy with no alternate configured → the original 400, never the general fallback', async () => {
    const before = calls.length;
    const error = await harness.client.chat.completions.create({ model: 'no-alternate', messages: [{ role: 'user', content: 'edgy' }] }).then(
      () => undefined,
      (thrown: unknown) => thrown as { status: number; code: string },
    );
    expect(error?.status).toBe(400);
    expect(error?.code).toBe('TG_ERR_UPSTREAM_CONTENT_POLICY');
    expect(calls.length - before).toBe(1);
  });
});
