import { openAICompatiblePreset } from '../openai-compatible/openai-compatible-preset.js';

export const deepSeekProvider = openAICompatiblePreset({ kind: 'deepseek', baseUrl: 'https://api.deepseek.com/v1', pricingProviderId: 'deepseek' });
