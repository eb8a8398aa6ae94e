import OpenAI from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import type { ChatRequestBody } from '../../core/chat-request.js';
import type { Clock } from '../../core/clock.js';
import { TollgateError } from '../../core/errors.js';
import type { StreamPart } from '../../core/stream-part.js';
import { makeModelRequest } from '../../testing/model-request-fixture.js';
import { createFaqMatcher } from './faq-matcher.js';
import { createStaticAnswerCall, isNoStaticAnswerError, splitIntoDeltas } from './static-answer-call.js';

const refundAnswer =
  'You can request a refund within 30 days of purchase from the Orders page. Refunds reach your card in five to ten business days, and you will get an email once it is on its way.';

const clock: Clock = { now: () => 1_750_000_123_456, monotonic: () => 0 };
const matcher = createFaqMatcher([
  { id: 'refund', keywords: ['refund'], answer: refundAnswer },
  { id: 'hours', keywords: ['opening hours'], answer: 'We are open 9 to 5.' },
]);
const call = createStaticAnswerCall({ matcher, clock, model: 'tollgate-faq' });

function request(content: string, extra: Partial<ChatRequestBody> = {}, signal?: AbortSignal) {
  return makeModelRequest({ model: 'gpt-4o', messages: [{ role: 'user', content }], ...extra }, signal === undefined ? {} : { signal });
}

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('createStaticAnswerCall: generate', () => {
  it('returns an OpenAI chat.completion with the answer, as the openai SDK types describe it', async () => {
    const response = await call.generate(request('How do I get a refund?'));
    // Typed against the official SDK: a field the SDK requires and we omit fails `tsc`; any other difference fails here.
    const expected: ChatCompletion = {
      id: 'faq-refund',
      object: 'chat.completion',
      created: 1_750_000_123,
      model: 'gpt-4o',
      choices: [{ index: 0, message: { role: 'assistant', content: refundAnswer, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: {
        prompt_tokens: 0,
        completion_tokens: 0,
        total_tokens: 0,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    };
    expect(response.body).toEqual(expected);
  });

  it('round-trips through the official openai client', async () => {
    const response = await call.generate(request('refund please'));
    const client = new OpenAI({
      apiKey: 'unused',
      baseURL: 'http://tollgate.test/v1',
      maxRetries: 0,
      fetch: async () => new Response(JSON.stringify(response.body), { status: 200, headers: { 'content-type': 'application/json' } }),
    });
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'refund please' }] });
    expect(completion.choices[0]?.message.content).toBe(refundAnswer);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBe(0);
  });

  it('reports zero known usage, no provider usage, no raw bytes and the FAQ as the upstream model', async () => {
    const response = await call.generate(request('refund'));
    expect(response.usage).toEqual({
      inputTokens: 0,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
    expect(response.providerUsage).toBeUndefined();
    expect(response.rawBody).toBeUndefined();
    expect(response.upstreamModel).toBe('tollgate-faq');
  });

  it('names the logical model even when the body carries another model', async () => {
    const made = request('refund');
    const rewritten = { ...made, body: { ...made.body, model: 'gpt-4o-mini-upstream' } };
    expect((await call.generate(rewritten)).body.model).toBe('gpt-4o');
  });

  it('defaults the upstream model to tollgate-faq and leaves a warning naming the entry', async () => {
    const made = request('what are your opening hours?');
    const response = await createStaticAnswerCall({ matcher, clock }).generate(made);
    expect(response.upstreamModel).toBe('tollgate-faq');
    expect(made.context.warnings).toEqual(['served static FAQ answer "hours"']);
  });

  it('answers n > 1 with one choice and says so', async () => {
    const made = request('refund', { n: 3 });
    const response = await call.generate(made);
    expect(response.body.choices).toHaveLength(1);
    expect(made.context.warnings).toContain('n=3 ignored: a static FAQ answer has one choice');
  });

  it('matches on the last user message only', async () => {
    const made = makeModelRequest({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'refund' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'text', text: 'what are the opening hours' }] },
      ],
    });
    expect((await call.generate(made)).body.id).toBe('faq-hours');
  });
});

