import type { FinishReason } from '../../core/stream-part.js';

/**
 * Gemini finish reasons that mean "a filter stopped the output" (safety, recitation, block lists,
 * prohibited content, sensitive personal data, and their image counterparts).
 * Enum: https://ai.google.dev/api/generate-content#FinishReason
 */
const contentFilterReasons: ReadonlySet<string> = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * The neutral finish reason of a Gemini candidate. Gemini says `STOP` when it stops to call a
 * function, so a candidate that carries function calls (and was not cut or filtered) is `tool-calls`.
 * Anything else (`OTHER`, `MALFORMED_FUNCTION_CALL`, `LANGUAGE`, values added later) is `other`;
 * the caller keeps the raw value beside it.
 */
export function neutralGeminiFinishReason(rawFinishReason: string, hasFunctionCalls: boolean): FinishReason {
  if (contentFilterReasons.has(rawFinishReason)) return 'content-filter';
  if (rawFinishReason === 'MAX_TOKENS') return 'length';
  if (hasFunctionCalls) return 'tool-calls';
  if (rawFinishReason === 'STOP') return 'stop';
  return 'other';
}

/**
 * OpenAI's `finish_reason` for a Gemini candidate. OpenAI has no "other", so reasons with no
 * OpenAI counterpart become `stop` (the raw value is kept in `native_finish_reason`).
 */
export function openAIFinishReasonFromGemini(rawFinishReason: string, hasFunctionCalls: boolean): string {
  switch (neutralGeminiFinishReason(rawFinishReason, hasFunctionCalls)) {
    case 'content-filter':
      return 'content_filter';
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    default:
      return 'stop';
  }
}
