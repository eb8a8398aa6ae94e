import { toTollgateError, type TollgateError } from '../../core/errors.js';
import type { ModelCall, ModelRequest, ModelStream } from '../../core/model-call.js';
import { startAttempt, type RequestContext } from '../../core/request-context.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { MeasuredUsage } from '../../core/usage.js';
import { settleAttempt, type AttemptRecorderOptions } from './attempt-recorder.js';
import { createProducedText, estimatedUsage } from './estimated-usage.js';

/**
 * Wraps one deployment's adapter so that every attempt through it becomes exactly one ledger row,
 * whether it succeeds, fails, is aborted by the client, or breaks mid-stream.
 */
export function meteringStage(options: AttemptRecorderOptions) {
  return function meteredCall(next: ModelCall): ModelCall {
    return {
      generate: (request) => meterAttempt(options, request.context, () => next.generate(request)),

      async stream(request) {
        const attempt = startAttempt(request.context);
        const startedAt = options.clock.now();
        const startedAtMonotonic = options.clock.monotonic();
        let upstream: ModelStream;
        try {
          upstream = await next.stream(request);
        } catch (error) {
          const failure = toTollgateError(error);
          settleAttempt(options, request.context, attempt, startedAt, startedAtMonotonic, { measured: undefined, error: failure, ttftMs: null });
          throw failure;
        }
        return {
          wireFormat: upstream.wireFormat,
          [Symbol.asyncIterator]: () => meterParts(upstream, request, (measured, reportedModel, error, ttftMs) =>
            settleAttempt(options, request.context, attempt, startedAt, startedAtMonotonic, { measured, reportedModel, error, ttftMs }),
          ),
        };
      },
    };
  };

  async function* meterParts(
    upstream: ModelStream,
    request: ModelRequest,
    settle: (measured: MeasuredUsage | undefined, reportedModel: string | undefined, error: TollgateError | undefined, ttftMs: number | null) => void,
  ): AsyncGenerator<StreamPart> {
    const startedAtMonotonic = options.clock.monotonic();
    let measured: MeasuredUsage | undefined;
    let reportedModel: string | undefined;
    let error: TollgateError | undefined;
    let ttftMs: number | null = null;
    let finished = false;
    const produced = createProducedText();
    try {
      for await (const part of upstream) {
        if (part.type === 'text-delta' || part.type === 'reasoning-delta') produced.add(part.text);
        else if (part.type === 'tool-call-delta') produced.add((part.name ?? '') + part.argumentsDelta);
        if (ttftMs === null && (part.type === 'text-delta' || part.type === 'tool-call-delta' || part.type === 'reasoning-delta')) {
          ttftMs = Math.round((options.clock.monotonic() - startedAtMonotonic) * 1000) / 1000;
        } else if (part.type === 'stream-start') {
          reportedModel = part.model;
        } else if (part.type === 'usage') {
          measured = { usage: part.usage, providerUsage: part.providerUsage };
        } else if (part.type === 'error') {
          error = part.error;
        }
        yield part;
      }
      finished = true;
    } catch (thrown) {
      error = toTollgateError(thrown);
      throw error;
    } finally {
      if (!finished && error === undefined) {
        // The consumer stopped reading (the client went away) before the stream ended.
        error = toTollgateError(Object.assign(new Error('client disconnected'), { name: 'AbortError' }));
      }
      if (measured === undefined && error === undefined && request.signal?.aborted === true) {
        error = toTollgateError(Object.assign(new Error('client disconnected'), { name: 'AbortError' }));
      }
      // A stream that ended before the provider reported usage (cut, aborted) is billed for what
      // it produced: the prompt as counted here, and the streamed text, tokenised.
      if (measured === undefined && error !== undefined) measured = estimatedUsage(request, produced.tokens());
      settle(measured, reportedModel, error, ttftMs);
    }
  }
}

/**
 * Runs one whole-answer attempt (chat `generate`, embeddings) and settles it exactly once: with
 * the response's usage on success, with the error on failure (then rethrown).
 */
export async function meterAttempt<T extends MeasuredUsage & { readonly upstreamModel: string }>(
  options: AttemptRecorderOptions,
  context: RequestContext,
  run: () => Promise<T>,
): Promise<T> {
  const attempt = startAttempt(context);
  const startedAt = options.clock.now();
  const startedAtMonotonic = options.clock.monotonic();
  try {
    const response = await run();
    settleAttempt(options, context, attempt, startedAt, startedAtMonotonic, {
      measured: response,
      reportedModel: response.upstreamModel,
      error: undefined,
      ttftMs: null,
    });
    return response;
  } catch (error) {
    const failure = toTollgateError(error);
    settleAttempt(options, context, attempt, startedAt, startedAtMonotonic, { measured: undefined, error: failure, ttftMs: null });
    throw failure;
  }
}
