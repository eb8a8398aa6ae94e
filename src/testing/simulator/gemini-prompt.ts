/**
 * Prompt-token counting for Gemini requests.
 *
 * Gemini's tokenizer is not public, so counts come from gpt-tokenizer (o200k_base) as an
 * approximation, with no per-turn overhead: the prompt is the system instruction's parts,
 * then the function declarations as JSON, then every part of every content (text as is,
 * `functionCall` as name + args JSON, `functionResponse` as name + response JSON, earlier
 * thought parts 0 tokens, inline or file data a flat 258 tokens, Google's price of an image).
 * Token ids are kept in that order for the implicit-cache prefix tracker.
 */
import type { CachedEncoder } from './cached-encoder.js';
import { isRecord } from './chat-request.js';
import { readField, type GeminiContent, type GeminiFunctionDeclaration } from './gemini-request.js';

export interface GeminiModalityCount {
  readonly modality: string;
  readonly tokenCount: number;
}

export interface GeminiPrompt {
  /** Token ids of the text parts, in prompt order (non-text parts excluded). */
  readonly tokenIds: readonly number[];
  readonly totalTokens: number;
  /** `promptTokensDetails`: TEXT, plus IMAGE/AUDIO/VIDEO/DOCUMENT for data parts. */
  readonly details: readonly GeminiModalityCount[];
}

export interface GeminiPromptInput {
  readonly contents: readonly GeminiContent[];
  readonly systemInstruction: GeminiContent | undefined;
  readonly functionDeclarations: readonly GeminiFunctionDeclaration[];
}

export type GeminiPromptTokenizer = (input: GeminiPromptInput) => GeminiPrompt;

const dataPartTokens = 258;

export function createGeminiPromptTokenizer(encodeCached: CachedEncoder): GeminiPromptTokenizer {
  return function tokenizeGeminiPrompt(input) {
    const tokenIds: number[] = [];
    const dataTokens = new Map<string, number>();
    const appendText = (text: string): void => {
      for (const id of encodeCached(text)) tokenIds.push(id);
    };
    const appendPart = (part: Readonly<Record<string, unknown>>): void => {
      if (part.thought === true) return;
      if (typeof part.text === 'string') return appendText(part.text);
      const call = readField(part, 'functionCall');
      if (isRecord(call)) return appendText(`${String(call.name ?? '')}${JSON.stringify(call.args ?? {})}`);
      const reply = readField(part, 'functionResponse');
      if (isRecord(reply)) return appendText(`${String(reply.name ?? '')}${JSON.stringify(reply.response ?? {})}`);
      const data = readField(part, 'inlineData') ?? readField(part, 'fileData');
      if (isRecord(data)) {
        const modality = modalityOf(readField(data, 'mimeType'));
        dataTokens.set(modality, (dataTokens.get(modality) ?? 0) + dataPartTokens);
        return;
      }
      appendText(JSON.stringify(part));
    };
    for (const part of input.systemInstruction?.parts ?? []) appendPart(part);
    if (input.functionDeclarations.length > 0) appendText(JSON.stringify(input.functionDeclarations.map((declaration) => declaration.raw)));
    for (const content of input.contents) for (const part of content.parts) appendPart(part);
    let totalTokens = tokenIds.length;
    const details: GeminiModalityCount[] = [{ modality: 'TEXT', tokenCount: tokenIds.length }];
    for (const [modality, tokenCount] of dataTokens) {
      details.push({ modality, tokenCount });
      totalTokens += tokenCount;
    }
    return { tokenIds, totalTokens, details };
  };
}

function modalityOf(mimeType: unknown): string {
  const type = typeof mimeType === 'string' ? mimeType : '';
  if (type.startsWith('audio/')) return 'AUDIO';
  if (type.startsWith('video/')) return 'VIDEO';
  if (type.startsWith('image/')) return 'IMAGE';
  return 'DOCUMENT';
}
