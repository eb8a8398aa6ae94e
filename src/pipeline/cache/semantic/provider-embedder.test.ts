import { describe, expect, it } from 'vitest';
import type { EmbeddingCall, EmbeddingRequest } from '../../../core/embedding-call.js';
import { createProviderEmbedder } from './provider-embedder.js';

const clock = { now: () => 1_750_000_000_000, monotonic: () => 0 };

function embeddingsAnswering(vectors: number[][], seen: EmbeddingRequest[] = []): EmbeddingCall {
  return {
    async embed(request) {
      seen.push(request);
      // Out of order on purpose: the embedder must sort by index.
      const data = vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })).reverse();
      return { body: { object: 'list', data, model: 'text-embedding-3-small' }, rawBody: undefined, upstreamModel: 'text-embedding-3-small', usage: { inputTokens: 3, cacheReadTokens: undefined, cacheWrite5mTokens: undefined, cacheWrite1hTokens: undefined, outputTokens: undefined, reasoningTokens: undefined }, providerUsage: undefined };
    },
  };
}

describe('provider embedder', () => {
  it('asks the configured model through Tollgate, attributed to the semantic cache, and returns unit vectors in order', async () => {
    const seen: EmbeddingRequest[] = [];
    const embedder = createProviderEmbedder({ embeddings: embeddingsAnswering([[3, 4, 0], [0, 0, 2]], seen), model: 'embedder', dimensions: 3, clock });
    const [first, second] = await embedder.embed(['a', 'b']);
    expect([...(first as Float32Array)]).toEqual([0.6000000238418579, 0.800000011920929, 0]);
    expect([...(second as Float32Array)]).toEqual([0, 0, 1]);
    expect(seen[0]?.body).toEqual({ model: 'embedder', input: ['a', 'b'] });
    expect(seen[0]?.context.tags).toMatchObject({ feature: 'semantic-cache', endpoint: 'semantic-cache' });
    expect(embedder.id).toBe('provider:embedder:d3');
  });

  it('refuses vectors of the wrong length or count instead of comparing them', async () => {
    await expect(createProviderEmbedder({ embeddings: embeddingsAnswering([[1, 2]]), model: 'embedder', dimensions: 3, clock }).embed(['a'])).rejects.toThrow(/dimensions is 3/);
    await expect(createProviderEmbedder({ embeddings: embeddingsAnswering([[1, 2, 3]]), model: 'embedder', dimensions: 3, clock }).embed(['a', 'b'])).rejects.toThrow(/1 vectors for 2 texts/);
  });
});
