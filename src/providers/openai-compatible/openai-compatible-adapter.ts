import type { Dispatcher } from 'undici';
import type { ChatCompletionBody, ChatCompletionChunkBody, ChatRequestBody } from '../../core/chat-request.js';
import { TollgateError } from '../../core/errors.js';
import type { ModelCall, ModelRequest, ModelResponse, ModelStream } from '../../core/model-call.js';
import type { StreamPart } from '../../core/stream-part.js';
import { dispatchBuffered, type BufferedResponse } from '../http/dispatch-buffered.js';
import { readAllBytes } from '../http/read-body.js';
import { ServerSentEventParser } from '../http/sse-parser.js';
import { errorFromTransportFailure, errorFromUpstreamResponse } from '../http/upstream-error.js';
import { appendChunkParts } from './openai-chunk-parts.js';
import { normaliseOpenAIUsage } from './openai-usage.js';
import { stripAnthropicExtensions } from './strip-anthropic-extensions.js';

export interface OpenAICompatibleAdapterOptions {
  readonly providerId: string;
  /** e.g. `https://api.openai.com/v1`; `/chat/completions` is appended. */
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly headers?: Readonly<Record<string, string>>;
  readonly dispatcher: Dispatcher;
  /** Upper bound on waiting for response headers and between body chunks. */
  readonly timeoutMs?: number;
  /** False for servers that reject `stream_options` (then streamed usage may be unknown). */
  readonly supportsStreamUsage?: boolean;
  /**
   * The request path for a model, for servers that put the model in the URL (Azure:
   * `/openai/deployments/{deployment}/chat/completions?api-version=…`). Default: `/chat/completions`
   * under the base URL's path.
   */
  readonly chatPath?: (model: string) => string;
  /** How the key is sent: `Authorization: Bearer` (default) or Azure's `api-key` header. */
  readonly apiKeyHeader?: 'authorization' | 'api-key';
}

/**
 * The adapter for OpenAI and every server that speaks its chat-completions API (Groq, Together,
 * DeepSeek, OpenRouter, Mistral, Fireworks, Ollama, vLLM, llama.cpp). Bodies pass through
 * field-for-field; the response bytes are kept so the edge can write them unchanged.
 */
export function createOpenAICompatibleAdapter(options: OpenAICompatibleAdapterOptions): ModelCall {
  const url = new URL(options.baseUrl.replace(/\/+$/, '') + '/chat/completions');
  const origin = url.origin;
  const fixedPath = url.pathname + url.search;
  const pathFor = (model: string) => (options.chatPath === undefined ? fixedPath : options.chatPath(model));
  const baseHeaders: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
  if (options.apiKey !== undefined && options.apiKey !== '') {
    if (options.apiKeyHeader === 'api-key') baseHeaders['api-key'] = options.apiKey;
    else baseHeaders['authorization'] = `Bearer ${options.apiKey}`;
  }
  const streamHeaders: Record<string, string> = { ...baseHeaders, accept: 'text/event-stream' };
  const timeoutMs = options.timeoutMs ?? 600_000;
  const supportsStreamUsage = options.supportsStreamUsage ?? true;

  async function send(path: string, payload: string | Uint8Array, headers: Record<string, string>, signal: AbortSignal | undefined) {
    try {
      return await options.dispatcher.request({
        origin,
        path,
        method: 'POST',
        headers,
        body: payload,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (error) {
      throw errorFromTransportFailure(options.providerId, error, signal);
    }
  }

  async function failFrom(response: Dispatcher.ResponseData): Promise<never> {
    const bodyText = (await readAllBytes(response.body).catch(() => Buffer.alloc(0))).toString('utf8');
    throw errorFromUpstreamResponse({ providerId: options.providerId, status: response.statusCode, headers: response.headers, bodyText });
  }

  /** Requests from the Anthropic front door lose the Anthropic-only fields, with a warning. */
  function outgoing(request: ModelRequest): ModelRequest {
    if (request.context.clientFormat !== 'anthropic') return request;
    const { body, dropped } = stripAnthropicExtensions(request.body);
    if (dropped.length > 0) request.context.warnings.push(`${options.providerId} does not support ${dropped.join(', ')}; not sent`);
    return { ...request, body, rawBody: undefined };
  }

  return {
    async generate(incoming: ModelRequest): Promise<ModelResponse> {
      const request = outgoing(incoming);
      const payload = request.rawBody ?? JSON.stringify(request.body);
      let response: BufferedResponse;
      try {
        response = await dispatchBuffered(
          options.dispatcher,
          { origin, path: pathFor(request.body.model), method: 'POST', headers: baseHeaders, body: payload, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
          request.signal,
        );
      } catch (error) {
        throw errorFromTransportFailure(options.providerId, error, request.signal);
      }
      if (response.statusCode >= 400) {
        const bodyText = response.body.toString('utf8');
        throw errorFromUpstreamResponse({ providerId: options.providerId, status: response.statusCode, headers: response.headers, bodyText });
      }
      const bytes = response.body;
      const body = parseCompletion(bytes, options.providerId);
      return {
        body,
        rawBody: bytes,
        usage: normaliseOpenAIUsage(body.usage),
        providerUsage: body.usage ?? undefined,
        upstreamModel: typeof body.model === 'string' ? body.model : request.body.model,
      };
    },

    async stream(incoming: ModelRequest): Promise<ModelStream> {
      const request = outgoing(incoming);
      const body = streamingBody(request.body, supportsStreamUsage);
      const payload = body === request.body && request.rawBody !== undefined ? request.rawBody : JSON.stringify(body);
      const response = await send(pathFor(request.body.model), payload, streamHeaders, request.signal);
      if (response.statusCode >= 400) return failFrom(response);
      return {
        wireFormat: 'openai-chat',
        [Symbol.asyncIterator]: () => readChunkParts(response.body, options.providerId, request.signal),
      };
    },
  };
}

/** The body to send for a stream: `stream: true` and usage always requested, so streams are billed. */
function streamingBody(body: ChatRequestBody, supportsStreamUsage: boolean): ChatRequestBody {
  const wantsUsage = body.stream_options?.include_usage === true;
  if (body.stream === true && (wantsUsage || !supportsStreamUsage)) return body;
  const streaming: ChatRequestBody = { ...body, stream: true };
  if (supportsStreamUsage) streaming.stream_options = { ...body.stream_options, include_usage: true };
  return streaming;
}

function parseCompletion(bytes: Buffer, providerId: string): ChatCompletionBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new TollgateError({ code: 'TG_ERR_UPSTREAM_PROTOCOL', message: `Provider "${providerId}" returned a body that is not JSON.`, isRetryable: true });
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { choices?: unknown }).choices)) {
    throw new TollgateError({ code: 'TG_ERR_UPSTREAM_PROTOCOL', message: `Provider "${providerId}" returned JSON without "choices".`, isRetryable: true });
  }
  return parsed as ChatCompletionBody;
}

