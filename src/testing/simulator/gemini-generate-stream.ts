/**
 * Renders a planned Gemini reply as `streamGenerateContent` chunks, each a complete
 * `GenerateContentResponse`: thought-summary pieces, then text pieces of `tokensPerChunk`
 * tokens (a function call arrives whole, in one chunk). Every chunk carries `usageMetadata`
 * with running totals, `modelVersion` and `responseId`; each candidate's last chunk carries
 * its `finishReason`, and the final chunk the final usage. Candidates interleave round-robin.
 *
 * Framing: with `?alt=sse` each chunk is `data: {…}\r\n\r\n` (no `[DONE]`, as Google sends
 * it); without, the chunks form one JSON array, as the API answers a plain stream request.
 */
import type { StreamFrame } from './chat-completion-stream.js';
import { candidateObject, functionCallPart, geminiFinishReason, geminiUsageMetadata, type GeminiCandidatePlan, type GeminiResponsePlan } from './gemini-generate-body.js';

export type GeminiStreamFraming = 'sse' | 'json-array';

interface CandidateDelta {
  readonly index: number;
  readonly parts: readonly object[];
  readonly outputTokens: number;
  finishReason: string | undefined;
}

export function renderGeminiStream(plan: GeminiResponsePlan, tokensPerChunk: number, framing: GeminiStreamFraming): StreamFrame[] {
  const chunkSize = Math.max(1, tokensPerChunk);
  const perCandidate = plan.candidates.map((candidate) => candidateDeltas(candidate, chunkSize));
  const thoughtsTokens = plan.candidates.reduce((sum, candidate) => sum + candidate.thoughtsTokens, 0);
  const ordered: CandidateDelta[] = [];
  const longest = Math.max(0, ...perCandidate.map((list) => list.length));
  for (let position = 0; position < longest; position++) {
    for (const list of perCandidate) {
      const delta = list[position];
      if (delta !== undefined) ordered.push(delta);
    }
  }
  let candidatesTokens = 0;
  const frames: StreamFrame[] = [];
  for (const [position, delta] of ordered.entries()) {
    candidatesTokens += delta.outputTokens;
    const json = JSON.stringify({
      candidates: [candidateObject(delta.parts, delta.index, delta.finishReason)],
      usageMetadata: geminiUsageMetadata(plan, candidatesTokens, thoughtsTokens),
      modelVersion: plan.modelVersion,
      responseId: plan.responseId,
    });
    frames.push({ text: frame(json, position, ordered.length, framing), outputTokens: delta.outputTokens });
  }
  return frames;
}

function frame(json: string, position: number, count: number, framing: GeminiStreamFraming): string {
  if (framing === 'sse') return `data: ${json}\r\n\r\n`;
  const opening = position === 0 ? '[' : ',\r\n';
  return position === count - 1 ? `${opening}${json}]` : `${opening}${json}`;
}

function candidateDeltas(candidate: GeminiCandidatePlan, chunkSize: number): CandidateDelta[] {
  const { index, reply } = candidate;
  const deltas: CandidateDelta[] = [];
  const summary = candidate.thoughtSummary?.tokens ?? [];
  for (let start = 0; start < summary.length; start += chunkSize) {
    deltas.push({ index, parts: [{ text: summary.slice(start, start + chunkSize).join(''), thought: true }], outputTokens: 0, finishReason: undefined });
  }
  const call = functionCallPart(candidate);
  if (call !== undefined) {
    deltas.push({ index, parts: [call], outputTokens: reply.outputTokens, finishReason: undefined });
  } else {
    const { tokens } = reply.text;
    for (let start = 0; start < tokens.length; start += chunkSize) {
      deltas.push({ index, parts: [{ text: tokens.slice(start, start + chunkSize).join('') }], outputTokens: Math.min(chunkSize, tokens.length - start), finishReason: undefined });
    }
  }
  const last = deltas[deltas.length - 1];
  if (last === undefined) deltas.push({ index, parts: [{ text: '' }], outputTokens: 0, finishReason: geminiFinishReason(reply) });
  else last.finishReason = geminiFinishReason(reply);
  return deltas;
}
