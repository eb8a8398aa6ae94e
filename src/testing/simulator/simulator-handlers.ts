/**
 * Request handlers for the OpenAI endpoints, the runtime every handler shares, and the
 * router for the Anthropic and Gemini endpoints (tried only after the OpenAI routes missed,
 * so the OpenAI path does no extra work).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnthropicErrors } from './anthropic-error.js';
import { routeAnthropic } from './anthropic-handlers.js';
import type { AnthropicPromptCache } from './anthropic-prompt-cache.js';
import type { AnthropicPromptTokenizer } from './anthropic-prompt.js';
import { applyFault, type FaultContext } from './apply-fault.js';
import type { CachedEncoder } from './cached-encoder.js';
import { envelopeMembers, renderChatCompletion } from './chat-completion-body.js';
import { renderChatCompletionStream, type StreamFrame } from './chat-completion-stream.js';
import { parseChatCompletionRequest, type ChatCompletionRequest } from './chat-request.js';
import { planCompletion, randomIdentifier } from './completion-plan.js';
import { parseEmbeddingsRequest, renderEmbeddings } from './embeddings-response.js';
import { handleGeminiEmbedContent, isGeminiEmbedPath } from './gemini-embed-content.js';
import { routeGemini } from './gemini-handlers.js';
import type { GeminiPromptTokenizer } from './gemini-prompt.js';
import { modelNotFoundError, simulatorError } from './openai-error.js';
import type { PromptCacheTracker } from './prompt-cache-tracker.js';
import type { PromptTokenizer } from './prompt-tokenizer.js';
import { envelopePlaceholder, type ResponseTemplate, type ResponseTemplateCache } from './response-template-cache.js';
import type { SeededRandom } from './seeded-random.js';
import { sendError, sendJson, sendTruncatedJson, writeStream } from './simulator-http.js';
import { outputMilliseconds, type ModelResolver, type SimulatorModelProfile } from './simulator-models.js';
import type { TextGenerator } from './text-generator.js';

/** Everything a handler needs, built once per simulator instance. */
export interface SimulatorRuntime extends FaultContext {
  readonly resolveModel: ModelResolver;
  readonly tokenizePrompt: PromptTokenizer;
  readonly encodeCached: CachedEncoder;
  readonly promptCache: PromptCacheTracker;
  readonly textGenerator: TextGenerator;
  readonly templates: ResponseTemplateCache;
  readonly idRandom: SeededRandom;
  readonly now: () => number;
  readonly tokensPerChunk: number;
  readonly anthropicErrors: AnthropicErrors;
  readonly tokenizeAnthropicPrompt: AnthropicPromptTokenizer;
  readonly anthropicPromptCache: AnthropicPromptCache;
  readonly tokenizeGeminiPrompt: GeminiPromptTokenizer;
  /** Gemini implicit caching: its own prefix tracker, namespaced per model. */
  readonly geminiPromptCache: PromptCacheTracker;
  countModel(model: string): void;
}

export interface SimulatorRequest {
  readonly body: Record<string, unknown>;
  readonly bodyText: string;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
}

export async function handleChatCompletion(runtime: SimulatorRuntime, { body, bodyText, request, response }: SimulatorRequest): Promise<void> {
  const parsed = parseChatCompletionRequest(body);
  if (!parsed.ok) return sendError(response, parsed.error);
  const chatRequest = parsed.value;
  const profile = runtime.resolveModel(chatRequest.model);
  if (profile === undefined) return sendError(response, modelNotFoundError(chatRequest.model));
  if (profile.kind !== 'chat') {
    const message = 'This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?';
    return sendError(response, simulatorError(404, message, { param: 'model' }));
  }
  runtime.countModel(chatRequest.model);
  const fault = await applyFault(runtime, request, response, chatRequest.model);
  if (fault.handled) return;

  const prompt = runtime.tokenizePrompt(chatRequest.messages, chatRequest.tools);
  const cachedTokens = runtime.promptCache.observe(prompt.tokenIds);
  // The plan is a pure function of the body and cachedTokens, so identical requests share a template.
  const templateKey = `${cachedTokens}${envelopePlaceholder}${bodyText}`;
  let template = runtime.templates.get(templateKey);
  if (template === undefined) {
    template = buildTemplate(runtime, chatRequest, profile, prompt.tokenCount, cachedTokens);
    runtime.templates.set(templateKey, template);
  }
  const envelope = {
    id: `chatcmpl-${randomIdentifier(runtime.idRandom, 29)}`,
    created: Math.floor(runtime.now() / 1000),
    model: chatRequest.model,
  };
  const headers = { 'x-request-id': `req_${randomIdentifier(runtime.idRandom, 32)}` };

  if (chatRequest.stream) {
    const members = envelopeMembers(envelope, 'chat.completion.chunk');
    const firstFrameDelayMs = profile.timeToFirstTokenMs + outputMilliseconds(profile, template.slowestReasoningTokens);
    const instant = firstFrameDelayMs <= 0 && outputMilliseconds(profile, 1) === 0 && fault.cutAfterChunks === undefined;
    const frames: StreamFrame[] = instant
      ? [{ text: template.parts.join(members), outputTokens: 0 }]
      : template.frames.map((frame) => ({ text: frame.text.split(envelopePlaceholder).join(members), outputTokens: frame.outputTokens }));
    const pacing = { firstFrameDelayMs, tokensPerSecond: profile.tokensPerSecond, cutAfterChunks: fault.cutAfterChunks, sleep: runtime.sleep };
    return writeStream(response, frames, pacing, headers);
  }
  const totalDelayMs = profile.timeToFirstTokenMs + outputMilliseconds(profile, template.slowestCompletionTokens);
  if (totalDelayMs > 0) await runtime.sleep(totalDelayMs);
  const bodyJson = template.parts.join(envelopeMembers(envelope, 'chat.completion'));
  if (fault.cutAfterChunks !== undefined) return sendTruncatedJson(response, bodyJson, headers);
  sendJson(response, 200, bodyJson, headers);
}

