import { openAICompatiblePreset } from '../openai-compatible/openai-compatible-preset.js';

export const vllmProvider = openAICompatiblePreset({ kind: 'vllm', baseUrl: 'http://127.0.0.1:8000/v1', requiresApiKey: false });
