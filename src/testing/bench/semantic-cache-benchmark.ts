import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatRequestBody } from '../../core/chat-request.js';
import { DEFAULT_SEMANTIC_THRESHOLD } from '../../pipeline/cache/semantic/default-threshold.js';
import type { Embedder } from '../../pipeline/cache/semantic/embedder.js';
import { createHashedNgramEmbedder } from '../../pipeline/cache/semantic/hashed-ngram-embedder.js';
import { createSemanticMatcher, type SemanticProbe } from '../../pipeline/cache/semantic/semantic-matcher.js';
import { createMemorySemanticIndex } from '../../stores/memory/memory-semantic-index.js';
import type { SemanticIndex } from '../../stores/semantic-index.js';
import { openSqliteSemanticIndex } from '../../stores/sqlite/sqlite-semantic-index.js';

export type SemanticIndexKind = 'memory' | 'sqlite';

export interface SemanticCacheBenchmarkOptions {
  readonly entries: number;
  readonly lookups: number;
  /** The indexes to measure, one after another. */
  readonly indexes: readonly SemanticIndexKind[];
  /**
   * Into how many partitions (tenants) the entries are spread, one run each: 1 is the worst case
   * (one tenant, model and system prompt), more shows a mix of tenants.
   */
  readonly partitionCounts: readonly number[];
  readonly write: (text: string) => void;
}

/** Prompts indexed per batch: one transaction each in SQLite. */
const FILL_BATCH = 1_000;

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

function milliseconds(timings: number[]): string {
  timings.sort((left, right) => left - right);
  return `p50 ${percentile(timings, 0.5).toFixed(3)} ms, p99 ${percentile(timings, 0.99).toFixed(3)} ms`;
}

/** An index of `kind` for the embedder's vectors, and how to dispose of it (and its file). */
function openIndex(kind: SemanticIndexKind, embedder: Embedder, maxEntries: number): { readonly index: SemanticIndex; readonly file: string | undefined; dispose(): void } {
  if (kind === 'memory') {
    const index = createMemorySemanticIndex({ dimensions: embedder.dimensions, maxEntries });
    return { index, file: undefined, dispose: () => index.close() };
  }
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-bench-semantic-'));
  const file = join(directory, 'tollgate.db');
  try {
    const index = openSqliteSemanticIndex({ path: file, embedderId: embedder.id, dimensions: embedder.dimensions, maxEntries });
    return {
      index,
      file,
      dispose: () => {
        index.close();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

/**
 * `npm run bench:semantic`: a semantic cache lookup (embed the prompt with the built-in embedder,
 * find candidates in the index, rank them, apply the polarity guard) against an index of
 * `entries` prompts spread over each of `partitionCounts` tenants, for each index kind. Prints
 * the fill time, then p50/p99 per lookup for repeated prompts (hits) and new ones (misses), with
 * the index search's share.
 */
export async function runSemanticCacheBenchmark(options: SemanticCacheBenchmarkOptions): Promise<void> {
  for (const kind of options.indexes) {
    for (const partitions of options.partitionCounts) await runScenario(kind, partitions, options);
  }
}

/** One index kind with the entries spread over `partitions` tenants: fill, then time hits and misses. */
async function runScenario(kind: SemanticIndexKind, partitions: number, options: SemanticCacheBenchmarkOptions): Promise<void> {
  const tenantOf = (item: number) => `tenant-${item % partitions}`;
  const embedder = createHashedNgramEmbedder();
  const opened = openIndex(kind, embedder, options.entries);
  try {
    const { index } = opened;
    const matcher = createSemanticMatcher({ embedder, threshold: DEFAULT_SEMANTIC_THRESHOLD, models: new Set(['gpt-4o-mini']), index });
    const filling = performance.now();
    for (let start = 0; start < options.entries; start += FILL_BATCH) {
      const probes: Array<SemanticProbe | undefined> = [];
      for (let item = start; item < Math.min(options.entries, start + FILL_BATCH); item += 1) probes.push(await matcher.probe(body(prompt(item)), tenantOf(item)));
      index.batch(() => probes.forEach((probe, offset) => probe?.remember(`key-${start + offset}`)));
    }
    const stored = opened.file === undefined ? '' : `, file ${(fileBytes(opened.file) / 1e6).toFixed(0)} MB`;
    const spread = partitions === 1 ? 'one partition' : `${partitions.toLocaleString('en-US')} partitions`;
    options.write(`${kind} index, ${spread}: indexed ${matcher.size().toLocaleString('en-US')} prompts in ${((performance.now() - filling) / 1000).toFixed(1)} s${stored}\n`);
    for (const [label, itemFor, textFor] of [
      ['repeated prompt (hit)', (item: number) => (item * 7_919) % options.entries, (item: number) => prompt(item).toLowerCase()],
      ['new prompt (miss)', (item: number) => item, (item: number) => `Where can I see the audit log for project ${options.entries + item} in workspace ${item % 97}?`],
    ] as const) {
      const lookups: number[] = [];
      const searches: number[] = [];
      let found = 0;
      for (let lookup = 0; lookup < options.lookups; lookup += 1) {
        const item = itemFor(lookup);
        const started = performance.now();
        const probe = await matcher.probe(body(textFor(item)), tenantOf(item));
        const searching = performance.now();
        if ((probe?.candidates().length ?? 0) > 0) found += 1;
        const ended = performance.now();
        lookups.push(ended - started);
        searches.push(ended - searching);
      }
      options.write(`  ${label.padEnd(22)} ${options.lookups} lookups: ${milliseconds(lookups)} (index search ${milliseconds(searches)}), with a candidate ${found}\n`);
    }
  } finally {
    opened.dispose();
  }
}

/** The database file and its write-ahead log. */
function fileBytes(file: string): number {
  const sizeOf = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  return sizeOf(file) + sizeOf(`${file}-wal`);
}
