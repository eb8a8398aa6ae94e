/**
 * The Anthropic Messages endpoints: `POST /v1/messages` (JSON or `stream: true` SSE) and
 * `POST /v1/messages/count_tokens`. Requests need an API key (`x-api-key`, or
 * `Authorization: Bearer`) and an `anthropic-version` header, as the real API does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { anthropicUsage, renderAnthropicMessage, type AnthropicMessagePlan } from './anthropic-messages-body.js';
import { anthropicStreamErrorFrame, renderAnthropicMessageStream } from './anthropic-messages-stream.js';
import type { AnthropicCacheUsage } from './anthropic-prompt-cache.js';
import { chooseAnthropicTool, parseAnthropicMessagesRequest, type AnthropicMessagesRequest } from './anthropic-request.js';
import { applyFault } from './apply-fault.js';
import { isRecord, type JsonSchema } from './chat-request.js';
import { randomIdentifier } from './completion-plan.js';
import { planReply, planThinking, thinkingSignature, type ReplyFormat } from './reply-plan.js';
import { hasBearerToken, parseJsonObject, readBody, sendError, sendJson, sendTruncatedJson, writeStream } from './simulator-http.js';
import type { SimulatorRuntime } from './simulator-handlers.js';
import { outputMilliseconds, type SimulatorModelProfile } from './simulator-models.js';

export async function routeAnthropic(runtime: SimulatorRuntime, method: string, path: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const errors = runtime.anthropicErrors;
  const countOnly = path === '/v1/messages/count_tokens';
  if (method !== 'POST' || (path !== '/v1/messages' && !countOnly)) return sendError(response, errors.reply(404, 'not_found_error', 'Not Found'));
  if (!hasAnthropicKey(request)) return sendError(response, errors.reply(401, 'authentication_error', 'x-api-key header is required'));
  const version = request.headers['anthropic-version'];
  if (typeof version !== 'string' || version.trim() === '') {
    return sendError(response, errors.reply(400, 'invalid_request_error', 'anthropic-version: header is required'));
  }
  const body = parseJsonObject(await readBody(request));
  if (body === undefined) return sendError(response, errors.reply(400, 'invalid_request_error', 'There was an error parsing the body of your request.'));
  const parsed = parseAnthropicMessagesRequest(body, { countOnly });
  if (!parsed.ok) return sendError(response, errors.reply(400, 'invalid_request_error', parsed.message));
  const messagesRequest = parsed.value;
  const { model } = messagesRequest;
  const profile = runtime.resolveModel(model, 'anthropic');
  if (profile === undefined || profile.kind !== 'chat') return sendError(response, errors.reply(404, 'not_found_error', `model: ${model}`));
  if (messagesRequest.thinkingBudget !== undefined && (profile.thinking ?? 'unsupported') === 'unsupported') {
    return sendError(response, errors.reply(400, 'invalid_request_error', `'${profile.responseModel ?? model}' does not support thinking.`));
  }
  runtime.countModel(model);
  const fault = await applyFault(runtime, request, response, model, errors, { errorInStream: messagesRequest.stream && !countOnly });
  if (fault.handled) return;
  const prompt = runtime.tokenizeAnthropicPrompt(messagesRequest, profile.responseModel ?? model);
  const headers = { 'request-id': errors.requestId() };
  if (countOnly) return sendJson(response, 200, JSON.stringify({ input_tokens: prompt.inputTokens }), headers);

  const cache = runtime.anthropicPromptCache.observe(prompt.positions, profile.minimumCacheableTokens);
  const plan = planMessage(runtime, messagesRequest, profile, prompt.inputTokens, cache);
  if (messagesRequest.stream) {
    let frames = renderAnthropicMessageStream(plan, runtime.tokensPerChunk);
    let cutAfterChunks = fault.cutAfterChunks;
    if (fault.streamError !== undefined) {
      frames = [...frames.slice(0, cutAfterChunks), anthropicStreamErrorFrame(fault.streamError.body)];
      cutAfterChunks = undefined;
    }
    const pacing = { firstFrameDelayMs: profile.timeToFirstTokenMs, tokensPerSecond: profile.tokensPerSecond, cutAfterChunks, sleep: runtime.sleep };
    return writeStream(response, frames, pacing, headers);
  }
  const totalDelayMs = profile.timeToFirstTokenMs + outputMilliseconds(profile, plan.usage.output_tokens);
  if (totalDelayMs > 0) await runtime.sleep(totalDelayMs);
  const bodyText = renderAnthropicMessage(plan);
  if (fault.cutAfterChunks !== undefined) return sendTruncatedJson(response, bodyText, headers);
  sendJson(response, 200, bodyText, headers);
}

/**
 * Thinking (when enabled) is 40–240 tokens of text, at most `budget_tokens`, and counts
 * toward `max_tokens` and `output_tokens`; the answer gets what is left of `max_tokens`.
 */
function planMessage(
  runtime: SimulatorRuntime,
  request: AnthropicMessagesRequest,
  profile: SimulatorModelProfile,
  promptTokens: number,
  cache: AnthropicCacheUsage,
): AnthropicMessagePlan {
  const maxTokens = request.maxTokens ?? 1;
  let thinking: AnthropicMessagePlan['thinking'];
  if (request.thinkingBudget !== undefined) {
    const text = planThinking(request.seed, 0, { minimumTokens: 40, maximumTokens: Math.min(240, request.thinkingBudget) }, runtime.textGenerator);
    thinking = { text, signature: thinkingSignature(request.seed, 0) };
  }
  const thinkingTokens = thinking?.text.tokens.length ?? 0;
  const tool = chooseAnthropicTool(request);
  const format: ReplyFormat = request.outputSchema === undefined ? { type: 'text' } : { type: 'json_schema', schema: request.outputSchema };
  const schema = tool !== undefined && isRecord(tool.input_schema) ? (tool.input_schema as JsonSchema) : { type: 'object' };
  const reply = planReply(
    {
      seed: request.seed,
      index: 0,
      tool: tool === undefined ? undefined : { name: tool.name, schema },
      format,
      maxVisibleTokens: maxTokens - thinkingTokens,
      stopSequences: request.stopSequences,
    },
    runtime.textGenerator,
  );
  return {
    id: `msg_01${randomIdentifier(runtime.idRandom, 22)}`,
    model: profile.responseModel ?? request.model,
    thinking,
    reply,
    toolUseId: tool === undefined ? undefined : `toolu_01${randomIdentifier(runtime.idRandom, 22)}`,
    usage: anthropicUsage(promptTokens, cache, thinkingTokens + reply.outputTokens),
  };
}

function hasAnthropicKey(request: IncomingMessage): boolean {
  const key = request.headers['x-api-key'];
  return (typeof key === 'string' && key.trim() !== '') || hasBearerToken(request);
}
