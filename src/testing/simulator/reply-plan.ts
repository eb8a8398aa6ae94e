/**
 * Decides what an Anthropic or Gemini reply says, independent of the wire format: either a
 * tool call whose input satisfies the tool's schema, or text (pooled sentences, JSON for a
 * JSON format, or one enum value), cut at the first stop sequence and then at the visible
 * token cap. Thinking text comes from `planThinking`. Everything is derived from a seed
 * (the request's, else a hash of the conversation) and the candidate index, so equal
 * requests get equal replies. Rendering lives in the anthropic-messages-* and gemini-generate-* files.
 */
import type { JsonSchema } from './chat-request.js';
import { generateValueForSchema, type JsonValue } from './schema-value.js';
import { createSeededRandom, hashInteger, type SeededRandom } from './seeded-random.js';
import { tokenizeText, type TextGenerator, type TextLengthBounds, type TokenizedText } from './text-generator.js';

export interface ReplyTool {
  readonly name: string;
  /** JSON Schema of the input (Gemini OpenAPI schemas are normalized first). */
  readonly schema: JsonSchema;
}

export type ReplyFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | { readonly type: 'json_schema'; readonly schema: JsonSchema }
  | { readonly type: 'enum'; readonly values: readonly string[] };

export interface ReplyRequest {
  readonly seed: number;
  /** Candidate index (Gemini `candidateCount`); 0 otherwise. */
  readonly index: number;
  /** The tool to call, already chosen by the wire format's policy; `undefined` answers text. */
  readonly tool: ReplyTool | undefined;
  readonly format: ReplyFormat;
  /** Visible output tokens allowed after thinking; `undefined` means no cap. */
  readonly maxVisibleTokens: number | undefined;
  readonly stopSequences: readonly string[];
}

export interface PlannedToolUse {
  readonly name: string;
  readonly input: JsonValue;
  /** The input as JSON text, as its tokens (streamed in several deltas). */
  readonly inputTokens: TokenizedText;
}

export interface PlannedReply {
  /** Visible text; empty for a tool call. */
  readonly text: TokenizedText;
  readonly toolUse: PlannedToolUse | undefined;
  readonly stop: 'end' | 'max_tokens' | 'stop_sequence' | 'tool_use';
  /** The stop sequence that ended the text, when `stop` is `stop_sequence`. */
  readonly stopSequence: string | undefined;
  /** Visible output tokens: the text's, or the tool name's plus its input's. */
  readonly outputTokens: number;
}

export function planReply(request: ReplyRequest, textGenerator: TextGenerator): PlannedReply {
  const random = createSeededRandom(hashInteger(request.index, hashInteger(request.seed)));
  const { tool } = request;
  if (tool !== undefined) {
    const input = generateValueForSchema(tool.schema, random);
    const inputTokens = tokenizeText(JSON.stringify(input));
    const outputTokens = tokenizeText(tool.name).tokens.length + inputTokens.tokens.length;
    return { text: { tokens: [] }, toolUse: { name: tool.name, input, inputTokens }, stop: 'tool_use', stopSequence: undefined, outputTokens };
  }
  let text = generateText(request.format, textGenerator, random);
  let stop: PlannedReply['stop'] = 'end';
  const cut = firstStopSequence(text.tokens.join(''), request.stopSequences);
  let stopSequence: string | undefined;
  if (cut !== undefined) {
    text = tokenizeText(cut.text);
    stop = 'stop_sequence';
    stopSequence = cut.sequence;
  }
  const cap = request.maxVisibleTokens;
  if (cap !== undefined && text.tokens.length > cap) {
    text = { tokens: text.tokens.slice(0, Math.max(0, cap)) };
    stop = 'max_tokens';
    stopSequence = undefined;
  }
  return { text, toolUse: undefined, stop, stopSequence, outputTokens: text.tokens.length };
}

/** Thinking text for a request, from its own random stream so it never shifts the answer. */
export function planThinking(seed: number, index: number, bounds: TextLengthBounds, textGenerator: TextGenerator): TokenizedText {
  if (bounds.maximumTokens <= 0) return { tokens: [] };
  const random = createSeededRandom(hashInteger(0x7419, hashInteger(index, hashInteger(seed))));
  const generated = textGenerator.generate(random, { minimumTokens: Math.min(bounds.minimumTokens, bounds.maximumTokens), maximumTokens: bounds.maximumTokens });
  return generated.tokens.length > bounds.maximumTokens ? { tokens: generated.tokens.slice(0, bounds.maximumTokens) } : generated;
}

/** A deterministic opaque signature (Anthropic thinking `signature`, Gemini `thoughtSignature`). */
export function thinkingSignature(seed: number, index: number, byteLength = 96): string {
  const random = createSeededRandom(hashInteger(0x5167, hashInteger(index, hashInteger(seed))));
  const bytes = Buffer.alloc(byteLength);
  for (let position = 0; position < byteLength; position++) bytes[position] = Math.floor(random.next() * 256);
  return bytes.toString('base64');
}

function generateText(format: ReplyFormat, textGenerator: TextGenerator, random: SeededRandom): TokenizedText {
  switch (format.type) {
    case 'json_schema':
      return tokenizeText(JSON.stringify(generateValueForSchema(format.schema, random)));
    case 'json_object': {
      const topics = [textGenerator.sentence(random), textGenerator.sentence(random)];
      const answer = { answer: textGenerator.sentence(random), confidence: Math.round(random.next() * 100) / 100, topics };
      return tokenizeText(JSON.stringify(answer));
    }
    case 'enum':
      return tokenizeText(format.values.length > 0 ? random.pick(format.values) : '');
    case 'text':
      return textGenerator.generate(random, { minimumTokens: 20, maximumTokens: 200 });
  }
}

function firstStopSequence(text: string, stopSequences: readonly string[]): { text: string; sequence: string } | undefined {
  let best: { text: string; sequence: string } | undefined;
  let bestIndex = Number.POSITIVE_INFINITY;
  for (const sequence of stopSequences) {
    if (sequence === '') continue;
    const index = text.indexOf(sequence);
    if (index !== -1 && index < bestIndex) {
      bestIndex = index;
      best = { text: text.slice(0, index), sequence };
    }
  }
  return best;
}
