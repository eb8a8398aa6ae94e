import type { ProviderDefinition } from '../provider-definition.js';
import { createGeminiAdapter } from './gemini-adapter.js';
import { createGeminiEmbeddings } from './gemini-embeddings.js';

const geminiBaseUrl = 'https://generativelanguage.googleapis.com/v1beta';

/** Google AI's Gemini API (API-key auth). Prices come from `@pydantic/genai-prices` provider `google`. */
export const geminiProvider: ProviderDefinition = {
  kind: 'gemini',
  defaultBaseUrl: geminiBaseUrl,
  pricingProviderId: 'google',
  requiresApiKey: true,
  create(options) {
    return createGeminiAdapter({
      providerId: options.providerId,
      baseUrl: options.baseUrl ?? geminiBaseUrl,
      apiKey: options.apiKey,
      headers: options.headers,
      dispatcher: options.dispatcher,
      clock: options.clock,
      timeoutMs: options.timeoutMs,
    });
  },
  createEmbeddings(options) {
    return createGeminiEmbeddings({
      providerId: options.providerId,
      baseUrl: options.baseUrl ?? geminiBaseUrl,
      apiKey: options.apiKey,
      headers: options.headers,
      dispatcher: options.dispatcher,
      timeoutMs: options.timeoutMs,
    });
  },
};
