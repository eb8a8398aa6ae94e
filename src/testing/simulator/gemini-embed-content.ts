/**
 * The Gemini embedding endpoints: `POST /v1beta/models/{model}:embedContent` (one `content`,
 * answered `{embedding: {values}}`) and `:batchEmbedContents` (`requests[]`, answered
 * `{embeddings: [{values}]}`, at most 100 per batch), also under `/v1/`, for `embedding` models
 * of the Gemini API. Both carry `usageMetadata {promptTokenCount, promptTokenDetails}`, as the
 * current API reference describes (https://ai.google.dev/api/embeddings#EmbeddingUsageMetadata).
 *
 * Vectors come from the OpenAI endpoint's generator (`embeddingVector`), seeded by the text of the
 * content's text parts (joined by newlines; other parts are ignored, as Google counts only
 * `parts.text`) and by `taskType` when one is given. `outputDimensionality` truncates the model's
 * full-size unit vector from the end, as Google does, so a shorter vector is a prefix of the full
 * one and is not renormalised. Field names are accepted in lowerCamelCase or snake_case.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyFault, type FaultErrorFamily } from './apply-fault.js';
import { isRecord } from './chat-request.js';
import { embeddingVector } from './embeddings-response.js';
import { geminiError, geminiFaultErrors, geminiMissingKey, geminiModelNotFound } from './gemini-error.js';
import { readField } from './gemini-request.js';
import type { SimulatorRuntime } from './simulator-handlers.js';
import { parseJsonObject, readBody, sendError, sendJson, sendTruncatedJson, type ErrorReply } from './simulator-http.js';

const embedPathPattern = /^\/(v1beta|v1)\/models\/([^/:]+):(embedContent|batchEmbedContents)$/;

/** Google's batch limit, and its message for a batch above it (recorded, see the Gemini adapter's fixtures). */
const maximumBatchSize = 100;

/** Google's `TaskType` enum; `TASK_TYPE_UNSPECIFIED` means none. */
const taskTypes: ReadonlySet<string> = new Set([
  'TASK_TYPE_UNSPECIFIED',
  'RETRIEVAL_QUERY',
  'RETRIEVAL_DOCUMENT',
  'SEMANTIC_SIMILARITY',
  'CLASSIFICATION',
  'CLUSTERING',
  'QUESTION_ANSWERING',
  'FACT_VERIFICATION',
  'CODE_RETRIEVAL_QUERY',
]);

interface EmbedInput {
  readonly text: string;
  readonly taskType: string | undefined;
  readonly dimensions: number | undefined;
}

type EmbedParse = { readonly ok: true; readonly inputs: readonly EmbedInput[] } | { readonly ok: false; readonly error: ErrorReply };

export function isGeminiEmbedPath(path: string): boolean {
  return embedPathPattern.test(path);
}

export async function handleGeminiEmbedContent(runtime: SimulatorRuntime, url: string, path: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const [, version = 'v1beta', encodedModel = '', action = 'embedContent'] = embedPathPattern.exec(path) ?? [];
  const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  const headerKey = request.headers['x-goog-api-key'];
  if (!((typeof headerKey === 'string' && headerKey.trim() !== '') || (query.get('key') ?? '').trim() !== '')) return sendError(response, geminiMissingKey());
  const body = parseJsonObject(await readBody(request));
  if (body === undefined) return sendError(response, geminiError(400, 'Invalid JSON payload received. Unexpected token.'));
  const model = decodeURIComponent(encodedModel);
  const profile = runtime.resolveModel(model, 'gemini');
  if (profile === undefined || profile.kind !== 'embedding') return sendError(response, geminiModelNotFound(model, action, version));
  const fullDimensions = profile.embeddingDimensions ?? 3072;
  const parsed = action === 'batchEmbedContents' ? parseBatch(body, model, fullDimensions) : parseOne(body, 'EmbedContentRequest', '', fullDimensions);
  if (!parsed.ok) return sendError(response, parsed.error);

  runtime.countModel(model);
  const fault = await applyFault(runtime, request, response, model, embedFaultErrors(action));
  if (fault.handled) return;
  if (profile.timeToFirstTokenMs > 0) await runtime.sleep(profile.timeToFirstTokenMs);

  let promptTokens = 0;
  const embeddings = parsed.inputs.map((input) => {
    promptTokens += runtime.encodeCached(input.text).length;
    const seed = input.taskType === undefined ? input.text : `${input.taskType}\u0000${input.text}`;
    return { values: Array.from(embeddingVector(seed, fullDimensions).subarray(0, input.dimensions ?? fullDimensions)) };
  });
  // Proto3 JSON, as the API writes it: a zero count is left out.
  const usageMetadata = promptTokens > 0 ? { promptTokenCount: promptTokens, promptTokenDetails: [{ modality: 'TEXT', tokenCount: promptTokens }] } : { promptTokenDetails: [{ modality: 'TEXT' }] };
  const bodyText = JSON.stringify(action === 'batchEmbedContents' ? { embeddings, usageMetadata } : { embedding: embeddings[0], usageMetadata });
  if (fault.cutAfterChunks !== undefined) return sendTruncatedJson(response, bodyText, {});
  sendJson(response, 200, bodyText);
}

