import type { Dispatcher } from 'undici';
import type { Clock } from '../core/clock.js';
import type { EmbeddingCall } from '../core/embedding-call.js';
import type { ModelCall } from '../core/model-call.js';

/** What the composition root passes to build one configured provider. */
export interface ProviderBuildOptions {
  readonly providerId: string;
  readonly baseUrl: string | undefined;
  readonly apiKey: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number | undefined;
  readonly dispatcher: Dispatcher;
  readonly clock: Clock;
  /** Provider-specific settings from the config (e.g. Azure's `api_version`), validated by the adapter. */
  readonly settings: Readonly<Record<string, string>>;
}

/** One provider kind: how to build its adapter, and what the pricing library calls it. */
export interface ProviderDefinition {
  readonly kind: string;
  /** Used when the config gives no `base_url`; `undefined` means the config must give one. */
  readonly defaultBaseUrl: string | undefined;
  /** The provider id in `@pydantic/genai-prices`, or `undefined` when it has none (self-hosted). */
  readonly pricingProviderId: string | undefined;
  readonly requiresApiKey: boolean;
  create(options: ProviderBuildOptions): ModelCall;
  /** Builds the provider's embeddings call; absent when the provider serves no embeddings. */
  createEmbeddings?(options: ProviderBuildOptions): EmbeddingCall;
}
