import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../core/stream-part.js';
import { usageOf } from '../core/usage.js';
import { createOpenAIChunkEncoder, toOpenAIUsage } from './openai-chunk-encoder.js';

const parts: StreamPart[] = [
  { type: 'stream-start', id: 'msg_01', model: 'claude-sonnet-4-5', created: 1_700_000_000 },
  { type: 'text-delta', choiceIndex: 0, text: 'Let me check.' },
  { type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 0, id: 'toolu_1', name: 'get_weather', argumentsDelta: '' },
  { type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: 0, id: undefined, name: undefined, argumentsDelta: '{"city":"Oslo"}' },
  { type: 'finish-reason', choiceIndex: 0, finishReason: 'tool-calls', rawFinishReason: 'tool_use' },
  { type: 'usage', usage: usageOf({ inputTokens: 10, cacheReadTokens: 90, cacheWrite5mTokens: 5, outputTokens: 20, reasoningTokens: 7 }), providerUsage: {} },
];

describe('createOpenAIChunkEncoder', () => {
  it('turns typed parts into OpenAI chunks an OpenAI client can reassemble', () => {
    const encoder = createOpenAIChunkEncoder({ includeUsage: true, fallbackModel: 'smart', created: 1 });
    const chunks = parts.map((part) => encoder.encode(part)).filter((chunk) => chunk !== undefined);
    expect(chunks).toHaveLength(5);
    expect(chunks[0]).toEqual({
      id: 'msg_01',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'claude-sonnet-4-5',
      choices: [{ index: 0, delta: { role: 'assistant', content: 'Let me check.' }, finish_reason: null }],
      usage: null,
    });
    expect(chunks[1]!.choices[0]!.delta).toEqual({ content: null, tool_calls: [{ index: 0, id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] });
    expect(chunks[2]!.choices[0]!.delta.tool_calls).toEqual([{ index: 0, function: { arguments: '{"city":"Oslo"}' } }]);
    expect(chunks[3]!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks[4]).toMatchObject({ choices: [], usage: { prompt_tokens: 105, completion_tokens: 27, total_tokens: 132 } });
  });

  it('leaves usage out entirely when the client did not ask for it', () => {
    const encoder = createOpenAIChunkEncoder({ includeUsage: false, fallbackModel: 'smart', created: 1 });
    const chunks = parts.map((part) => encoder.encode(part)).filter((chunk) => chunk !== undefined);
    expect(chunks).toHaveLength(4);
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
  });
});

describe('toOpenAIUsage', () => {
  it('folds cache reads and writes back into prompt_tokens and reasoning into completion_tokens', () => {
    expect(toOpenAIUsage(usageOf({ inputTokens: 86, cacheReadTokens: 1920, outputTokens: 162, reasoningTokens: 1024 }))).toEqual({
      prompt_tokens: 2006,
      completion_tokens: 1186,
      total_tokens: 3192,
      prompt_tokens_details: { cached_tokens: 1920 },
      completion_tokens_details: { reasoning_tokens: 1024 },
    });
  });
});
