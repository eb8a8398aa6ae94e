import { openAICompatiblePreset } from '../openai-compatible/openai-compatible-preset.js';

export const openAIProvider = openAICompatiblePreset({ kind: 'openai', baseUrl: 'https://api.openai.com/v1', pricingProviderId: 'openai' });
