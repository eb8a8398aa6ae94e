import type { Dispatcher } from 'undici';
import type { EmbeddingCall, EmbeddingRequestBody, EmbeddingResponse, EmbeddingResponseBody } from '../../core/embedding-call.js';
import { TollgateError } from '../../core/errors.js';
import { unknownUsage, usageOf } from '../../core/usage.js';
import { dispatchBuffered, type BufferedResponse } from '../http/dispatch-buffered.js';
import { errorFromTransportFailure } from '../http/upstream-error.js';
import { geminiErrorFromResponse } from './gemini-error.js';

export interface GeminiEmbeddingsOptions {
  readonly providerId: string;
  /** e.g. `https://generativelanguage.googleapis.com/v1beta`; `/models/<model>:batchEmbedContents` is appended. */
  readonly baseUrl: string;
  /** Sent as `x-goog-api-key` (never in the URL, where logs would keep it). */
  readonly apiKey: string | undefined;
  readonly headers?: Readonly<Record<string, string>>;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs?: number;
}

/** One `EmbedContentRequest` of a `BatchEmbedContentsRequest` (https://ai.google.dev/api/embeddings). */
interface GeminiEmbedContentRequest {
  model: string;
  content: { parts: Array<{ text: string }> };
  taskType?: string;
  outputDimensionality?: number;
}

/** `BatchEmbedContentsResponse`, untrusted: every field is checked before use. */
interface GeminiBatchEmbedContentsResponse {
  embeddings?: Array<{ values?: unknown } | null>;
  /** `EmbeddingUsageMetadata`; absent from older API versions' responses. */
  usageMetadata?: { promptTokenCount?: unknown; [field: string]: unknown } | null;
}

/** Fields read below, or used by Tollgate itself (`user`), so never reported as dropped. */
const translatedFields: ReadonlySet<string> = new Set(['model', 'input', 'dimensions', 'encoding_format', 'user', 'task_type', 'taskType']);

/**
 * Embeddings on the Google AI Gemini API: one `models/<model>:batchEmbedContents` call per request,
 * one `EmbedContentRequest` per input text, answered as an OpenAI embeddings list.
 *
 * - `dimensions` becomes `outputDimensionality`; a `task_type` (or `taskType`) extension field
 *   becomes `taskType`, passed on unchanged. Other fields Gemini has no place for are named in a warning.
 * - `input` as token ids cannot be sent (Gemini embeds text): `TG_ERR_UNSUPPORTED_PARAMETER`.
 * - `encoding_format: "base64"` (the official OpenAI SDKs ask for it by default) is answered like
 *   OpenAI does: the little-endian float32 bytes of each vector, base64-encoded.
 * - Usage: `usageMetadata.promptTokenCount`, all of it uncached input, when Gemini sends it. When it
 *   does not, every bucket stays unknown, a warning says the cost is unknown, and the body has no
 *   `usage` at all: the OpenAI SDK types declare it, but a missing field cannot be mistaken for a
 *   count, while `{prompt_tokens: 0}` would tell client-side meters the call was free.
 */