describe('createStaticAnswerCall: stream', () => {
  it('yields stream-start, the answer in a few text deltas, finish-reason stop, then zero usage', async () => {
    const stream = await call.stream(request('refund', { stream: true }));
    expect(stream.wireFormat).toBeUndefined();
    const parts = await collect(stream);

    expect(parts[0]).toEqual({ type: 'stream-start', id: 'faq-refund', model: 'gpt-4o', created: 1_750_000_123 });
    const deltas = parts.filter((part) => part.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((part) => part.text).join('')).toBe(refundAnswer);
    expect(deltas.every((part) => part.choiceIndex === 0)).toBe(true);
    expect(parts.map((part) => part.type)).toEqual(['stream-start', ...deltas.map(() => 'text-delta'), 'finish-reason', 'usage']);
    expect(parts.at(-2)).toEqual({ type: 'finish-reason', choiceIndex: 0, finishReason: 'stop', rawFinishReason: 'stop' });
    expect(parts.at(-1)).toEqual({
      type: 'usage',
      usage: { inputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0 },
      providerUsage: undefined,
    });
  });

  it('ends with an error part when the client aborts mid-stream', async () => {
    const abort = new AbortController();
    const stream = await call.stream(request('refund', { stream: true }, abort.signal));
    const parts: StreamPart[] = [];
    for await (const part of stream) {
      parts.push(part);
      if (part.type === 'text-delta') abort.abort();
    }
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'text-delta', 'error']);
    const last = parts.at(-1);
    expect(last?.type === 'error' ? last.error.code : undefined).toBe('TG_ERR_CLIENT_ABORTED');
  });
});

describe('createStaticAnswerCall: when it cannot answer', () => {
  it.each(['generate', 'stream'] as const)('%s rejects with a non-retryable TG_ERR_UPSTREAM_SERVER when nothing matches', async (method) => {
    const made = request('tell me a joke');
    const error: unknown = await call[method](made).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(TollgateError);
    expect(isNoStaticAnswerError(error)).toBe(true);
    const failure = error as TollgateError;
    expect(failure.code).toBe('TG_ERR_UPSTREAM_SERVER');
    expect(failure.isRetryable).toBe(false);
    expect(failure.message).toMatch(/^no static answer matched/);
    expect(made.context.warnings).toEqual([]);
  });

  it('rejects when the request has no user text', async () => {
    const made = makeModelRequest({ model: 'gpt-4o', messages: [{ role: 'system', content: 'refund' }] });
    await expect(call.generate(made)).rejects.toThrow('no static answer matched: the request has no user message text');
  });

  it.each<[string, Partial<ChatRequestBody>]>([
    ['a JSON response_format', { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } }],
    ['tool_choice required', { tool_choice: 'required' }],
    ['a named tool_choice', { tool_choice: { type: 'function', function: { name: 'lookup' } } }],
  ])('rejects even on a match when the request asks for %s', async (_name, extra) => {
    await expect(call.generate(request('refund', extra))).rejects.toSatisfy(isNoStaticAnswerError);
  });

  it('still answers when tools are merely allowed', async () => {
    const response = await call.generate(request('refund', { response_format: { type: 'text' }, tool_choice: 'auto' }));
    expect(response.body.id).toBe('faq-refund');
  });

  it('rejects an already aborted request as aborted, not as a miss', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(call.stream(request('refund', {}, abort.signal))).rejects.toMatchObject({ code: 'TG_ERR_CLIENT_ABORTED' });
  });

  it('rejects bad options when built', () => {
    expect(() => createStaticAnswerCall({ matcher, clock, model: ' ' })).toThrow('model must be a non-empty string');
  });
});

describe('splitIntoDeltas', () => {
  it('splits at word boundaries and concatenates back to the exact answer', () => {
    const answer = ' one two  three four five six seven eight nine ten\neleven ';
    const pieces = splitIntoDeltas(answer);
    expect(pieces.join('')).toBe(answer);
    expect(pieces).toEqual([' one two  three four five six seven eight ', 'nine ten\neleven ']);
  });

  it('keeps a short answer in one piece', () => {
    expect(splitIntoDeltas('Yes.')).toEqual(['Yes.']);
  });
});
