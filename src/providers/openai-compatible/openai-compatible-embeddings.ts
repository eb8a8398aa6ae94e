import type { Dispatcher } from 'undici';
import type { EmbeddingCall, EmbeddingResponseBody } from '../../core/embedding-call.js';
import { TollgateError } from '../../core/errors.js';
import { dispatchBuffered, type BufferedResponse } from '../http/dispatch-buffered.js';
import { errorFromTransportFailure, errorFromUpstreamResponse } from '../http/upstream-error.js';

export interface OpenAICompatibleEmbeddingsOptions {
  readonly providerId: string;
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly headers?: Readonly<Record<string, string>>;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs?: number;
  /** The request path for a model (Azure puts the deployment in the URL). Default: `/embeddings`. */
  readonly embeddingsPath?: (model: string) => string;
  readonly apiKeyHeader?: 'authorization' | 'api-key';
}

/**
 * `POST /embeddings` on OpenAI and every server speaking its API (Ollama, vLLM, Together, …).
 * The body passes through; usage is `prompt_tokens`, all of it uncached input.
 */
export function createOpenAICompatibleEmbeddings(options: OpenAICompatibleEmbeddingsOptions): EmbeddingCall {
  const url = new URL(options.baseUrl.replace(/\/+$/, '') + '/embeddings');
  const fixedPath = url.pathname + url.search;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
  if (options.apiKey !== undefined && options.apiKey !== '') {
    if (options.apiKeyHeader === 'api-key') headers['api-key'] = options.apiKey;
    else headers['authorization'] = `Bearer ${options.apiKey}`;
  }
  const timeoutMs = options.timeoutMs ?? 600_000;

  return {
    async embed(request) {
      const path = options.embeddingsPath === undefined ? fixedPath : options.embeddingsPath(request.body.model);
      let response: BufferedResponse;
      try {
        response = await dispatchBuffered(
          options.dispatcher,
          { origin: url.origin, path, method: 'POST', headers, body: request.rawBody ?? JSON.stringify(request.body), headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
          request.signal,
        );
      } catch (error) {
        throw errorFromTransportFailure(options.providerId, error, request.signal);
      }
      if (response.statusCode >= 400) {
        throw errorFromUpstreamResponse({ providerId: options.providerId, status: response.statusCode, headers: response.headers, bodyText: response.body.toString('utf8') });
      }
      let body: EmbeddingResponseBody;
      try {
        body = JSON.parse(response.body.toString('utf8')) as EmbeddingResponseBody;
      } catch {
        throw new TollgateError({ code: 'TG_ERR_UPSTREAM_PROTOCOL', message: `Provider "${options.providerId}" returned embeddings that are not JSON.`, isRetryable: true });
      }
      if (!Array.isArray(body.data)) {
        throw new TollgateError({ code: 'TG_ERR_UPSTREAM_PROTOCOL', message: `Provider "${options.providerId}" returned embeddings without "data".`, isRetryable: true });
      }
      const promptTokens = typeof body.usage?.prompt_tokens === 'number' ? body.usage.prompt_tokens : undefined;
      return {
        body,
        rawBody: response.body,
        usage: {
          inputTokens: promptTokens,
          cacheReadTokens: undefined,
          cacheWrite5mTokens: undefined,
          cacheWrite1hTokens: undefined,
          outputTokens: promptTokens === undefined ? undefined : 0,
          reasoningTokens: undefined,
        },
        providerUsage: body.usage ?? undefined,
        upstreamModel: typeof body.model === 'string' ? body.model : request.body.model,
      };
    },
  };
}
