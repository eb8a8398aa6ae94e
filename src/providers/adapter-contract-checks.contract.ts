import { expect } from 'vitest';
import type { ChatRequestBody, ChatTool, OpenAIUsage } from '../core/chat-request.js';
import { TollgateError, type ErrorCode } from '../core/errors.js';
import type { ModelRequest, ModelStream } from '../core/model-call.js';
import type { StreamPart } from '../core/stream-part.js';
import type { Usage } from '../core/usage.js';
import { makeModelRequest } from '../testing/model-request-fixture.js';

/**
 * Requests and checks shared by the adapter contract files (`adapter.contract.ts`,
 * `adapter-errors.contract.ts`). Everything here is about the `ModelCall` contract in `core/`,
 * never about one provider's wire format.
 */

export const contractTool: ChatTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The current weather in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

export interface ContractRequestOptions {
  readonly signal?: AbortSignal;
  readonly maxTokens?: number;
  readonly tools?: boolean;
}

/** A plain chat request (no seed: the simulator seeds equal conversations equally). */
export function contractRequest(model: string, options: ContractRequestOptions = {}): ModelRequest {
  const body: ChatRequestBody = {
    model,
    messages: [
      { role: 'system', content: 'You answer briefly.' },
      { role: 'user', content: 'Name three rivers in Europe.' },
    ],
  };
  if (options.maxTokens !== undefined) body.max_tokens = options.maxTokens;
  if (options.tools === true) {
    body.tools = [contractTool];
    body.tool_choice = 'required';
  }
  return makeModelRequest(body, { signal: options.signal });
}

export interface TimedPart {
  readonly part: StreamPart;
  /** `performance.now()` when the part arrived. */
  readonly at: number;
}

export async function collectTimedParts(stream: AsyncIterable<StreamPart>): Promise<TimedPart[]> {
  const parts: TimedPart[] = [];
  for await (const part of stream) parts.push({ part, at: performance.now() });
  return parts;
}

export async function collectParts(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  return (await collectTimedParts(stream)).map((timed) => timed.part);
}

export function partsOfType<Type extends StreamPart['type']>(parts: readonly StreamPart[], type: Type): Array<Extract<StreamPart, { type: Type }>> {
  return parts.filter((part): part is Extract<StreamPart, { type: Type }> => part.type === type);
}

/** The visible text of choice 0. */
export function streamedText(parts: readonly StreamPart[]): string {
  return partsOfType(parts, 'text-delta')
    .filter((part) => part.choiceIndex === 0)
    .map((part) => part.text)
    .join('');
}

export interface ReassembledToolCall {
  readonly id: string | undefined;
  readonly name: string | undefined;
  readonly arguments: string;
}

/** Joins `tool-call-delta` parts per (choice, tool call): first id and name seen, arguments concatenated. */
export function reassembleToolCalls(parts: readonly StreamPart[]): ReassembledToolCall[] {
  const calls = new Map<string, { id: string | undefined; name: string | undefined; arguments: string }>();
  for (const part of partsOfType(parts, 'tool-call-delta')) {
    const key = `${part.choiceIndex}:${part.toolCallIndex}`;
    const call = calls.get(key) ?? { id: undefined, name: undefined, arguments: '' };
    call.id ??= part.id;
    call.name ??= part.name;
    call.arguments += part.argumentsDelta;
    calls.set(key, call);
  }
  return [...calls.values()];
}

/**
 * What holds for every stream, failed or not: the first typed part is `stream-start` and there is
 * only one; an `error` part, if any, is the only one and the last part. `raw` parts are the
 * verbatim channel beside the typed parts (each upstream event comes before its typed
 * translation), so "first" is judged without them.
 */
export function expectStreamFraming(parts: readonly StreamPart[]): void {
  const typed = parts.filter((part) => part.type !== 'raw');
  if (typed.length > 0 && typed[0]?.type !== 'error') {
    expect(typed[0]?.type, 'first typed part').toBe('stream-start');
    expect(partsOfType(parts, 'stream-start'), 'stream-start parts').toHaveLength(1);
  }
  const errors = partsOfType(parts, 'error');
  expect(errors.length, 'error parts').toBeLessThanOrEqual(1);
  if (errors.length === 1) expect(parts.at(-1)?.type, 'the error part is the last part').toBe('error');
}

