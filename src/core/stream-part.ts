import type { TollgateError } from './errors.js';
import type { MeasuredUsage } from './usage.js';

/**
 * A stream is a sequence of typed parts. SSE text exists only at the edges: adapters parse it,
 * the server encodes it. When an adapter's native format is the one the client speaks, it also
 * emits `raw` parts holding the exact upstream event, and the edge writes those instead.
 */
export type StreamPart =
  | StreamStartPart
  | TextDeltaPart
  | ReasoningDeltaPart
  | ToolCallDeltaPart
  | FinishReasonPart
  | UsagePart
  | RawPart
  | ErrorPart;

export interface StreamStartPart {
  readonly type: 'stream-start';
  readonly id: string;
  readonly model: string;
  readonly created: number;
}

export interface TextDeltaPart {
  readonly type: 'text-delta';
  readonly choiceIndex: number;
  readonly text: string;
}

export interface ReasoningDeltaPart {
  readonly type: 'reasoning-delta';
  readonly choiceIndex: number;
  readonly text: string;
}

export interface ToolCallDeltaPart {
  readonly type: 'tool-call-delta';
  readonly choiceIndex: number;
  readonly toolCallIndex: number;
  readonly id: string | undefined;
  readonly name: string | undefined;
  readonly argumentsDelta: string;
}

/** Normalised finish reasons; the provider's own value is kept in `rawFinishReason`. */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

export interface FinishReasonPart {
  readonly type: 'finish-reason';
  readonly choiceIndex: number;
  readonly finishReason: FinishReason;
  readonly rawFinishReason: string;
}

export interface UsagePart extends MeasuredUsage {
  readonly type: 'usage';
}

/** One upstream event, verbatim (for OpenAI: the JSON after `data: `, or `[DONE]`). */
export interface RawPart {
  readonly type: 'raw';
  readonly format: 'openai-chat';
  readonly data: string;
  /**
   * True for the usage-only chunk that exists because Tollgate always asks for usage upstream;
   * the edge drops it when the client did not ask for `stream_options.include_usage`.
   */
  readonly usageOnly: boolean;
}

/** A failure after the stream started. Always the last part. */
export interface ErrorPart {
  readonly type: 'error';
  readonly error: TollgateError;
}
