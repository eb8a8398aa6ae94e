import { openAICompatiblePreset } from '../openai-compatible/openai-compatible-preset.js';

export const togetherProvider = openAICompatiblePreset({ kind: 'together', baseUrl: 'https://api.together.xyz/v1', pricingProviderId: 'together' });