/** A stream that ended well: framing, no error, exactly one usage part, a finish reason, and raw parts exactly when `wireFormat` says. */
export function expectCompleteStream(stream: ModelStream, parts: readonly StreamPart[]): void {
  expectStreamFraming(parts);
  expect(partsOfType(parts, 'error'), 'error parts').toEqual([]);
  expect(partsOfType(parts, 'usage'), 'usage parts').toHaveLength(1);
  expect(partsOfType(parts, 'finish-reason').length, 'finish-reason parts').toBeGreaterThanOrEqual(1);
  const raw = partsOfType(parts, 'raw');
  if (stream.wireFormat === 'openai-chat') {
    expect(raw.length, 'raw parts of an openai-chat stream').toBeGreaterThan(0);
    expect(raw.every((part) => part.format === 'openai-chat')).toBe(true);
    expect(raw.at(-1)?.data, 'the last raw part').toBe('[DONE]');
  } else {
    expect(raw, 'raw parts of a stream without a wire format').toEqual([]);
  }
}

/** A stream that failed after it began: framing, and exactly one error part, last. Returns that error. */
export function expectFailedStream(parts: readonly StreamPart[]): TollgateError {
  expectStreamFraming(parts);
  const errors = partsOfType(parts, 'error');
  expect(errors, 'error parts').toHaveLength(1);
  const error = errors[0]?.error;
  expect(error).toBeInstanceOf(TollgateError);
  return error as TollgateError;
}

/** Input and visible output are known counts; every other bucket is unknown or a count. */
export function expectKnownUsage(usage: Usage): void {
  expectCount(usage.inputTokens, 'inputTokens');
  expectCount(usage.outputTokens, 'outputTokens');
  for (const bucket of ['cacheReadTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'reasoningTokens'] as const) {
    if (usage[bucket] !== undefined) expectCount(usage[bucket], bucket);
  }
}

/**
 * The OpenAI-shaped body's usage overlaps (prompt includes cache, completion includes reasoning);
 * the buckets do not. So the body is the buckets summed back, never a second count.
 */
export function expectBodyUsageMatchesBuckets(bodyUsage: OpenAIUsage | null | undefined, usage: Usage): void {
  expect(bodyUsage, 'chat.completion usage').toBeDefined();
  const input = (usage.inputTokens ?? 0) + (usage.cacheReadTokens ?? 0) + (usage.cacheWrite5mTokens ?? 0) + (usage.cacheWrite1hTokens ?? 0);
  expect(bodyUsage?.prompt_tokens, 'prompt_tokens = input + cache read + cache writes').toBe(input);
  expect(bodyUsage?.completion_tokens, 'completion_tokens = output + reasoning').toBe((usage.outputTokens ?? 0) + (usage.reasoningTokens ?? 0));
}

function expectCount(value: number | undefined, bucket: string): void {
  expect(typeof value, `${bucket} is known`).toBe('number');
  expect(Number.isInteger(value) && (value as number) >= 0, `${bucket} is a count (got ${String(value)})`).toBe(true);
}

export interface FailureFields {
  readonly code: ErrorCode;
  readonly isRetryable: boolean;
  readonly status: number;
}

/** The fields every later stage decides by (retry, fallback, breaker, the edge's status). */
export function failureFields(value: unknown): FailureFields {
  expect(value, 'a TollgateError').toBeInstanceOf(TollgateError);
  const error = value as TollgateError;
  return { code: error.code, isRetryable: error.isRetryable, status: error.status };
}

/** The rejection of `promise`; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  const outcome = await promise.then(
    () => ({ rejected: false as const }),
    (reason: unknown) => ({ rejected: true as const, reason }),
  );
  expect(outcome.rejected, 'the call rejects').toBe(true);
  return outcome.rejected ? outcome.reason : undefined;
}

/** Resolves as `promise` does, or rejects once `milliseconds` passed: a hang is a failure, not a test timeout. */
export async function within<Value>(milliseconds: number, what: string, promise: Promise<Value>): Promise<Value> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${milliseconds} ms`)), milliseconds);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
