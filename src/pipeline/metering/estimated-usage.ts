import { encode } from 'gpt-tokenizer';
import type { ModelRequest } from '../../core/model-call.js';
import type { MeasuredUsage } from '../../core/usage.js';
import { estimateInputTokens } from '../../pricing/estimate-input-tokens.js';

/** The marker an estimated usage carries as its provider usage, so the ledger can say so. */
export const ESTIMATED_USAGE_MARKER = Object.freeze({ tollgate_estimated: true });

/** Past this many characters the streamed text is counted at 4 characters per token instead of tokenised. */
const MAX_TOKENISED_CHARACTERS = 1_000_000;

export interface ProducedText {
  add(text: string): void;
  /** Tokens in what was added (o200k_base; an estimate for other tokenizers). */
  tokens(): number;
}

/** Collects what a stream produced, bounded: the first million characters are kept for tokenising. */
export function createProducedText(): ProducedText {
  const kept: string[] = [];
  let keptCharacters = 0;
  let overflowCharacters = 0;
  return {
    add(text) {
      if (text === '') return;
      if (keptCharacters + text.length <= MAX_TOKENISED_CHARACTERS) {
        kept.push(text);
        keptCharacters += text.length;
      } else {
        overflowCharacters += text.length;
      }
    },
    tokens() {
      const tokenised = keptCharacters === 0 ? 0 : encode(kept.join('')).length;
      return tokenised + Math.ceil(overflowCharacters / 4);
    },
  };
}

/** Usage for an attempt whose stream ended before the provider said: counted prompt + produced output. */
export function estimatedUsage(request: ModelRequest, outputTokens: number): MeasuredUsage {
  return {
    usage: {
      inputTokens: estimateInputTokens(request.body),
      cacheReadTokens: undefined,
      cacheWrite5mTokens: undefined,
      cacheWrite1hTokens: undefined,
      outputTokens,
      reasoningTokens: undefined,
    },
    providerUsage: ESTIMATED_USAGE_MARKER,
  };
}
