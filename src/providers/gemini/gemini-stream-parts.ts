import { TollgateError } from '../../core/errors.js';
import type { StreamPart } from '../../core/stream-part.js';
import { ServerSentEventParser, type ServerSentEvent } from '../http/sse-parser.js';
import { errorFromTransportFailure } from '../http/upstream-error.js';
import { geminiErrorFromResponse } from './gemini-error.js';
import { neutralGeminiFinishReason } from './gemini-finish-reason.js';
import { normaliseGeminiUsage } from './gemini-usage.js';
import type { GeminiGenerateContentResponse } from './gemini-wire.js';

export interface GeminiStreamContext {
  readonly providerId: string;
  /** The model the request named; used when Gemini sends no `modelVersion`. */
  readonly requestedModel: string;
  /** Unix seconds, from the injected clock. */
  readonly created: number;
  /** An id for a stream Gemini sent no `responseId` for. */
  readonly generateId: () => string;
}

export interface GeminiChunkTranslator {
  /** The typed parts of one `GenerateContentResponse` chunk. */
  push(chunk: GeminiGenerateContentResponse): StreamPart[];
  /** The closing parts once the body ended cleanly. */
  end(): StreamPart[];
}

/**
 * Gemini stream chunks → typed parts. Gemini sends no `[DONE]`: a clean end of the body after a
 * `finishReason` (or a `promptFeedback.blockReason`) is the normal end; one without either is an
 * interrupted stream.
 *
 * - the first chunk adds `stream-start`; text parts become `text-delta`, thought parts
 *   `reasoning-delta`; each `functionCall` (Gemini sends them whole) one `tool-call-delta` with id
 *   (Gemini's, else `call_<n>`), name and the complete JSON arguments
 * - `finish-reason` parts come at the end, one per candidate, from the last `finishReason` each sent
 *   (older models repeat `finishReason` on every chunk); then exactly one `usage` part from the LAST
 *   `usageMetadata` seen, since Gemini's counts are cumulative, not deltas
 */
export function createGeminiChunkTranslator(context: GeminiStreamContext): GeminiChunkTranslator {
  let started = false;
  const finishReasons = new Map<number, string>();
  const toolCallCounts = new Map<number, number>();
  let blockReason: string | undefined;
  let lastUsageMetadata: unknown;

  return {
    push(chunk) {
      const parts: StreamPart[] = [];
      if (!started) {
        started = true;
        const id = typeof chunk.responseId === 'string' ? chunk.responseId : context.generateId();
        const model = typeof chunk.modelVersion === 'string' ? chunk.modelVersion : context.requestedModel;
        parts.push({ type: 'stream-start', id, model, created: context.created });
      }
      const candidates = Array.isArray(chunk.candidates) ? chunk.candidates : [];
      candidates.forEach((candidate, position) => {
        const choiceIndex = typeof candidate.index === 'number' ? candidate.index : position;
        for (const part of Array.isArray(candidate.content?.parts) ? candidate.content.parts : []) {
          if (typeof part.text === 'string' && part.text !== '') {
            parts.push({ type: part.thought === true ? 'reasoning-delta' : 'text-delta', choiceIndex, text: part.text });
          }
          if (part.functionCall !== undefined) {
            const toolCallIndex = toolCallCounts.get(choiceIndex) ?? 0;
            toolCallCounts.set(choiceIndex, toolCallIndex + 1);
            const { id, name, args } = part.functionCall;
            parts.push({
              type: 'tool-call-delta',
              choiceIndex,
              toolCallIndex,
              id: typeof id === 'string' && id !== '' ? id : `call_${toolCallIndex}`,
              name,
              argumentsDelta: JSON.stringify(args ?? {}),
            });
          }
        }
        if (typeof candidate.finishReason === 'string') finishReasons.set(choiceIndex, candidate.finishReason);
      });
      if (typeof chunk.promptFeedback?.blockReason === 'string') blockReason = chunk.promptFeedback.blockReason;
      if (typeof chunk.usageMetadata === 'object' && chunk.usageMetadata !== null) lastUsageMetadata = chunk.usageMetadata;
      return parts;
    },

    end() {
      if (finishReasons.size === 0 && blockReason === undefined) {
        return [{ type: 'error', error: interrupted(`Provider "${context.providerId}" ended the stream before any finishReason.`, undefined) }];
      }
      const parts: StreamPart[] = [];
      if (blockReason !== undefined && !finishReasons.has(0)) {
        parts.push({ type: 'finish-reason', choiceIndex: 0, finishReason: 'content-filter', rawFinishReason: blockReason });
      }
      for (const [choiceIndex, rawFinishReason] of [...finishReasons].sort(([left], [right]) => left - right)) {
        const finishReason = neutralGeminiFinishReason(rawFinishReason, (toolCallCounts.get(choiceIndex) ?? 0) > 0);
        parts.push({ type: 'finish-reason', choiceIndex, finishReason, rawFinishReason });
      }
      parts.push({ type: 'usage', usage: normaliseGeminiUsage(lastUsageMetadata), providerUsage: lastUsageMetadata });
      return parts;
    },
  };
}

