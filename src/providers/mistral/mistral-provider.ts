import { openAICompatiblePreset } from '../openai-compatible/openai-compatible-preset.js';

export const mistralProvider = openAICompatiblePreset({ kind: 'mistral', baseUrl: 'https://api.mistral.ai/v1', pricingProviderId: 'mistral' });