export function createGeminiEmbeddings(options: GeminiEmbeddingsOptions): EmbeddingCall {
  const base = new URL(options.baseUrl.replace(/\/+$/, ''));
  const basePath = base.pathname.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
  if (options.apiKey !== undefined && options.apiKey !== '') headers['x-goog-api-key'] = options.apiKey;
  const timeoutMs = options.timeoutMs ?? 600_000;

  return {
    async embed(request): Promise<EmbeddingResponse> {
      const texts = readTexts(request.body.input);
      const base64 = readBase64Choice(request.body.encoding_format);
      const model = request.body.model.replace(/^models\//, '');
      const settings = readEmbedSettings(request.body);
      const payload = JSON.stringify({ requests: texts.map((text): GeminiEmbedContentRequest => ({ model: `models/${model}`, content: { parts: [{ text }] }, ...settings })) });
      const dropped = Object.keys(request.body).filter((field) => !translatedFields.has(field) && request.body[field] !== undefined && request.body[field] !== null);
      if (dropped.length > 0) {
        request.context.warnings.push(`${options.providerId}: ${dropped.join(', ')} ${dropped.length === 1 ? 'is' : 'are'} not supported by Gemini embeddings; not sent`);
      }

      let response: BufferedResponse;
      try {
        response = await dispatchBuffered(
          options.dispatcher,
          {
            origin: base.origin,
            path: `${basePath}/models/${encodeURIComponent(model)}:batchEmbedContents`,
            method: 'POST',
            headers,
            body: payload,
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
          },
          request.signal,
        );
      } catch (error) {
        throw errorFromTransportFailure(options.providerId, error, request.signal);
      }
      const bodyText = response.body.toString('utf8');
      if (response.statusCode >= 400) {
        throw geminiErrorFromResponse({ providerId: options.providerId, status: response.statusCode, headers: response.headers, bodyText });
      }

      const vectors = readVectors(bodyText, texts.length, options.providerId);
      const promptTokens = readPromptTokenCount(vectors.usageMetadata);
      if (promptTokens === undefined) {
        request.context.warnings.push(`${options.providerId}: Gemini did not report token usage for these embeddings; their cost is unknown`);
      }
      const body: EmbeddingResponseBody = {
        object: 'list',
        data: vectors.values.map((values, index) => ({ object: 'embedding', index, embedding: base64 ? float32Base64(values) : values })),
        model,
      };
      if (promptTokens !== undefined) body.usage = { prompt_tokens: promptTokens, total_tokens: promptTokens };
      return {
        body,
        rawBody: undefined,
        usage: promptTokens === undefined ? unknownUsage : usageOf({ inputTokens: promptTokens, outputTokens: 0 }),
        providerUsage: vectors.usageMetadata ?? undefined,
        upstreamModel: model,
      };
    },
  };
}

/** The settings every `EmbedContentRequest` of the batch shares, passed on unchanged (Gemini answers bad values with its own 400). */
function readEmbedSettings(body: EmbeddingRequestBody): Pick<GeminiEmbedContentRequest, 'taskType' | 'outputDimensionality'> {
  const settings: Pick<GeminiEmbedContentRequest, 'taskType' | 'outputDimensionality'> = {};
  const taskType = body['task_type'] ?? body['taskType'];
  if (typeof taskType === 'string') settings.taskType = taskType;
  else if (taskType !== undefined && taskType !== null) {
    throw new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message: '"task_type" must be a Gemini task type such as "RETRIEVAL_DOCUMENT".', param: 'task_type' });
  }
  if (body.dimensions !== undefined) settings.outputDimensionality = body.dimensions;
  return settings;
}

/** The input texts; token ids (`number[]`, `number[][]`) have no Gemini form. */
function readTexts(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string')) return input as string[];
  if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'number' || Array.isArray(item))) {
    throw new TollgateError({
      code: 'TG_ERR_UNSUPPORTED_PARAMETER',
      message: 'Gemini embeds text only: "input" as token ids cannot be sent to it. Send the text (a string or an array of strings) instead.',
      param: 'input',
    });
  }
  throw new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message: '"input" must be a string or a non-empty array of strings for Gemini embeddings.', param: 'input' });
}

function readBase64Choice(encodingFormat: unknown): boolean {
  if (encodingFormat === undefined || encodingFormat === null || encodingFormat === 'float') return false;
  if (encodingFormat === 'base64') return true;
  throw new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message: '"encoding_format" must be "float" or "base64".', param: 'encoding_format' });
}

interface GeminiVectors {
  readonly values: number[][];
  readonly usageMetadata: GeminiBatchEmbedContentsResponse['usageMetadata'];
}

function readVectors(bodyText: string, expected: number, providerId: string): GeminiVectors {
  let parsed: GeminiBatchEmbedContentsResponse;
  try {
    parsed = JSON.parse(bodyText) as GeminiBatchEmbedContentsResponse;
  } catch {
    throw protocolError(providerId, 'returned embeddings that are not JSON');
  }
  const embeddings = typeof parsed === 'object' && parsed !== null ? parsed.embeddings : undefined;
  if (!Array.isArray(embeddings) || embeddings.length !== expected) {
    throw protocolError(providerId, `returned ${Array.isArray(embeddings) ? embeddings.length : 'no'} embeddings for ${expected} inputs`);
  }
  const values = embeddings.map((embedding, index) => {
    const vector = embedding?.values;
    if (!Array.isArray(vector) || !vector.every((value) => typeof value === 'number')) throw protocolError(providerId, `returned embedding ${index} without numeric "values"`);
    return vector as number[];
  });
  const usageMetadata = typeof parsed.usageMetadata === 'object' && parsed.usageMetadata !== null ? parsed.usageMetadata : undefined;
  return { values, usageMetadata };
}

/** A count only when Gemini gave one: an absent count stays unknown, never 0. */
function readPromptTokenCount(usageMetadata: GeminiVectors['usageMetadata']): number | undefined {
  const count = usageMetadata?.promptTokenCount;
  return typeof count === 'number' && Number.isInteger(count) && count >= 0 ? count : undefined;
}

/** OpenAI's base64 form: the vector's float32 values, little-endian, base64-encoded. */
function float32Base64(values: readonly number[]): string {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

function protocolError(providerId: string, what: string): TollgateError {
  return new TollgateError({ code: 'TG_ERR_UPSTREAM_PROTOCOL', message: `Provider "${providerId}" ${what}.`, isRetryable: true });
}