function buildTemplate(
  runtime: SimulatorRuntime,
  chatRequest: ChatCompletionRequest,
  profile: SimulatorModelProfile,
  promptTokens: number,
  cachedTokens: number,
): ResponseTemplate {
  const plan = planCompletion(chatRequest, {
    textGenerator: runtime.textGenerator,
    reasoningModel: profile.reasoning === true,
    promptTokens,
    cachedTokens,
  });
  const slowestCompletionTokens = Math.max(0, ...plan.choices.map((choice) => choice.completionTokens));
  const slowestReasoningTokens = Math.max(0, ...plan.choices.map((choice) => choice.reasoningTokens));
  if (!chatRequest.stream) {
    return { parts: renderChatCompletion(plan, envelopePlaceholder).split(envelopePlaceholder), frames: [], slowestCompletionTokens, slowestReasoningTokens };
  }
  const frames = renderChatCompletionStream(plan, envelopePlaceholder, { includeUsage: chatRequest.includeUsage, tokensPerChunk: runtime.tokensPerChunk });
  const joined = frames.map((frame) => frame.text).join('');
  return { parts: joined.split(envelopePlaceholder), frames, slowestCompletionTokens, slowestReasoningTokens };
}

export async function handleEmbeddings(runtime: SimulatorRuntime, { body, request, response }: SimulatorRequest): Promise<void> {
  const parsed = parseEmbeddingsRequest(body);
  if (!parsed.ok) return sendError(response, parsed.error);
  const profile = runtime.resolveModel(parsed.value.model);
  if (profile === undefined) return sendError(response, modelNotFoundError(parsed.value.model));
  if (profile.kind !== 'embedding') {
    return sendError(response, simulatorError(400, `The model \`${parsed.value.model}\` does not support embeddings.`, { param: 'model' }));
  }
  runtime.countModel(parsed.value.model);
  const fault = await applyFault(runtime, request, response, parsed.value.model);
  if (fault.handled) return;
  if (profile.timeToFirstTokenMs > 0) await runtime.sleep(profile.timeToFirstTokenMs);
  const bodyText = renderEmbeddings(parsed.value, profile.embeddingDimensions ?? 1536, runtime.encodeCached);
  if (fault.cutAfterChunks !== undefined) return sendTruncatedJson(response, bodyText, {});
  sendJson(response, 200, bodyText);
}

/**
 * Anthropic (`/v1/messages…`) and Gemini (`/v1beta/models/…`, `POST /v1/models/…:method`;
 * the embedding methods in gemini-embed-content.ts) routes. Returns false when the path
 * belongs to neither, so the caller answers its 404.
 */
export async function routeProviderApi(runtime: SimulatorRuntime, method: string, url: string, path: string, request: IncomingMessage, response: ServerResponse): Promise<boolean> {
  if (path.startsWith('/v1/messages')) {
    await routeAnthropic(runtime, method, path, request, response);
    return true;
  }
  if (path.startsWith('/v1beta/') || (method === 'POST' && path.startsWith('/v1/models/') && path.includes(':'))) {
    if (method === 'POST' && isGeminiEmbedPath(path)) await handleGeminiEmbedContent(runtime, url, path, request, response);
    else await routeGemini(runtime, method, url, path, request, response);
    return true;
  }
  return false;
}
