/**
 * Renders a planned Gemini reply as a `GenerateContentResponse`:
 * `{candidates: [{content: {parts, role: "model"}, finishReason, index}], usageMetadata, modelVersion, responseId}`.
 *
 * Parts: an optional thought summary `{text, thought: true}` (when `includeThoughts`), then
 * `{text}` or `{functionCall: {name, args}}` (with a `thoughtSignature` when the model thought).
 * Usage follows Google's accounting: `promptTokenCount` includes `cachedContentTokenCount`,
 * `candidatesTokenCount` excludes `thoughtsTokenCount`, and `totalTokenCount` is prompt +
 * candidates + thoughts. Zero counts are omitted, as the API omits them.
 */
import type { GeminiModalityCount } from './gemini-prompt.js';
import type { PlannedReply } from './reply-plan.js';
import type { TokenizedText } from './text-generator.js';

export interface GeminiCandidatePlan {
  readonly index: number;
  readonly reply: PlannedReply;
  /** Thinking tokens billed for this candidate (0 when it did not think). */
  readonly thoughtsTokens: number;
  /** The visible thought summary, when the request set `includeThoughts`. */
  readonly thoughtSummary: TokenizedText | undefined;
  /** Attached to a function call of a candidate that thought. */
  readonly thoughtSignature: string | undefined;
}

export interface GeminiResponsePlan {
  readonly responseId: string;
  readonly modelVersion: string;
  readonly candidates: readonly GeminiCandidatePlan[];
  readonly promptTokens: number;
  readonly promptDetails: readonly GeminiModalityCount[];
  readonly cachedTokens: number;
}

export function geminiFinishReason(reply: PlannedReply): 'STOP' | 'MAX_TOKENS' {
  return reply.stop === 'max_tokens' ? 'MAX_TOKENS' : 'STOP';
}

/** `usageMetadata` for the given candidate and thought totals (running totals while streaming). */
export function geminiUsageMetadata(plan: GeminiResponsePlan, candidatesTokens: number, thoughtsTokens: number): object {
  const usage: Record<string, unknown> = { promptTokenCount: plan.promptTokens };
  if (plan.cachedTokens > 0) usage.cachedContentTokenCount = plan.cachedTokens;
  if (candidatesTokens > 0) usage.candidatesTokenCount = candidatesTokens;
  usage.totalTokenCount = plan.promptTokens + candidatesTokens + thoughtsTokens;
  usage.promptTokensDetails = plan.promptDetails.filter((detail) => detail.tokenCount > 0 || detail.modality === 'TEXT');
  if (plan.cachedTokens > 0) usage.cacheTokensDetails = [{ modality: 'TEXT', tokenCount: plan.cachedTokens }];
  if (thoughtsTokens > 0) usage.thoughtsTokenCount = thoughtsTokens;
  return usage;
}

export function functionCallPart(candidate: GeminiCandidatePlan): object | undefined {
  const toolUse = candidate.reply.toolUse;
  if (toolUse === undefined) return undefined;
  const functionCall = { name: toolUse.name, args: toolUse.input };
  return candidate.thoughtSignature === undefined ? { functionCall } : { functionCall, thoughtSignature: candidate.thoughtSignature };
}

/** A candidate object; a candidate without parts (thinking used every token) has `content: {role: "model"}`. */
export function candidateObject(parts: readonly object[], index: number, finishReason: string | undefined): object {
  const content = parts.length > 0 ? { parts, role: 'model' } : { role: 'model' };
  return finishReason === undefined ? { content, index } : { content, finishReason, index };
}

export function renderGeminiResponse(plan: GeminiResponsePlan): string {
  let candidatesTokens = 0;
  let thoughtsTokens = 0;
  const candidates = plan.candidates.map((candidate) => {
    candidatesTokens += candidate.reply.outputTokens;
    thoughtsTokens += candidate.thoughtsTokens;
    const parts: object[] = [];
    if (candidate.thoughtSummary !== undefined) parts.push({ text: candidate.thoughtSummary.tokens.join(''), thought: true });
    const call = functionCallPart(candidate);
    if (call !== undefined) parts.push(call);
    else if (candidate.reply.text.tokens.length > 0) parts.push({ text: candidate.reply.text.tokens.join('') });
    return candidateObject(parts, candidate.index, geminiFinishReason(candidate.reply));
  });
  return JSON.stringify({
    candidates,
    usageMetadata: geminiUsageMetadata(plan, candidatesTokens, thoughtsTokens),
    modelVersion: plan.modelVersion,
    responseId: plan.responseId,
  });
}
