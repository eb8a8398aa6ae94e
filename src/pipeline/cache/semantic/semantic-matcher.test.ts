import { describe, expect, it } from 'vitest';
import type { ChatRequestBody } from '../../../core/chat-request.js';
import type { Logger } from '../../../core/logger.js';
import { createMemorySemanticIndex } from '../../../stores/memory/memory-semantic-index.js';
import type { SemanticIndex } from '../../../stores/semantic-index.js';
import { createHashedNgramEmbedder } from './hashed-ngram-embedder.js';
import { createSemanticMatcher, type SemanticEntryFeed, type SemanticMatcherOptions } from './semantic-matcher.js';

const chat = (...messages: Array<[string, string]>) => ({ model: 'm', messages: messages.map(([role, content]) => ({ role, content })) }) as ChatRequestBody;

function matcher(overrides: Partial<SemanticMatcherOptions> = {}) {
  const embedder = createHashedNgramEmbedder();
  return createSemanticMatcher({
    embedder,
    threshold: 0.99,
    models: new Set(['m']),
    index: createMemorySemanticIndex({ dimensions: embedder.dimensions, maxEntries: 100 }),
    ...overrides,
  });
}

/** Records warnings, for asserting what the matcher logs. */
function recordingLogger(): Logger & { readonly warnings: Array<{ message: string; fields?: Readonly<Record<string, unknown>> }> } {
  const warnings: Array<{ message: string; fields?: Readonly<Record<string, unknown>> }> = [];
  return { warnings, info() {}, error() {}, warn: (message, fields) => warnings.push({ message, fields }) };
}

