import { describe, expect, it } from 'vitest';
import { usageOf } from '../../core/usage.js';
import { mapAnthropicStopReason, toChatCompletion } from './anthropic-response.js';
import type { AnthropicMessage } from './anthropic-wire.js';

// Pure tests of the response translation. The blocks below are adapted from the extended-thinking
// docs' examples (https://docs.claude.com/en/docs/build-with-claude/extended-thinking: a thinking
// block with its signature, a redacted_thinking block, "Based on my analysis..." as text, here split
// in two to exercise joining) inside a hand-made Message envelope. Not a recorded payload.

const thinkingAnswer: AnthropicMessage = {
  id: 'msg_thinking',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [
    {
      type: 'thinking',
      thinking: 'Let me analyze this step by step...',
      signature: 'WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL....',
    },
    { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP...' },
    { type: 'text', text: 'Based on my analysis' },
    { type: 'text', text: '...' },
  ],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 300 },
};

describe('toChatCompletion', () => {
  it('joins text blocks into content, thinking into reasoning_content, and keeps the signed blocks as thinking_blocks', () => {
    const body = toChatCompletion(thinkingAnswer, 1_760_000_000, usageOf({ inputTokens: 10, outputTokens: 300 }));

    expect(body.choices[0]?.message).toStrictEqual({
      role: 'assistant',
      content: 'Based on my analysis...',
      reasoning_content: 'Let me analyze this step by step...',
      thinking_blocks: [thinkingAnswer.content[0], thinkingAnswer.content[1]],
    });
    // Thinking bills as output and is not split out: completion_tokens is all of output_tokens.
    expect(body.usage).toStrictEqual({ prompt_tokens: 10, completion_tokens: 300, total_tokens: 310 });
  });

  it('gives content null when there is no text, and tool input as JSON text', () => {
    const body = toChatCompletion(
      {
        ...thinkingAnswer,
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_time', input: {} }],
        stop_reason: 'tool_use',
      },
      0,
      usageOf({}),
    );
    expect(body.choices[0]?.message).toStrictEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_time', arguments: '{}' } }],
    });
    expect(body).not.toHaveProperty('usage');
  });

  it('keeps the raw stop_reason and stop_sequence on the choice', () => {
    const body = toChatCompletion({ ...thinkingAnswer, stop_reason: 'stop_sequence', stop_sequence: '###' }, 0, usageOf({}));
    expect(body.choices[0]).toMatchObject({ finish_reason: 'stop', stop_reason: 'stop_sequence', stop_sequence: '###' });
  });

  it.each([
    ['end_turn', 'stop', 'stop'],
    ['stop_sequence', 'stop', 'stop'],
    ['max_tokens', 'length', 'length'],
    ['model_context_window_exceeded', 'length', 'length'],
    ['tool_use', 'tool-calls', 'tool_calls'],
    ['refusal', 'content-filter', 'content_filter'],
    ['pause_turn', 'other', 'stop'],
    ['a_reason_added_later', 'other', 'stop'],
  ])('stop_reason %s -> %s (OpenAI finish_reason %s)', (stopReason, neutral, openAI) => {
    expect(mapAnthropicStopReason(stopReason)).toBe(neutral);
    const body = toChatCompletion({ ...thinkingAnswer, stop_reason: stopReason }, 0, usageOf({}));
    expect(body.choices[0]?.finish_reason).toBe(openAI);
    expect(body.choices[0]?.['stop_reason']).toBe(stopReason);
  });
});
