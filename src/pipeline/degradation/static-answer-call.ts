import type { ChatCompletionBody, OpenAIUsage } from '../../core/chat-request.js';
import type { Clock } from '../../core/clock.js';
import { TollgateError } from '../../core/errors.js';
import type { ModelCall, ModelRequest, ModelResponse, ModelStream } from '../../core/model-call.js';
import type { StreamPart } from '../../core/stream-part.js';
import { usageOf, type Usage } from '../../core/usage.js';
import type { FaqMatch, FaqMatcher } from './faq-matcher.js';
import { lastUserMessageText } from './last-user-message-text.js';

export interface StaticAnswerCallOptions {
  readonly matcher: FaqMatcher;
  readonly clock: Clock;
  /** Reported as `ModelResponse.upstreamModel` (ledger, logs). Defaults to `tollgate-faq`. */
  readonly model?: string;
}

/**
 * The FAQ rung's rejection when it has no answer: the caller moves on to the last rung (a
 * user-presentable error). A subclass so the caller can tell this miss from a model's failure.
 */
export class NoStaticAnswerError extends TollgateError {
  constructor(reason: string) {
    super({ code: 'TG_ERR_UPSTREAM_SERVER', message: `no static answer matched: ${reason}`, isRetryable: false });
  }
}

export function isNoStaticAnswerError(value: unknown): value is NoStaticAnswerError {
  return value instanceof NoStaticAnswerError;
}

/** A static answer costs nothing: every bucket is known and zero. */
const zeroUsage: Usage = Object.freeze(
  usageOf({ inputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0 }),
);

/** How many words each `text-delta` part carries when a static answer is streamed. */
const wordsPerDelta = 8;

/**
 * The FAQ answer for a request, or why there is none. Pure: lets the ladder skip the FAQ rung
 * (and leave no ledger row) when it cannot answer.
 */
export function findStaticAnswer(matcher: FaqMatcher, request: ModelRequest): FaqMatch | string {
  const unanswerable = unanswerableReason(request);
  if (unanswerable !== undefined) return unanswerable;
  const text = lastUserMessageText(request.body.messages);
  if (text === undefined) return 'the request has no user message text';
  return matcher.match(text) ?? 'no FAQ entry matches the last user message';
}

/**
 * A `ModelCall` that answers from the FAQ list, matched on the last user message's text.
 *
 * - The answer's `model` is the logical model the client asked for (`context.logicalModel`);
 *   `upstreamModel` is `options.model`, so the ledger shows where the answer really came from.
 * - Every served answer adds a warning (`served static FAQ answer "<id>"`), so the degradation is
 *   visible to the caller.
 * - It rejects with `NoStaticAnswerError` (`TG_ERR_UPSTREAM_SERVER`, not retryable) when nothing
 *   matches, and also when a static text cannot honour the request: a `response_format` other than
 *   `text`, or a `tool_choice` that requires a tool call. A plain-text answer there would break the
 *   client's parsing, so the ladder moves on to the error instead.
 * - `n` > 1 is answered with one choice and a warning, never silently.
 */
export function createStaticAnswerCall(options: StaticAnswerCallOptions): ModelCall {
  const model = options.model ?? 'tollgate-faq';
  if (typeof model !== 'string' || model.trim() === '') throw new TypeError('static answer call: model must be a non-empty string');
  if (typeof options.matcher?.match !== 'function') throw new TypeError('static answer call: matcher is required');
  if (typeof options.clock?.now !== 'function') throw new TypeError('static answer call: clock is required');

  function answerFor(request: ModelRequest): FaqMatch {
    throwIfAborted(request);
    const found = findStaticAnswer(options.matcher, request);
    if (typeof found === 'string') throw new NoStaticAnswerError(found);
    const match = found;
    const choices = request.body.n;
    if (typeof choices === 'number' && choices > 1) {
      request.context.warnings.push(`n=${choices} ignored: a static FAQ answer has one choice`);
    }
    request.context.warnings.push(`served static FAQ answer "${match.id}"`);
    return match;
  }

  return {
    generate: async function staticAnswerGenerate(request): Promise<ModelResponse> {
      const match = answerFor(request);
      const body: ChatCompletionBody = {
        id: `faq-${match.id}`,
        object: 'chat.completion',
        created: Math.floor(options.clock.now() / 1000),
        model: request.context.logicalModel,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: match.answer, refusal: null },
            finish_reason: 'stop',
            logprobs: null,
          },
        ],
        usage: zeroOpenAIUsage(),
      };
      return { body, rawBody: undefined, upstreamModel: model, usage: zeroUsage, providerUsage: undefined };
    },

    stream: async function staticAnswerStream(request): Promise<ModelStream> {
      const match = answerFor(request);
      const start: StreamPart = {
        type: 'stream-start',
        id: `faq-${match.id}`,
        model: request.context.logicalModel,
        created: Math.floor(options.clock.now() / 1000),
      };
      return {
        wireFormat: undefined,
        [Symbol.asyncIterator]: () => staticAnswerParts(start, match.answer, request.signal),
      };
    },
  };
}

async function* staticAnswerParts(start: StreamPart, answer: string, signal: AbortSignal | undefined): AsyncGenerator<StreamPart> {
  yield start;
  for (const text of splitIntoDeltas(answer)) {
    if (signal?.aborted === true) {
      yield { type: 'error', error: abortedError() };
      return;
    }
    yield { type: 'text-delta', choiceIndex: 0, text };
  }
  yield { type: 'finish-reason', choiceIndex: 0, finishReason: 'stop', rawFinishReason: 'stop' };
  yield { type: 'usage', usage: zeroUsage, providerUsage: undefined };
}

/** Splits an answer into a few pieces of whole words; the pieces concatenate to the answer exactly. */
export function splitIntoDeltas(answer: string): string[] {
  const words = answer.match(/\s*\S+\s*/gu) ?? [answer];
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += wordsPerDelta) {
    pieces.push(words.slice(index, index + wordsPerDelta).join(''));
  }
  return pieces;
}

function unanswerableReason(request: ModelRequest): string | undefined {
  const format = request.body.response_format?.type;
  if (format !== undefined && format !== 'text') return `a static text answer cannot honour response_format "${format}"`;
  const toolChoice = request.body.tool_choice;
  if (requiresToolCall(toolChoice)) return 'a static text answer cannot honour a tool_choice that requires a tool call';
  return undefined;
}

/** `required`, a named function, or `allowed_tools` in `required` mode; `auto`/`none` leave text allowed. */
function requiresToolCall(toolChoice: unknown): boolean {
  if (toolChoice === 'required') return true;
  if (typeof toolChoice !== 'object' || toolChoice === null) return false;
  const choice = toolChoice as { type?: unknown; allowed_tools?: { mode?: unknown } };
  if (choice.type === 'allowed_tools') return choice.allowed_tools?.mode === 'required';
  return true;
}

function throwIfAborted(request: ModelRequest): void {
  if (request.signal?.aborted === true) throw abortedError();
}

function abortedError(): TollgateError {
  return new TollgateError({ code: 'TG_ERR_CLIENT_ABORTED', message: 'The request was aborted.' });
}

function zeroOpenAIUsage(): OpenAIUsage {
  return {
    prompt_tokens: 0,
    completion_tokens: 0,
    total_tokens: 0,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}
