import type { FinishReason } from '../../core/stream-part.js';
import { anthropicStopReasons, type AnthropicStopReason } from './anthropic-wire-types.js';

export interface AnthropicStop {
  readonly stopReason: AnthropicStopReason | null;
  readonly stopSequence: string | null;
}

/**
 * The Anthropic `stop_reason` for a finish. A raw reason that already is Anthropic's (from an
 * Anthropic upstream: `pause_turn`, `stop_sequence`, …) is kept; otherwise the normalised one maps
 * stop→end_turn, length→max_tokens, tool-calls→tool_use, content-filter→refusal.
 *
 * OpenAI says only "stop" when a stop sequence ended the answer, so a hit is detectable only when
 * the upstream names the sequence (`matched`, e.g. vLLM's `stop_reason`) or says `stop_sequence`
 * while exactly one sequence was requested.
 */
export function toAnthropicStop(
  finishReason: FinishReason | undefined,
  rawFinishReason: string | undefined,
  matched: string | undefined,
  requestedStopSequences: readonly string[] | undefined,
): AnthropicStop {
  const requested = requestedStopSequences ?? [];
  if (matched !== undefined && requested.includes(matched) && (finishReason === 'stop' || rawFinishReason === 'stop_sequence')) {
    return { stopReason: 'stop_sequence', stopSequence: matched };
  }
  if (rawFinishReason !== undefined && anthropicStopReasons.has(rawFinishReason)) {
    const stopSequence = rawFinishReason === 'stop_sequence' && requested.length === 1 ? (requested[0] ?? null) : null;
    return { stopReason: rawFinishReason as AnthropicStopReason, stopSequence };
  }
  return { stopReason: finishReason === undefined ? null : byFinishReason[finishReason], stopSequence: null };
}

const byFinishReason: Record<FinishReason, AnthropicStopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  'tool-calls': 'tool_use',
  'content-filter': 'refusal',
  error: 'end_turn',
  other: 'end_turn',
};

/** The normalised finish reason for an OpenAI `finish_reason` (non-streaming bodies carry only that). */
export function finishReasonOfOpenAI(value: string | null | undefined): FinishReason | undefined {
  switch (value) {
    case null:
    case undefined:
      return undefined;
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}