async function* readChunkParts(source: AsyncIterable<Uint8Array>, providerId: string, signal: AbortSignal | undefined): AsyncGenerator<StreamPart> {
  const parser = new ServerSentEventParser();
  let isFirst = true;
  const parts: StreamPart[] = [];
  try {
    for await (const bytes of source) {
      for (const event of parser.push(bytes)) {
        if (event.data === '[DONE]') {
          yield { type: 'raw', format: 'openai-chat', data: '[DONE]', usageOnly: false };
          return;
        }
        const chunk = parseChunk(event.data);
        if (chunk === undefined) {
          yield { type: 'error', error: protocolError(providerId, 'an event that is not JSON') };
          return;
        }
        if ('error' in chunk && chunk.error !== undefined && chunk.error !== null) {
          yield { type: 'error', error: errorFromUpstreamResponse({ providerId, status: 500, headers: {}, bodyText: event.data }) };
          return;
        }
        const usageOnly = Array.isArray(chunk.choices) && chunk.choices.length === 0 && chunk.usage !== undefined && chunk.usage !== null;
        parts.length = 0;
        appendChunkParts(chunk, isFirst, parts);
        isFirst = false;
        yield { type: 'raw', format: 'openai-chat', data: event.data, usageOnly };
        for (const part of parts) yield part;
      }
    }
  } catch (error) {
    const failure = errorFromTransportFailure(providerId, error, signal);
    const detail = error instanceof Error ? error.message : String(error);
    yield { type: 'error', error: failure.code === 'TG_ERR_CLIENT_ABORTED' ? failure : interrupted(providerId, detail, error) };
    return;
  }
  yield { type: 'error', error: interrupted(providerId, `Provider "${providerId}" ended the stream before [DONE].`, undefined) };
}

function interrupted(providerId: string, detail: string, cause: unknown): TollgateError {
  const message = detail.startsWith('Provider') ? detail : `Provider "${providerId}" broke off the stream: ${detail}`;
  return new TollgateError({ code: 'TG_ERR_STREAM_INTERRUPTED', message, isRetryable: true, cause });
}

function parseChunk(data: string): (ChatCompletionChunkBody & { error?: unknown }) | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null ? (value as ChatCompletionChunkBody) : undefined;
  } catch {
    return undefined;
  }
}

function protocolError(providerId: string, what: string): TollgateError {
  return new TollgateError({ code: 'TG_ERR_UPSTREAM_PROTOCOL', message: `Provider "${providerId}" sent ${what} in its stream.`, isRetryable: true });
}
