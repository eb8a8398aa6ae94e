/**
 * The Gemini endpoints: `POST /v1beta/models/{model}:generateContent`,
 * `:streamGenerateContent` (`?alt=sse` for SSE, else one JSON array) and `:countTokens`
 * (also under `/v1/`). Requests need an API key, as the `x-goog-api-key` header or `?key=`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyFault } from './apply-fault.js';
import { randomIdentifier } from './completion-plan.js';
import { geminiError, geminiFaultErrors, geminiMissingKey, geminiModelNotFound } from './gemini-error.js';
import { renderGeminiResponse, type GeminiCandidatePlan, type GeminiResponsePlan } from './gemini-generate-body.js';
import { renderGeminiStream } from './gemini-generate-stream.js';
import type { GeminiPrompt } from './gemini-prompt.js';
import { chooseGeminiFunction, parseGeminiGenerateRequest, readField, type GeminiGenerateRequest } from './gemini-request.js';
import { planReply, planThinking, thinkingSignature } from './reply-plan.js';
import { createSeededRandom, hashInteger, hashString } from './seeded-random.js';
import type { SimulatorRuntime } from './simulator-handlers.js';
import { parseJsonObject, readBody, sendError, sendJson, sendTruncatedJson, writeStream } from './simulator-http.js';
import { outputMilliseconds, type SimulatorModelProfile } from './simulator-models.js';

const pathPattern = /^\/(v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

export async function routeGemini(runtime: SimulatorRuntime, method: string, url: string, path: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const match = pathPattern.exec(path);
  if (method !== 'POST' || match === null) return sendError(response, geminiError(404, 'Method not found.'));
  const [, version = 'v1beta', encodedModel = '', action = 'generateContent'] = match;
  const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  const headerKey = request.headers['x-goog-api-key'];
  const hasKey = (typeof headerKey === 'string' && headerKey.trim() !== '') || (query.get('key') ?? '').trim() !== '';
  if (!hasKey) return sendError(response, geminiMissingKey());
  const body = parseJsonObject(await readBody(request));
  if (body === undefined) return sendError(response, geminiError(400, 'Invalid JSON payload received. Unexpected token.'));
  const model = decodeURIComponent(encodedModel);
  const profile = runtime.resolveModel(model, 'gemini');
  if (profile === undefined || profile.kind !== 'chat') return sendError(response, geminiModelNotFound(model, action, version));
  const wrapped = readField(body, 'generateContentRequest');
  const parsed = parseGeminiGenerateRequest(action === 'countTokens' && typeof wrapped === 'object' && wrapped !== null ? (wrapped as Record<string, unknown>) : body);
  if (!parsed.ok) return sendError(response, geminiError(400, parsed.message));
  const generateRequest = parsed.value;
  if (profile.thinking === 'always' && generateRequest.thinkingBudget === 0) {
    return sendError(response, geminiError(400, 'Budget 0 is invalid. This model only works in thinking mode.'));
  }
  runtime.countModel(model);
  const fault = await applyFault(runtime, request, response, model, geminiFaultErrors);
  if (fault.handled) return;
  const prompt = runtime.tokenizeGeminiPrompt(generateRequest);
  if (action === 'countTokens') {
    return sendJson(response, 200, JSON.stringify({ totalTokens: prompt.totalTokens, promptTokensDetails: prompt.details }));
  }
  const plan = planResponse(runtime, generateRequest, profile, model, prompt);
  const slowestThoughts = Math.max(0, ...plan.candidates.map((candidate) => candidate.thoughtsTokens));
  if (action === 'streamGenerateContent') {
    const sse = query.get('alt') === 'sse';
    const frames = renderGeminiStream(plan, runtime.tokensPerChunk, sse ? 'sse' : 'json-array');
    const firstFrameDelayMs = profile.timeToFirstTokenMs + outputMilliseconds(profile, slowestThoughts);
    const pacing = { firstFrameDelayMs, tokensPerSecond: profile.tokensPerSecond, cutAfterChunks: fault.cutAfterChunks, sleep: runtime.sleep };
    return writeStream(response, frames, pacing, {}, sse ? 'text/event-stream' : 'application/json; charset=UTF-8');
  }
  const slowest = Math.max(0, ...plan.candidates.map((candidate) => candidate.thoughtsTokens + candidate.reply.outputTokens));
  const totalDelayMs = profile.timeToFirstTokenMs + outputMilliseconds(profile, slowest);
  if (totalDelayMs > 0) await runtime.sleep(totalDelayMs);
  const bodyText = renderGeminiResponse(plan);
  if (fault.cutAfterChunks !== undefined) return sendTruncatedJson(response, bodyText, {});
  sendJson(response, 200, bodyText);
}

function planResponse(runtime: SimulatorRuntime, request: GeminiGenerateRequest, profile: SimulatorModelProfile, model: string, prompt: GeminiPrompt): GeminiResponsePlan {
  const declaration = chooseGeminiFunction(request);
  const tool = declaration === undefined ? undefined : { name: declaration.name, schema: declaration.schema };
  const candidates: GeminiCandidatePlan[] = [];
  for (let index = 0; index < request.candidateCount; index++) {
    const cap = request.maxOutputTokens;
    const thoughtsTokens = Math.min(thoughtsFor(profile, request, index), cap ?? Number.POSITIVE_INFINITY);
    const thoughtSummary =
      request.includeThoughts && thoughtsTokens > 0
        ? planThinking(request.seed, index, { minimumTokens: 16, maximumTokens: Math.min(64, thoughtsTokens) }, runtime.textGenerator)
        : undefined;
    const reply = planReply(
      { seed: request.seed, index, tool, format: request.format, maxVisibleTokens: cap === undefined ? undefined : cap - thoughtsTokens, stopSequences: request.stopSequences },
      runtime.textGenerator,
    );
    const thoughtSignature = thoughtsTokens > 0 && reply.toolUse !== undefined ? thinkingSignature(request.seed, index) : undefined;
    candidates.push({ index, reply, thoughtsTokens, thoughtSummary, thoughtSignature });
  }
  return {
    responseId: randomIdentifier(runtime.idRandom, 23),
    modelVersion: profile.responseModel ?? model,
    candidates,
    promptTokens: prompt.totalTokens,
    promptDetails: prompt.details,
    cachedTokens: implicitCachedTokens(runtime, profile, model, prompt.tokenIds),
  };
}

/**
 * Thinking models think 128–1024 tokens (a multiple of 64, seeded), at most a positive
 * `thinkingBudget`; `thinkingBudget: 0` turns thinking off where the model allows it, and
 * `on-request` models (Flash-Lite) think only when given a non-zero budget.
 */
function thoughtsFor(profile: SimulatorModelProfile, request: GeminiGenerateRequest, index: number): number {
  const mode = profile.thinking ?? 'unsupported';
  const budget = request.thinkingBudget;
  if (mode === 'unsupported' || budget === 0 || (mode === 'on-request' && budget === undefined)) return 0;
  const natural = 64 * createSeededRandom(hashInteger(0x7468, hashInteger(index, hashInteger(request.seed)))).integer(2, 16);
  return budget !== undefined && budget > 0 ? Math.min(natural, budget) : natural;
}

/**
 * Implicit caching: the longest prefix of 1024 + k·128 tokens this model saw before
 * (prompt-cache-tracker.ts), reported only when it reaches the model's minimum.
 */
function implicitCachedTokens(runtime: SimulatorRuntime, profile: SimulatorModelProfile, model: string, tokenIds: readonly number[]): number {
  const minimum = profile.minimumCacheableTokens;
  if (minimum === undefined) return 0;
  const cached = runtime.geminiPromptCache.observe(tokenIds, hashString(profile.responseModel ?? model));
  return cached >= minimum ? cached : 0;
}
