import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequestBody } from '../../core/chat-request.js';
import { stickyKeyFor } from './sticky-key.js';

const longSystem = 'You are a meticulous assistant for the Tollgate billing team. '.repeat(60);

function body(system: string, messages: ChatMessage[] = [], extra: Partial<ChatRequestBody> = {}): ChatRequestBody {
  return { model: 'smart', messages: [{ role: 'system', content: system }, ...messages], ...extra };
}

describe('stickyKeyFor: prefix', () => {
  it('is equal for requests sharing the prefix, whatever follows past prefixChars', () => {
    const first = stickyKeyFor({ body: body(longSystem, [{ role: 'user', content: 'What is my balance?' }]) }, 'prefix');
    const second = stickyKeyFor({ body: body(longSystem, [{ role: 'user', content: 'Cancel my plan.' }]) }, 'prefix');
    expect(first).toMatch(/^prefix:[\w-]{27}$/);
    expect(second).toBe(first);
  });

  it('differs for different system prompts', () => {
    const first = stickyKeyFor({ body: body('You are a pirate.', [{ role: 'user', content: 'hi' }]) }, 'prefix');
    const second = stickyKeyFor({ body: body('You are a poet.', [{ role: 'user', content: 'hi' }]) }, 'prefix');
    expect(second).not.toBe(first);
  });

  it('covers the first messages when the prefix is short', () => {
    const first = stickyKeyFor({ body: body('Be brief.', [{ role: 'user', content: 'hi' }]) }, 'prefix');
    const second = stickyKeyFor({ body: body('Be brief.', [{ role: 'user', content: 'bye' }]) }, 'prefix');
    expect(second).not.toBe(first);
  });

  it('covers the tools, after the system prompt and before the other messages', () => {
    const tool = (name: string) => ({ type: 'function', function: { name, parameters: { type: 'object' } } });
    const withLookup = stickyKeyFor({ body: body('Be brief.', [], { tools: [tool('lookup')] }) }, 'prefix');
    const withSearch = stickyKeyFor({ body: body('Be brief.', [], { tools: [tool('search')] }) }, 'prefix');
    expect(withSearch).not.toBe(withLookup);
    // With only the system prompt and tools inside the limit, later messages do not matter.
    const short = (content: string) => stickyKeyFor({ body: body('Be brief.', [{ role: 'user', content }], { tools: [tool('lookup')] }) }, 'prefix', 60);
    expect(short('one question')).toBe(short('another question'));
  });

  it('reads text inside content parts', () => {
    const parts = (text: string) => body('Be brief.', [{ role: 'user', content: [{ type: 'text', text }] }]);
    expect(stickyKeyFor({ body: parts('alpha') }, 'prefix')).not.toBe(stickyKeyFor({ body: parts('beta') }, 'prefix'));
  });

  it('is scoped to the logical model and the caller’s scope', () => {
    const base = stickyKeyFor({ body: body('Be brief.') }, 'prefix');
    expect(stickyKeyFor({ body: { ...body('Be brief.'), model: 'fast' } }, 'prefix')).not.toBe(base);
    expect(stickyKeyFor({ body: body('Be brief.'), scope: 'tenant-2' }, 'prefix')).not.toBe(base);
  });

  it('rejects a prefixChars that is not a positive integer', () => {
    expect(() => stickyKeyFor({ body: body('x') }, 'prefix', 0)).toThrow(RangeError);
  });
});

describe('stickyKeyFor: session', () => {
  it('is equal for the same session id and differs for another one, a model or a scope', () => {
    const key = stickyKeyFor({ sessionId: 'abc', body: body('x') }, 'session');
    expect(key).toMatch(/^session:/);
    expect(stickyKeyFor({ sessionId: 'abc', body: body('a different prompt') }, 'session')).toBe(key);
    expect(stickyKeyFor({ sessionId: 'abd', body: body('x') }, 'session')).not.toBe(key);
    expect(stickyKeyFor({ sessionId: 'abc', body: { ...body('x'), model: 'fast' } }, 'session')).not.toBe(key);
    expect(stickyKeyFor({ sessionId: 'abc', body: body('x'), scope: 'tenant-2' }, 'session')).not.toBe(key);
  });

  it('is undefined without a session id', () => {
    expect(stickyKeyFor({ body: body('x') }, 'session')).toBeUndefined();
    expect(stickyKeyFor({ sessionId: '', body: body('x') }, 'session')).toBeUndefined();
  });

  it('keeps the key the same size however long the session id is', () => {
    expect(stickyKeyFor({ sessionId: 'z'.repeat(100_000), body: body('x') }, 'session')).toHaveLength('session:'.length + 27);
  });
});
