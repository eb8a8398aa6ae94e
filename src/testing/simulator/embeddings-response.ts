/**
 * POST /v1/embeddings: deterministic unit-length vectors seeded by each input's text, with
 * real `prompt_tokens`. Supports `encoding_format: "base64"` (little-endian float32), which
 * the official SDKs request by default.
 */
import type { CachedEncoder } from './cached-encoder.js';
import { isRecord, type ParseResult } from './chat-request.js';
import { simulatorError } from './openai-error.js';
import { createSeededRandom, hashString } from './seeded-random.js';

export interface EmbeddingsRequest {
  readonly model: string;
  readonly inputs: readonly string[];
  readonly base64: boolean;
  readonly dimensions: number | undefined;
}

export function parseEmbeddingsRequest(body: Record<string, unknown>): ParseResult<EmbeddingsRequest> {
  const { model, input, dimensions } = body;
  if (typeof model !== 'string' || model === '') return invalid('you must provide a model parameter', null);
  if (input === undefined || input === null) return invalid("Missing required parameter: 'input'.", 'input');
  const inputs = toTextInputs(input);
  if (inputs === undefined || inputs.length === 0) return invalid("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'input');
  if (dimensions !== undefined && !(typeof dimensions === 'number' && Number.isInteger(dimensions) && dimensions >= 1)) {
    return invalid("Invalid 'dimensions': expected a positive integer.", 'dimensions');
  }
  return { ok: true, value: { model, inputs, base64: body.encoding_format === 'base64', dimensions } };
}

/** Strings stay as they are; token-id arrays are hashed through their JSON text. */
function toTextInputs(input: unknown): string[] | undefined {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return undefined;
  if (input.every((item) => typeof item === 'number')) return [JSON.stringify(input)];
  if (input.every((item) => typeof item === 'string' || Array.isArray(item))) {
    return input.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  }
  return undefined;
}

function invalid(message: string, param: string | null): ParseResult<never> {
  return { ok: false, error: simulatorError(400, message, { type: 'invalid_request_error', param }) };
}

export function renderEmbeddings(request: EmbeddingsRequest, defaultDimensions: number, encodeCached: CachedEncoder): string {
  const dimensions = request.dimensions ?? defaultDimensions;
  let promptTokens = 0;
  const data = request.inputs.map((text, index) => {
    promptTokens += encodeCached(text).length;
    const vector = embeddingVector(text, dimensions);
    const embedding = request.base64 ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector);
    return { object: 'embedding', index, embedding };
  });
  return JSON.stringify({
    object: 'list',
    data,
    model: request.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}

/** A unit-length vector seeded by `text`: the same text always gives the same vector. */
export function embeddingVector(text: string, dimensions: number): Float32Array {
  const random = createSeededRandom(hashString(text));
  const vector = new Float32Array(dimensions);
  let squaredLength = 0;
  for (let index = 0; index < dimensions; index++) {
    const value = random.next() * 2 - 1;
    vector[index] = value;
    squaredLength += value * value;
  }
  const length = Math.sqrt(squaredLength) || 1;
  for (let index = 0; index < dimensions; index++) vector[index] = (vector[index] ?? 0) / length;
  return vector;
}
