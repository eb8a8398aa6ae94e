import { anthropicProvider } from './anthropic/anthropic-provider.js';
import { azureProvider } from './azure/azure-provider.js';
import { deepSeekProvider } from './deepseek/deepseek-provider.js';
import { fireworksProvider } from './fireworks/fireworks-provider.js';
import { geminiProvider } from './gemini/gemini-provider.js';
import { groqProvider } from './groq/groq-provider.js';
import { llamaCppProvider } from './llamacpp/llamacpp-provider.js';
import { mistralProvider } from './mistral/mistral-provider.js';
import { ollamaProvider } from './ollama/ollama-provider.js';
import { openAICompatibleProvider } from './openai-compatible/openai-compatible-preset.js';
import { openAIProvider } from './openai/openai-provider.js';
import { openRouterProvider } from './openrouter/openrouter-provider.js';
import type { ProviderDefinition } from './provider-definition.js';
import { togetherProvider } from './together/together-provider.js';
import { vllmProvider } from './vllm/vllm-provider.js';

/** Every provider kind a config may name. Adding a provider is one folder and one line here. */
export const providerDefinitions: ReadonlyMap<string, ProviderDefinition> = new Map(
  [
    openAIProvider,
    anthropicProvider,
    geminiProvider,
    openAICompatibleProvider,
    azureProvider,
    groqProvider,
    togetherProvider,
    deepSeekProvider,
    openRouterProvider,
    mistralProvider,
    fireworksProvider,
    ollamaProvider,
    vllmProvider,
    llamaCppProvider,
  ].map((definition) => [definition.kind, definition]),
);
