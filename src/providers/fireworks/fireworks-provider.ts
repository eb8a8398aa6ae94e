import { openAICompatiblePreset } from '../openai-compatible/openai-compatible-preset.js';

export const fireworksProvider = openAICompatiblePreset({ kind: 'fireworks', baseUrl: 'https://api.fireworks.ai/inference/v1', pricingProviderId: 'fireworks' });
