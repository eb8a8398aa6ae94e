import type { RequestContext } from './request-context.js';
import type { MeasuredUsage } from './usage.js';

/** OpenAI `POST /v1/embeddings` body, the neutral embeddings request. Unknown fields pass through. */
export interface EmbeddingRequestBody {
  model: string;
  input: string | string[] | number[] | number[][];
  dimensions?: number;
  encoding_format?: 'float' | 'base64' | string;
  user?: string;
  [field: string]: unknown;
}

/** OpenAI's embeddings list object, as returned to the client. */
export interface EmbeddingResponseBody {
  object: 'list' | string;
  data: Array<{ object: 'embedding' | string; index: number; embedding: number[] | string }>;
  model: string;
  usage?: { prompt_tokens?: number; total_tokens?: number } | null;
  [field: string]: unknown;
}

export interface EmbeddingRequest {
  readonly body: EmbeddingRequestBody;
  /** The client's exact bytes while `body` is unchanged from them. */
  readonly rawBody: Uint8Array | undefined;
  readonly context: RequestContext;
  readonly signal: AbortSignal | undefined;
}

export interface EmbeddingResponse extends MeasuredUsage {
  readonly body: EmbeddingResponseBody;
  /** The upstream's exact bytes when they already are an OpenAI embeddings list. */
  readonly rawBody: Uint8Array | undefined;
  readonly upstreamModel: string;
}

/** What an adapter offers for embeddings; a stage wrapping it is again an `EmbeddingCall`. */
export interface EmbeddingCall {
  embed(request: EmbeddingRequest): Promise<EmbeddingResponse>;
}
