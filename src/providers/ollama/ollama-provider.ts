import { openAICompatiblePreset } from '../openai-compatible/openai-compatible-preset.js';

export const ollamaProvider = openAICompatiblePreset({ kind: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', requiresApiKey: false });
