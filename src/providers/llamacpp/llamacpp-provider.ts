import { openAICompatiblePreset } from '../openai-compatible/openai-compatible-preset.js';

export const llamaCppProvider = openAICompatiblePreset({ kind: 'llamacpp', baseUrl: 'http://127.0.0.1:8080/v1', requiresApiKey: false });
