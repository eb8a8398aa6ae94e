import { createHashedNgramEmbedder } from '../../pipeline/cache/semantic/hashed-ngram-embedder.js';
import { createSemanticMatcher } from '../../pipeline/cache/semantic/semantic-matcher.js';
import { DEFAULT_SEMANTIC_THRESHOLD } from '../../pipeline/cache/semantic/default-threshold.js';
import type { ChatRequestBody } from '../../core/chat-request.js';

export interface SemanticCacheBenchmarkOptions {
  readonly entries: number;
  readonly lookups: number;
  readonly write: (text: string) => void;
}

const subjects = ['password', 'invoice', 'dark mode', 'API key', 'webhook', 'team member', 'billing address', 'export', 'SSO', 'rate limit'];
const verbs = ['reset', 'change', 'find', 'delete', 'update', 'download', 'enable', 'rotate', 'invite', 'configure'];

function prompt(index: number): string {
  return `How do I ${verbs[index % verbs.length]} the ${subjects[Math.floor(index / verbs.length) % subjects.length]} for project ${index} in workspace ${index % 97}?`;
}

function body(text: string): ChatRequestBody {
  return { model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] } as ChatRequestBody;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] as number;
}

/**
 * `npm run bench:semantic`: a semantic cache lookup (embed the prompt, find candidates in the
 * SimHash index, rank them, apply the polarity guard) against an index of `entries` prompts, in
 * process. Prints p50/p99 per lookup for repeated prompts (hits) and new ones (misses).
 */
export async function runSemanticCacheBenchmark(options: SemanticCacheBenchmarkOptions): Promise<void> {
  const matcher = createSemanticMatcher({ embedder: createHashedNgramEmbedder(), threshold: DEFAULT_SEMANTIC_THRESHOLD, models: new Set(['gpt-4o-mini']), maxEntries: options.entries });
  const filling = performance.now();
  for (let index = 0; index < options.entries; index += 1) {
    const probe = await matcher.probe(body(prompt(index)), 'tenant');
    probe?.remember(`key-${index}`);
  }
  options.write(`indexed ${matcher.size().toLocaleString('en-US')} prompts in ${((performance.now() - filling) / 1000).toFixed(1)} s\n`);
  for (const [label, textFor] of [
    ['repeated prompt (hit)', (index: number) => prompt((index * 7_919) % options.entries).toLowerCase()],
    ['new prompt (miss)', (index: number) => `Where can I see the audit log for project ${options.entries + index} in workspace ${index % 97}?`],
  ] as const) {
    const timings: number[] = [];
    let found = 0;
    for (let index = 0; index < options.lookups; index += 1) {
      const started = performance.now();
      const probe = await matcher.probe(body(textFor(index)), 'tenant');
      if ((probe?.candidates().length ?? 0) > 0) found += 1;
      timings.push(performance.now() - started);
    }
    timings.sort((left, right) => left - right);
    options.write(
      `${label.padEnd(24)} ${options.lookups} lookups: p50 ${percentile(timings, 0.5).toFixed(3)} ms, p99 ${percentile(timings, 0.99).toFixed(3)} ms, with a candidate ${found}\n`,
    );
  }
}
