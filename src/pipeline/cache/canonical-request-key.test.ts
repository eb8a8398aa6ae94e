import { describe, expect, it } from 'vitest';
import type { ChatRequestBody } from '../../core/chat-request.js';
import { canonicalJson, canonicalRequestHash } from './canonical-request-key.js';

const base = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], temperature: 0 } as ChatRequestBody;

describe('canonical request key', () => {
  it('ignores key order, whitespace and delivery-only fields', () => {
    const reordered = JSON.parse('{ "temperature": 0,   "messages": [ { "content": "hi", "role": "user" } ], "model": "gpt-4o-mini" }') as ChatRequestBody;
    expect(canonicalRequestHash(reordered)).toBe(canonicalRequestHash(base));
    expect(canonicalRequestHash({ ...base, stream: true, stream_options: { include_usage: true }, user: 'ada' } as ChatRequestBody)).toBe(canonicalRequestHash(base));
  });

  it.each<[string, Record<string, unknown>]>([
    ['model', { model: 'gpt-4o' }],
    ['messages', { messages: [{ role: 'user', content: 'hi!' }] }],
    ['temperature', { temperature: 0.1 }],
    ['top_p', { top_p: 0.5 }],
    ['seed', { seed: 7 }],
    ['stop', { stop: ['\n'] }],
    ['max_tokens', { max_tokens: 10 }],
    ['n', { n: 2 }],
    ['tools', { tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }],
    ['tool_choice', { tool_choice: 'none' }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['logprobs', { logprobs: true }],
    ['an unknown field', { reasoning_effort: 'high' }],
  ])('misses when %s changes', (_field, change) => {
    expect(canonicalRequestHash({ ...base, ...change } as ChatRequestBody)).not.toBe(canonicalRequestHash(base));
  });

  it('keeps array order and distinguishes types', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
    expect(canonicalJson({ b: { d: 1, c: [null, true] }, a: 'x' })).toBe('{"a":"x","b":{"c":[null,true],"d":1}}');
  });
});