/**
 * Reads a `streamGenerateContent?alt=sse` body into typed parts. A failure after the stream began
 * (a socket error, an `{error: …}` event, an event that is not JSON) is one `error` part, always the
 * last one.
 */
export async function* readGeminiStream(
  source: AsyncIterable<Uint8Array>,
  context: GeminiStreamContext,
  signal: AbortSignal | undefined,
): AsyncGenerator<StreamPart> {
  const parser = new ServerSentEventParser();
  const translator = createGeminiChunkTranslator(context);
  try {
    for await (const bytes of source) {
      if (yield* translateEvents(parser.push(bytes), translator, context.providerId)) return;
    }
  } catch (error) {
    const failure = errorFromTransportFailure(context.providerId, error, signal);
    const detail = error instanceof Error ? error.message : String(error);
    const interruption = interrupted(`Provider "${context.providerId}" broke off the stream: ${detail}`, error);
    yield { type: 'error', error: failure.code === 'TG_ERR_CLIENT_ABORTED' ? failure : interruption };
    return;
  }
  // `end()` returns only complete events: one whose closing blank line never came is dropped (SSE rules).
  if (yield* translateEvents(parser.end(), translator, context.providerId)) return;
  yield* translator.end();
}

/** Yields the parts of each event; returns true once an event was a failure (its error part yielded). */
function* translateEvents(events: readonly ServerSentEvent[], translator: GeminiChunkTranslator, providerId: string): Generator<StreamPart, boolean> {
  for (const event of events) {
    const outcome = readEvent(event.data, providerId);
    if (outcome instanceof TollgateError) {
      yield { type: 'error', error: outcome };
      return true;
    }
    yield* translator.push(outcome);
  }
  return false;
}

function readEvent(data: string, providerId: string): GeminiGenerateContentResponse | TollgateError {
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    chunk = undefined;
  }
  if (typeof chunk !== 'object' || chunk === null || Array.isArray(chunk)) {
    return new TollgateError({ code: 'TG_ERR_UPSTREAM_PROTOCOL', message: `Provider "${providerId}" sent an event that is not a JSON object in its stream.`, isRetryable: true });
  }
  const error = (chunk as GeminiGenerateContentResponse).error;
  if (error === undefined || error === null) return chunk as GeminiGenerateContentResponse;
  const code = (error as { code?: unknown }).code;
  const status = typeof code === 'number' && code >= 400 && code <= 599 ? code : 500;
  return geminiErrorFromResponse({ providerId, status, headers: {}, bodyText: data });
}

function interrupted(message: string, cause: unknown): TollgateError {
  return new TollgateError({ code: 'TG_ERR_STREAM_INTERRUPTED', message, isRetryable: true, cause });
}
