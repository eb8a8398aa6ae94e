import type { ProviderDefinition } from '../provider-definition.js';
import { createOpenAICompatibleAdapter } from './openai-compatible-adapter.js';
import { createOpenAICompatibleEmbeddings } from './openai-compatible-embeddings.js';

export interface OpenAICompatiblePreset {
  readonly kind: string;
  readonly baseUrl?: string;
  readonly pricingProviderId?: string;
  readonly requiresApiKey?: boolean;
  readonly supportsStreamUsage?: boolean;
}

/** A provider that speaks OpenAI's chat-completions API is a base URL and a pricing id away. */
export function openAICompatiblePreset(preset: OpenAICompatiblePreset): ProviderDefinition {
  return {
    kind: preset.kind,
    defaultBaseUrl: preset.baseUrl,
    pricingProviderId: preset.pricingProviderId,
    requiresApiKey: preset.requiresApiKey ?? true,
    create(options) {
      const baseUrl = options.baseUrl ?? preset.baseUrl;
      if (baseUrl === undefined) throw new Error(`provider "${options.providerId}" of kind "${preset.kind}" needs a base_url`);
      return createOpenAICompatibleAdapter({
        providerId: options.providerId,
        baseUrl,
        apiKey: options.apiKey,
        headers: options.headers,
        dispatcher: options.dispatcher,
        timeoutMs: options.timeoutMs,
        supportsStreamUsage: preset.supportsStreamUsage ?? true,
      });
    },
    createEmbeddings(options) {
      const baseUrl = options.baseUrl ?? preset.baseUrl;
      if (baseUrl === undefined) throw new Error(`provider "${options.providerId}" of kind "${preset.kind}" needs a base_url`);
      return createOpenAICompatibleEmbeddings({
        providerId: options.providerId,
        baseUrl,
        apiKey: options.apiKey,
        headers: options.headers,
        dispatcher: options.dispatcher,
        timeoutMs: options.timeoutMs,
      });
    },
  };
}

/** Any OpenAI-compatible server: the config must give `base_url`; no price is assumed. */
export const openAICompatibleProvider = openAICompatiblePreset({ kind: 'openai-compatible', requiresApiKey: false });
