import { openAICompatiblePreset } from '../openai-compatible/openai-compatible-preset.js';

export const groqProvider = openAICompatiblePreset({ kind: 'groq', baseUrl: 'https://api.groq.com/openai/v1', pricingProviderId: 'groq' });
