import type { ProviderDefinition } from '../provider-definition.js';
import { createAnthropicAdapter } from './anthropic-adapter.js';

const defaultBaseUrl = 'https://api.anthropic.com';

/** Anthropic's Messages API. Prices come from `@pydantic/genai-prices` under the id `anthropic`. */
export const anthropicProvider: ProviderDefinition = {
  kind: 'anthropic',
  defaultBaseUrl,
  pricingProviderId: 'anthropic',
  requiresApiKey: true,
  create(options) {
    const unknownSettings = Object.keys(options.settings);
    if (unknownSettings.length > 0) {
      throw new Error(`provider "${options.providerId}" of kind "anthropic" takes no settings; remove: ${unknownSettings.join(', ')}`);
    }
    return createAnthropicAdapter({
      providerId: options.providerId,
      baseUrl: options.baseUrl ?? defaultBaseUrl,
      apiKey: options.apiKey,
      headers: options.headers,
      dispatcher: options.dispatcher,
      clock: options.clock,
      timeoutMs: options.timeoutMs,
    });
  },
};
