import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../core/clock.js';
import type { EmbeddingCall } from '../../../core/embedding-call.js';
import { TollgateError } from '../../../core/errors.js';
import { createRequestContext } from '../../../core/request-context.js';
import type { Embedder } from './embedder.js';

export interface ProviderEmbedderOptions {
  /** Tollgate's own embeddings path (logical model → provider), metered into the ledger. */
  readonly embeddings: EmbeddingCall;
  /** The logical embeddings model, e.g. `text-embedding-3-small`. */
  readonly model: string;
  /** The vectors' length, checked on every answer. */
  readonly dimensions: number;
  readonly clock: Clock;
}

/**
 * An `Embedder` over any embeddings model Tollgate serves (OpenAI, Azure, Gemini, any
 * OpenAI-compatible server such as vLLM or Ollama). Each call is a metered request of its own,
 * attributed to the feature `semantic-cache` and to the key, team, org and user of the request
 * whose prompt it embeds (`onBehalfOf`), so what the cache costs shows in the ledger beside what
 * it saves, and in each tenant's spend. Vectors are L2-normalised here; a vector of the wrong length is an error (the
 * cache then misses), never silently compared.
 */
export function createProviderEmbedder(options: ProviderEmbedderOptions): Embedder {
  return {
    id: `provider:${options.model}:d${options.dimensions}`,
    dimensions: options.dimensions,
    async embed(texts, signal, onBehalfOf) {
      if (texts.length === 0) return [];
      const context = createRequestContext({
        requestId: randomUUID(),
        tags: {
          virtualKeyId: onBehalfOf?.virtualKeyId,
          org: onBehalfOf?.org,
          team: onBehalfOf?.team,
          user: onBehalfOf?.user,
          feature: 'semantic-cache',
          endpoint: 'semantic-cache',
        },
        logicalModel: options.model,
        clientFormat: 'openai',
        stream: false,
        receivedAt: options.clock.now(),
        receivedAtMonotonic: options.clock.monotonic(),
      });
      const response = await options.embeddings.embed({ body: { model: options.model, input: [...texts] }, rawBody: undefined, context, signal });
      const ordered = [...response.body.data].sort((left, right) => left.index - right.index);
      if (ordered.length !== texts.length) {
        throw new TollgateError({ code: 'TG_ERR_UPSTREAM_PROTOCOL', message: `embeddings model ${options.model} returned ${ordered.length} vectors for ${texts.length} texts` });
      }
      return ordered.map((item) => {
        if (!Array.isArray(item.embedding) || item.embedding.length !== options.dimensions) {
          throw new TollgateError({
            code: 'TG_ERR_UPSTREAM_PROTOCOL',
            message: `embeddings model ${options.model} returned a vector of ${Array.isArray(item.embedding) ? item.embedding.length : 'base64'} values; cache.semantic.embedder.dimensions is ${options.dimensions}`,
          });
        }
        const vector = Float32Array.from(item.embedding);
        let norm = 0;
        for (const value of vector) norm += value * value;
        norm = Math.sqrt(norm);
        if (norm > 0) for (let index = 0; index < vector.length; index += 1) vector[index] = (vector[index] as number) / norm;
        return vector;
      });
    },
  };
}
