import type { SemanticEmbedderSettings } from '../config/cache-schema.js';
import type { Clock } from '../core/clock.js';
import type { EmbeddingCall } from '../core/embedding-call.js';
import type { Embedder } from '../pipeline/cache/semantic/embedder.js';
import { createHashedNgramEmbedder } from '../pipeline/cache/semantic/hashed-ngram-embedder.js';
import { createOnnxEmbedder } from '../pipeline/cache/semantic/onnx-embedder.js';
import { createProviderEmbedder } from '../pipeline/cache/semantic/provider-embedder.js';

/**
 * The semantic cache's embedder per `cache.semantic.embedder`: the built-in one when left out, an
 * embeddings model through Tollgate's own providers (metered), or a local ONNX model folder
 * (read now, so a missing file fails at start; the model itself loads on the first lookup).
 */
export function buildSemanticEmbedder(settings: SemanticEmbedderSettings | undefined, embeddings: EmbeddingCall, clock: Clock): Embedder {
  if (settings === undefined) return createHashedNgramEmbedder();
  if (settings.kind === 'provider') return createProviderEmbedder({ embeddings, model: settings.model, dimensions: settings.dimensions, clock });
  try {
    return createOnnxEmbedder({
      folder: settings.folder,
      ...(settings.maxTokens === undefined ? {} : { maxTokens: settings.maxTokens }),
      ...(settings.dimensions === undefined ? {} : { dimensions: settings.dimensions }),
    });
  } catch (error) {
    throw new Error(`cache.semantic.embedder.onnx: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The logical models an embedder setting calls through the gateway (none for local ones). */
export function embedderModels(settings: SemanticEmbedderSettings | undefined): string[] {
  return settings?.kind === 'provider' ? [settings.model] : [];
}
