import type { RequestTags } from '../../../core/request-context.js';

/**
 * Turns prompt texts into vectors for the semantic cache.
 *
 * The contract:
 * - `embed` returns one vector per text, in order, each of length `dimensions`.
 * - Vectors are unit-normalised (L2 norm 1), so the cosine similarity of two vectors is their dot
 *   product. A text with nothing to embed (empty, or only punctuation) may return the zero vector,
 *   which is similar to nothing, itself included.
 * - `id` names the vector space: the model or algorithm and every parameter that changes the
 *   vectors. Vectors are compared only with vectors of the same `id`; a cache persisting vectors
 *   stores the `id` beside them and drops them when it changes.
 * - `signal` aborts a pending `embed`; the promise then rejects with the signal's reason.
 * - `onBehalfOf` names the request the texts come from; an embedder whose calls cost money (a
 *   provider model) attributes them to that request's key, team, org and user. Local embedders
 *   ignore it.
 */
export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  embed(texts: readonly string[], signal?: AbortSignal, onBehalfOf?: RequestTags): Promise<Float32Array[]>;
}
