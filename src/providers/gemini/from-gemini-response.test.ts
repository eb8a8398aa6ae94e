import { describe, expect, it } from 'vitest';
import type { ChatCompletionBody } from '../../core/chat-request.js';
import { fromGeminiResponse } from './from-gemini-response.js';
import { normaliseGeminiUsage } from './gemini-usage.js';
import type { GeminiGenerateContentResponse } from './gemini-wire.js';
import { readGeminiJson } from './__fixtures__/gemini-replay.js';

// Recorded Gemini responses (see __fixtures__/SOURCES.md) translated to OpenAI chat.completion bodies.

const context = { requestedModel: 'gemini-requested', created: 1_750_000_800, generateId: () => 'chatcmpl-generated' };

async function translateFixture(name: string): Promise<ChatCompletionBody> {
  const response = (await readGeminiJson(name)) as GeminiGenerateContentResponse;
  return fromGeminiResponse(response, normaliseGeminiUsage(response.usageMetadata), context);
}

describe('fromGeminiResponse', () => {
  it('a text answer: content, stop, generated id (no responseId), modelVersion, usage', async () => {
    expect(await translateFixture('generate-content-text.json')).toStrictEqual({
      id: 'chatcmpl-generated',
      object: 'chat.completion',
      created: 1_750_000_800,
      model: 'gemini-2.0-flash',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n" },
          finish_reason: 'stop',
          native_finish_reason: 'STOP',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 7,
        completion_tokens: 22,
        total_tokens: 29,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
  });

  it('a thinking answer: thought parts become reasoning_content, completion tokens include thoughts', async () => {
    const body = await translateFixture('generate-content-thinking.json');
    expect(body.id).toBe('2pmHaJqQEoqC-8YP6eStyAY');
    expect(body.model).toBe('gemini-2.5-flash');
    expect(body.choices[0]?.message.content).toBe('Mountain View');
    expect(body.choices[0]?.message['reasoning_content']).toMatch(/^\*\*Thinking About Google's Headquarters\*\*\n\nWell, this one's straightforward\./);
    // 2 candidates + 24 thoughts; total 14 + 26 = 40, Gemini's totalTokenCount.
    expect(body.usage).toMatchObject({ prompt_tokens: 14, completion_tokens: 26, total_tokens: 40, completion_tokens_details: { reasoning_tokens: 24 } });
  });

  it('a function call: tool_calls with JSON arguments, a generated id and the thought signature, finish tool_calls', async () => {
    const body = await translateFixture('generate-content-thinking-function-call.json');
    const choice = body.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.native_finish_reason).toBe('STOP');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls).toHaveLength(1);
    expect(choice?.message.tool_calls?.[0]).toMatchObject({ id: 'call_0', type: 'function', function: { name: 'now', arguments: '{}' } });
    const signature = (choice?.message.tool_calls?.[0]?.['extra_content'] as { google: { thought_signature: string } }).google.thought_signature;
    expect(signature.startsWith('CtQOAVSoXO74PmYr9AFurEIJ')).toBe(true);
    expect(signature.endsWith('XDPHYhBUvGlQbIC1+Zdw==')).toBe(true);
    expect(body.usage).toMatchObject({ prompt_tokens: 38, completion_tokens: 509, total_tokens: 547 });
  });

  it('parallel function calls: one tool call each, ids call_0..2, arguments in Gemini key order', async () => {
    const body = await translateFixture('generate-content-parallel-function-calls.json');
    expect(body.choices[0]?.message.tool_calls).toStrictEqual([
      { id: 'call_0', type: 'function', function: { name: 'sum', arguments: '{"y":1,"x":2}' } },
      { id: 'call_1', type: 'function', function: { name: 'multiply', arguments: '{"y":3,"x":4}' } },
      { id: 'call_2', type: 'function', function: { name: 'subtract', arguments: '{"y":5,"x":6}' } },
    ]);
    expect(body.choices[0]?.finish_reason).toBe('tool_calls');
    // No usageMetadata at all: no usage object, rather than zeros.
    expect(body.usage).toBeUndefined();
    expect('usage' in body).toBe(false);
  });

  it('an empty text part beside a function call leaves content null; an empty answer stays an empty string', () => {
    const usage = normaliseGeminiUsage(undefined);
    const withCall = fromGeminiResponse(
      { candidates: [{ content: { parts: [{ text: '' }, { functionCall: { name: 'f', args: { a: 1 } } }] }, finishReason: 'STOP' }] },
      usage,
      context,
    );
    expect(withCall.choices[0]?.message).toStrictEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
    });
    const empty = fromGeminiResponse({ candidates: [{ content: { parts: [{ text: '' }] }, finishReason: 'STOP' }] }, usage, context);
    expect(empty.choices[0]?.message.content).toBe('');
  });

  it.each([
    ['generate-content-finish-safety.json', 'content_filter', 'SAFETY', 'Safety error incoming in 5, 4, 3, 2...'],
    ['generate-content-max-tokens.json', 'length', 'MAX_TOKENS', 'Safety Failure incoming: '],
  ])('%s: finish_reason %s, raw %s kept, partial content kept', async (fixture, finishReason, raw, content) => {
    const choice = (await translateFixture(fixture)).choices[0];
    expect(choice?.finish_reason).toBe(finishReason);
    expect(choice?.native_finish_reason).toBe(raw);
    expect(choice?.message.content).toBe(content);
  });

  it('a prompt blocked before any candidate: one empty content_filter choice, prompt tokens still counted', async () => {
    const body = await translateFixture('generate-content-prompt-blocked.json');
    expect(body.id).toBe('EXCPaojyHaDUjMcP656rqAk');
    expect(body.choices).toStrictEqual([
      { index: 0, message: { role: 'assistant', content: null }, finish_reason: 'content_filter', native_finish_reason: 'PROHIBITED_CONTENT', logprobs: null },
    ]);
    expect(body.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 0, total_tokens: 9 });
  });

  it('several candidates become several choices; an unknown finish reason is stop with the raw value kept', () => {
    const body = fromGeminiResponse(
      {
        candidates: [
          { content: { parts: [{ text: 'A' }] }, finishReason: 'STOP', index: 0 },
          { content: { parts: [{ text: 'B' }] }, finishReason: 'MALFORMED_FUNCTION_CALL', index: 1 },
        ],
      },
      normaliseGeminiUsage(undefined),
      context,
    );
    expect(body.model).toBe('gemini-requested');
    expect(body.id).toBe('chatcmpl-generated');
    expect(body.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason, choice['native_finish_reason']])).toStrictEqual([
      [0, 'A', 'stop', 'STOP'],
      [1, 'B', 'stop', 'MALFORMED_FUNCTION_CALL'],
    ]);
  });
});