describe('semantic matcher', () => {
  it('compares single-turn prompts only by default', async () => {
    const single = matcher();
    expect(await single.probe(chat(['system', 'Be brief.'], ['user', 'How do I reset my password?']), 't')).toBeDefined();
    expect(await single.probe(chat(['user', 'Hi'], ['assistant', 'Hello'], ['user', 'How do I reset my password?']), 't')).toBeUndefined();
    expect(await single.probe({ ...chat(['user', 'x']), model: 'other' }, 't')).toBeUndefined();
  });

  it('answers a reworded prompt of the same tenant from the injected index, never another tenant’s', async () => {
    const embedder = createHashedNgramEmbedder();
    const index = createMemorySemanticIndex({ dimensions: embedder.dimensions, maxEntries: 100 });
    const shared = matcher({ embedder, index });
    (await shared.probe(chat(['user', 'How do I reset my password?']), 'tenant-a'))?.remember('answer-a');
    expect(index.size()).toBe(1);
    const reworded = await shared.probe(chat(['user', 'how do i reset my password']), 'tenant-a');
    expect(reworded?.candidates()).toEqual([expect.objectContaining({ exactKey: 'answer-a', text: 'How do I reset my password?' })]);
    expect((await shared.probe(chat(['user', 'how do i reset my password']), 'tenant-b'))?.candidates()).toEqual([]);
    reworded?.forget(reworded.candidates()[0]?.id as number);
    expect(shared.size()).toBe(0);
  });

  it('with turns: N, compares the last N messages and requires everything before them to be identical', async () => {
    const threeTurns = matcher({ turns: 3 });
    const stored = await threeTurns.probe(chat(['system', 'S'], ['user', 'Hi there'], ['assistant', 'Hello!'], ['user', 'How do I reset my password?']), 't');
    stored?.remember('answer-1');
    const reworded = await threeTurns.probe(chat(['system', 'S'], ['user', 'hi there'], ['assistant', 'Hello!'], ['user', 'how do i reset my password']), 't');
    expect(reworded?.candidates().map((candidate) => candidate.exactKey)).toEqual(['answer-1']);
    const otherSystem = await threeTurns.probe(chat(['system', 'T'], ['user', 'hi there'], ['assistant', 'Hello!'], ['user', 'how do i reset my password']), 't');
    expect(otherSystem?.candidates()).toEqual([]);
    const otherAnswer = await threeTurns.probe(chat(['system', 'S'], ['user', 'hi there'], ['assistant', 'Goodbye!'], ['user', 'how do i reset my password']), 't');
    expect(otherAnswer?.candidates()).toEqual([]);
    expect(await threeTurns.probe(chat(['user', 'a'], ['assistant', 'b']), 't')).toBeUndefined();
    expect(threeTurns.size()).toBe(1);
  });

  it('indexes what other replicas publish on the feed, and publishes what it remembers', async () => {
    const published: Array<Parameters<SemanticEntryFeed['publish']>[0]> = [];
    let deliver: Parameters<SemanticEntryFeed['subscribe']>[0] = () => {};
    const feed: SemanticEntryFeed = {
      publish: (entry) => published.push(entry),
      subscribe: (onEntry) => {
        deliver = onEntry;
        return () => {};
      },
    };
    const writer = matcher({ feed: { publish: feed.publish, subscribe: () => () => {} } });
    (await writer.probe(chat(['user', 'How do I reset my password?']), 't'))?.remember('answer-1');
    expect(published).toHaveLength(1);

    const reader = matcher({ feed });
    deliver(published[0] as Parameters<SemanticEntryFeed['publish']>[0]);
    deliver({ ...(published[0] as Parameters<SemanticEntryFeed['publish']>[0]), fields: { ...published[0]?.fields, embedder: 'another-embedder' } });
    expect(reader.size()).toBe(1);
    const reworded = await reader.probe(chat(['user', 'how do i reset my password']), 't');
    expect(reworded?.candidates().map((candidate) => candidate.exactKey)).toEqual(['answer-1']);
  });

  it('treats a failing index as a miss and a no-op, logging once per run of failures', async () => {
    const embedder = createHashedNgramEmbedder();
    const working = createMemorySemanticIndex({ dimensions: embedder.dimensions, maxEntries: 100 });
    let broken = false;
    const failWhenBroken = <Result>(run: () => Result): Result => {
      if (broken) throw new Error('The database connection is not open');
      return run();
    };
    const index: SemanticIndex = {
      dimensions: working.dimensions,
      add: (entry) => failWhenBroken(() => working.add(entry)),
      remove: (id) => failWhenBroken(() => working.remove(id)),
      search: (...search) => failWhenBroken(() => working.search(...search)),
      size: () => working.size(),
      batch: (work) => work(),
      close: () => working.close(),
    };
    const logger = recordingLogger();
    const flaky = matcher({ embedder, index, logger });
    const probe = await flaky.probe(chat(['user', 'How do I reset my password?']), 't');
    probe?.remember('answer-1');

    broken = true;
    const reworded = await flaky.probe(chat(['user', 'how do i reset my password']), 't');
    expect(reworded?.candidates()).toEqual([]);
    expect(() => reworded?.remember('answer-2')).not.toThrow();
    expect(() => reworded?.forget(1)).not.toThrow();
    expect(logger.warnings).toEqual([{ message: 'semantic index failed; semantic lookups are misses until it recovers', fields: { operation: 'search', error: 'The database connection is not open' } }]);

    broken = false;
    expect(reworded?.candidates().map((candidate) => candidate.exactKey)).toEqual(['answer-1']);
    broken = true;
    expect(reworded?.candidates()).toEqual([]);
    expect(logger.warnings).toHaveLength(2);
  });

  it('rejects an index of other dimensions than the embedder’s, and a threshold outside (0, 1], when built', () => {
    expect(() => matcher({ index: createMemorySemanticIndex({ dimensions: 384, maxEntries: 10 }) })).toThrow(/384 dimensions/);
    expect(() => matcher({ threshold: 0 })).toThrow(/threshold/);
    expect(() => matcher({ threshold: 1.5 })).toThrow(/threshold/);
  });
});