function parseBatch(body: Readonly<Record<string, unknown>>, model: string, fullDimensions: number): EmbedParse {
  const requests = readField(body, 'requests');
  if (!Array.isArray(requests) || requests.length === 0) return invalid('* BatchEmbedContentsRequest.requests: requests is not specified\n');
  if (requests.length > maximumBatchSize) return invalid(`* BatchEmbedContentsRequest.requests: at most ${maximumBatchSize} requests can be in one batch\n`);
  const inputs: EmbedInput[] = [];
  for (const [index, item] of requests.entries()) {
    const where = `requests[${index}]`;
    if (!isRecord(item)) return invalid(`Invalid value at '${where}' (type.googleapis.com/google.ai.generativelanguage.v1beta.EmbedContentRequest)`);
    const itemModel = readField(item, 'model');
    if (itemModel !== undefined && itemModel !== `models/${model}` && itemModel !== model) {
      // The simulator's wording: Google documents the rule, not its message.
      return invalid(`* BatchEmbedContentsRequest.${where}.model: must be the model in the request URL, models/${model}\n`);
    }
    const one = parseOne(item, `BatchEmbedContentsRequest.${where}`, `${where}.`, fullDimensions);
    if (!one.ok) return one;
    inputs.push(...one.inputs);
  }
  return { ok: true, inputs };
}

/** One `EmbedContentRequest`; `owner` and `prefix` name it in error messages the way Google does. */
function parseOne(request: Readonly<Record<string, unknown>>, owner: string, prefix: string, fullDimensions: number): EmbedParse {
  const content = readField(request, 'content');
  const parts = isRecord(content) ? readField(content, 'parts') : undefined;
  if (!Array.isArray(parts)) return invalid(`* ${owner}.content: content is not specified\n`);
  const text = parts.flatMap((part) => (isRecord(part) && typeof part.text === 'string' ? [part.text] : [])).join('\n');

  const taskTypeValue = readField(request, 'taskType');
  if (taskTypeValue !== undefined && !(typeof taskTypeValue === 'string' && taskTypes.has(taskTypeValue))) {
    return invalid(`Invalid value at '${prefix}task_type' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), ${JSON.stringify(taskTypeValue)}`);
  }
  const taskType = taskTypeValue === undefined || taskTypeValue === 'TASK_TYPE_UNSPECIFIED' ? undefined : taskTypeValue;

  const dimensions = readField(request, 'outputDimensionality');
  if (dimensions !== undefined && !(typeof dimensions === 'number' && Number.isInteger(dimensions) && dimensions >= 1 && dimensions <= fullDimensions)) {
    // The simulator's wording for a size the model cannot give.
    return invalid(`* ${owner}.output_dimensionality: must be an integer from 1 to ${fullDimensions} for this model\n`);
  }
  return { ok: true, inputs: [{ text, taskType, dimensions }] };
}

function invalid(message: string): EmbedParse {
  return { ok: false, error: geminiError(400, message) };
}

/** Gemini's fault replies, with a 404 that names the embedding method. */
function embedFaultErrors(action: string): FaultErrorFamily {
  return {
    forStatus: (status, options) => (status === 404 && options.message === undefined ? geminiModelNotFound(options.model, action) : geminiFaultErrors.forStatus(status, options)),
    invalidRequest: geminiFaultErrors.invalidRequest,
  };
}
