import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { Clock } from '../../core/clock.js';
import { TollgateError } from '../../core/errors.js';
import type { ModelCall, ModelRequest, ModelResponse, ModelStream } from '../../core/model-call.js';
import { dispatchBuffered, type BufferedResponse } from '../http/dispatch-buffered.js';
import { readAllBytes } from '../http/read-body.js';
import { errorFromTransportFailure } from '../http/upstream-error.js';
import { fromGeminiResponse } from './from-gemini-response.js';
import { geminiErrorFromResponse } from './gemini-error.js';
import { readGeminiStream } from './gemini-stream-parts.js';
import { normaliseGeminiUsage } from './gemini-usage.js';
import type { GeminiGenerateContentResponse } from './gemini-wire.js';
import { toGeminiRequest } from './to-gemini-request.js';

export interface GeminiAdapterOptions {
  readonly providerId: string;
  /** e.g. `https://generativelanguage.googleapis.com/v1beta`; `/models/<model>:generateContent` is appended. */
  readonly baseUrl: string;
  /** Sent as `x-goog-api-key` (never in the URL, where logs would keep it). */
  readonly apiKey: string | undefined;
  readonly headers?: Readonly<Record<string, string>>;
  readonly dispatcher: Dispatcher;
  readonly clock: Clock;
  /** Upper bound on waiting for response headers and between body chunks. */
  readonly timeoutMs?: number;
  /** Ids for responses Gemini sends no `responseId` for. Default: `chatcmpl-<uuid>`. */
  readonly generateId?: () => string;
}

/**
 * The adapter for the Google AI Gemini API: `models/<model>:generateContent` for whole answers and
 * `models/<model>:streamGenerateContent?alt=sse` for streams. Requests are translated from the
 * neutral OpenAI shape (`to-gemini-request.ts`) and answers back to OpenAI's (`from-gemini-response.ts`,
 * `gemini-stream-parts.ts`); nothing is passed through byte for byte, so `rawBody` and `wireFormat`
 * are always `undefined`.
 */
export function createGeminiAdapter(options: GeminiAdapterOptions): ModelCall {
  const base = new URL(options.baseUrl.replace(/\/+$/, ''));
  const origin = base.origin;
  const basePath = base.pathname.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
  if (options.apiKey !== undefined && options.apiKey !== '') headers['x-goog-api-key'] = options.apiKey;
  const streamHeaders: Record<string, string> = { ...headers, accept: 'text/event-stream' };
  const timeoutMs = options.timeoutMs ?? 600_000;
  const generateId = options.generateId ?? (() => `chatcmpl-${randomUUID().replaceAll('-', '')}`);

  /** `models/gemini-2.5-flash` and `gemini-2.5-flash` name the same model. */
  const methodPath = (model: string, method: string) => `${basePath}/models/${encodeURIComponent(model.replace(/^models\//, ''))}:${method}`;

  function translate(request: ModelRequest): string {
    const { request: geminiRequest, warnings } = toGeminiRequest(request.body);
    for (const warning of warnings) request.context.warnings.push(`${options.providerId}: ${warning}`);
    return JSON.stringify(geminiRequest);
  }

  return {
    async generate(request: ModelRequest): Promise<ModelResponse> {
      const payload = translate(request);
      const model = request.body.model;
      let response: BufferedResponse;
      try {
        response = await dispatchBuffered(
          options.dispatcher,
          { origin, path: methodPath(model, 'generateContent'), method: 'POST', headers, body: payload, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
          request.signal,
        );
      } catch (error) {
        throw errorFromTransportFailure(options.providerId, error, request.signal);
      }
      const bodyText = response.body.toString('utf8');
      if (response.statusCode >= 400) {
        throw geminiErrorFromResponse({ providerId: options.providerId, status: response.statusCode, headers: response.headers, bodyText });
      }
      const geminiResponse = parseResponse(bodyText, options.providerId);
      const usage = normaliseGeminiUsage(geminiResponse.usageMetadata);
      const body = fromGeminiResponse(geminiResponse, usage, { requestedModel: model, created: unixSeconds(options.clock), generateId });
      return { body, rawBody: undefined, usage, providerUsage: geminiResponse.usageMetadata, upstreamModel: body.model };
    },

    async stream(request: ModelRequest): Promise<ModelStream> {
      const payload = translate(request);
      const model = request.body.model;
      let response: Dispatcher.ResponseData;
      try {
        response = await options.dispatcher.request({
          origin,
          path: `${methodPath(model, 'streamGenerateContent')}?alt=sse`,
          method: 'POST',
          headers: streamHeaders,
          body: payload,
          signal: request.signal,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
      } catch (error) {
        throw errorFromTransportFailure(options.providerId, error, request.signal);
      }
      if (response.statusCode >= 400) {
        const bodyText = (await readAllBytes(response.body).catch(() => Buffer.alloc(0))).toString('utf8');
        throw geminiErrorFromResponse({ providerId: options.providerId, status: response.statusCode, headers: response.headers, bodyText });
      }
      const context = { providerId: options.providerId, requestedModel: model, created: unixSeconds(options.clock), generateId };
      return {
        wireFormat: undefined,
        [Symbol.asyncIterator]: () => readGeminiStream(response.body, context, request.signal),
      };
    },
  };
}

function parseResponse(bodyText: string, providerId: string): GeminiGenerateContentResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    throw new TollgateError({ code: 'TG_ERR_UPSTREAM_PROTOCOL', message: `Provider "${providerId}" returned a body that is not JSON.`, isRetryable: true });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TollgateError({ code: 'TG_ERR_UPSTREAM_PROTOCOL', message: `Provider "${providerId}" returned JSON that is not an object.`, isRetryable: true });
  }
  return parsed as GeminiGenerateContentResponse;
}

function unixSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
