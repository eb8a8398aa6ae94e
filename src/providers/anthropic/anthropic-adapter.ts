import type { Dispatcher } from 'undici';
import type { Clock } from '../../core/clock.js';
import { TollgateError } from '../../core/errors.js';
import type { ModelCall, ModelRequest, ModelResponse, ModelStream } from '../../core/model-call.js';
import type { StreamPart } from '../../core/stream-part.js';
import { dispatchBuffered, type BufferedResponse } from '../http/dispatch-buffered.js';
import { readAllBytes } from '../http/read-body.js';
import { ServerSentEventParser } from '../http/sse-parser.js';
import { errorFromTransportFailure } from '../http/upstream-error.js';
import { errorFromAnthropicResponse } from './anthropic-errors.js';
import { toAnthropicRequest } from './anthropic-request.js';
import { toChatCompletion } from './anthropic-response.js';
import { createAnthropicStreamTranslator } from './anthropic-stream-parts.js';
import { normaliseAnthropicUsage } from './anthropic-usage.js';
import type { AnthropicMessage, AnthropicMessagesRequest } from './anthropic-wire.js';

/** The Messages API version this adapter speaks (request and event shapes in `anthropic-wire.ts`). */
export const anthropicVersion = '2023-06-01';

export interface AnthropicAdapterOptions {
  readonly providerId: string;
  /** e.g. `https://api.anthropic.com`; `/v1/messages` is appended (a trailing `/v1` is not doubled). */
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  /** Extra headers from the config (e.g. `anthropic-beta`); they override the defaults, not the key. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Keep-alive connection pool, shared with the other adapters. */
  readonly dispatcher: Dispatcher;
  /** Stamps `created` on answers and stream starts. */
  readonly clock: Clock;
  /** Upper bound on waiting for response headers and between body chunks. */
  readonly timeoutMs?: number;
}

/**
 * The adapter for Anthropic's Messages API. Requests arrive OpenAI-shaped and are translated
 * (`toAnthropicRequest`); answers go back as an OpenAI `chat.completion` (no upstream bytes to pass
 * through, so `rawBody` is `undefined`) and streams as typed parts (`wireFormat` `undefined`, no
 * `raw` parts). What could not be honoured is reported in `context.warnings`.
 */
export function createAnthropicAdapter(options: AnthropicAdapterOptions): ModelCall {
  const url = new URL(options.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '') + '/v1/messages');
  const origin = url.origin;
  const path = url.pathname + url.search;
  const baseHeaders: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    'anthropic-version': anthropicVersion,
    ...options.headers,
  };
  if (options.apiKey !== undefined && options.apiKey !== '') baseHeaders['x-api-key'] = options.apiKey;
  const streamHeaders: Record<string, string> = { ...baseHeaders, accept: 'text/event-stream' };
  const timeoutMs = options.timeoutMs ?? 600_000;
  const providerId = options.providerId;

  /** Translates the body and reports its warnings once per request, however many attempts it takes. */
  function translate(request: ModelRequest): AnthropicMessagesRequest {
    const { request: anthropicRequest, warnings } = toAnthropicRequest(request.body, providerId);
    for (const warning of warnings) if (!request.context.warnings.includes(warning)) request.context.warnings.push(warning);
    return anthropicRequest;
  }

  return {
    async generate(request: ModelRequest): Promise<ModelResponse> {
      const payload = JSON.stringify(translate(request));
      let response: BufferedResponse;
      try {
        response = await dispatchBuffered(
          options.dispatcher,
          { origin, path, method: 'POST', headers: baseHeaders, body: payload, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
          request.signal,
        );
      } catch (error) {
        throw errorFromTransportFailure(providerId, error, request.signal);
      }
      if (response.statusCode >= 400) {
        throw errorFromAnthropicResponse({ providerId, status: response.statusCode, headers: response.headers, bodyText: response.body.toString('utf8') });
      }
      const message = parseMessage(response.body, providerId);
      const usage = normaliseAnthropicUsage(message.usage);
      return {
        body: toChatCompletion(message, Math.floor(options.clock.now() / 1000), usage),
        rawBody: undefined,
        usage,
        providerUsage: message.usage ?? undefined,
        upstreamModel: typeof message.model === 'string' ? message.model : request.body.model,
      };
    },

    async stream(request: ModelRequest): Promise<ModelStream> {
      const payload = JSON.stringify({ ...translate(request), stream: true });
      let response: Dispatcher.ResponseData;
      try {
        response = await options.dispatcher.request({
          origin,
          path,
          method: 'POST',
          headers: streamHeaders,
          body: payload,
          signal: request.signal,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
      } catch (error) {
        throw errorFromTransportFailure(providerId, error, request.signal);
      }
      if (response.statusCode >= 400) {
        const bodyText = (await readAllBytes(response.body).catch(() => Buffer.alloc(0))).toString('utf8');
        throw errorFromAnthropicResponse({ providerId, status: response.statusCode, headers: response.headers, bodyText });
      }
      const body = response.body;
      return {
        wireFormat: undefined,
        [Symbol.asyncIterator]: () => readParts(body, providerId, options.clock, request.signal),
      };
    },
  };
}

async function* readParts(source: AsyncIterable<Uint8Array>, providerId: string, clock: Clock, signal: AbortSignal | undefined): AsyncGenerator<StreamPart> {
  const parser = new ServerSentEventParser();
  const translator = createAnthropicStreamTranslator(providerId, () => clock.now());
  try {
    for await (const bytes of source) {
      for (const event of parser.push(bytes)) {
        const { parts, done } = translator.accept(event);
        yield* parts;
        if (done) return;
      }
    }
    for (const event of parser.end()) {
      const { parts, done } = translator.accept(event);
      yield* parts;
      if (done) return;
    }
  } catch (error) {
    const failure = errorFromTransportFailure(providerId, error, signal);
    const detail = error instanceof Error ? error.message : String(error);
    yield { type: 'error', error: failure.code === 'TG_ERR_CLIENT_ABORTED' ? failure : interrupted(`Provider "${providerId}" broke off the stream: ${detail}`, error) };
    return;
  }
  yield { type: 'error', error: interrupted(`Provider "${providerId}" ended the stream before message_stop.`, undefined) };
}

function interrupted(message: string, cause: unknown): TollgateError {
  return new TollgateError({ code: 'TG_ERR_STREAM_INTERRUPTED', message, isRetryable: true, cause });
}

function parseMessage(bytes: Buffer, providerId: string): AnthropicMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new TollgateError({ code: 'TG_ERR_UPSTREAM_PROTOCOL', message: `Provider "${providerId}" returned a body that is not JSON.`, isRetryable: true });
  }
  const message = parsed as Partial<AnthropicMessage> | null;
  if (typeof message !== 'object' || message === null || typeof message.id !== 'string' || !Array.isArray(message.content)) {
    throw new TollgateError({ code: 'TG_ERR_UPSTREAM_PROTOCOL', message: `Provider "${providerId}" returned JSON that is not a Message (no "id" or "content").`, isRetryable: true });
  }
  return message as AnthropicMessage;
}
