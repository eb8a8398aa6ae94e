import type { ChatCompletionBody, ChatRequestBody } from './chat-request.js';
import type { MeasuredUsage } from './usage.js';
import type { StreamPart } from './stream-part.js';
import type { RequestContext } from './request-context.js';

/**
 * The one contract every pipeline stage and every provider adapter speaks. A stage is
 * `(next: ModelCall) => ModelCall`, so a wrapped call is again a call.
 *
 * - `generate` resolves with the whole answer.
 * - `stream` resolves once the upstream has accepted the request (so a failure before the first
 *   byte rejects the promise and can still be retried or failed over), then yields typed parts.
 *   Failures after that arrive as an `error` part; the iterable never ends silently after one.
 */
export interface ModelCall {
  generate(request: ModelRequest): Promise<ModelResponse>;
  stream(request: ModelRequest): Promise<ModelStream>;
}

export interface ModelRequest {
  /** OpenAI-shaped body. `model` is the logical name at the edge and the upstream model at the adapter. */
  readonly body: ChatRequestBody;
  /**
   * The client's exact bytes, while `body` is unchanged from them. A stage that changes `body`
   * must drop this; an adapter may forward these bytes instead of re-serialising.
   */
  readonly rawBody: Uint8Array | undefined;
  readonly context: RequestContext;
  readonly signal: AbortSignal | undefined;
}

/** Where a call goes: a provider (by configured id) and the model name it knows. */
export interface Deployment {
  readonly providerId: string;
  /** The provider's adapter kind, e.g. `openai` or `openai-compatible`. */
  readonly providerKind: string;
  readonly upstreamModel: string;
}

export interface ModelResponse extends MeasuredUsage {
  /** OpenAI-shaped `chat.completion`. */
  readonly body: ChatCompletionBody;
  /** The upstream's exact bytes when they already are an OpenAI `chat.completion`; written as-is. */
  readonly rawBody: Uint8Array | undefined;
  readonly upstreamModel: string;
}

export interface ModelStream extends AsyncIterable<StreamPart> {
  /**
   * The stream's native wire format when its parts carry it (`raw` parts), so the edge can pass
   * bytes straight through instead of re-encoding typed parts.
   */
  readonly wireFormat: 'openai-chat' | undefined;
}

/** Applies `change` to a request's body, dropping the raw bytes that no longer match. */
export function withBody(request: ModelRequest, body: ChatRequestBody): ModelRequest {
  return { ...request, body, rawBody: undefined };
}

export type { ChatCompletionBody, ChatRequestBody };
