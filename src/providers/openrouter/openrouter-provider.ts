import { openAICompatiblePreset } from '../openai-compatible/openai-compatible-preset.js';

export const openRouterProvider = openAICompatiblePreset({ kind: 'openrouter', baseUrl: 'https://openrouter.ai/api/v1', pricingProviderId: 'openrouter' });
