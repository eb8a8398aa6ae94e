import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeSemanticIndexContract } from '../semantic-index.contract.js';
import type { SemanticIndex } from '../semantic-index.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { openSqliteSemanticIndex, type OpenSqliteSemanticIndexOptions } from './sqlite-semantic-index.js';

describeSemanticIndexContract('SQLite index', (options) => openSqliteSemanticIndex({ path: ':memory:', embedderId: 'test-embedder', ...options }));

const DIMENSIONS = 8;
const everything = () => true;

function unit(...components: number[]): Float32Array {
  const vector = Float32Array.from({ length: DIMENSIONS }, (_, index) => components[index] ?? 0);
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

describe('SQLite semantic index', () => {
  let directory: string;
  let path: string;
  const opened: SemanticIndex[] = [];

  function open(overrides: Partial<OpenSqliteSemanticIndexOptions> = {}): SemanticIndex {
    const index = openSqliteSemanticIndex({ path, embedderId: 'hashed-ngram-v1', dimensions: DIMENSIONS, maxEntries: 100, ...overrides });
    opened.push(index);
    return index;
  }

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'tollgate-semantic-index-'));
    path = join(directory, 'tollgate.db');
  });

  afterEach(() => {
    for (const index of opened.splice(0)) index.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('keeps its entries across a restart, and keeps handing out larger ids', () => {
    const first = open();
    const kept = first.add({ partition: 'p', exactKey: 'kept', text: 'How do I reset my password?', vector: unit(1, 0.1) });
    const removed = first.add({ partition: 'p', exactKey: 'removed', text: 'Where is my invoice?', vector: unit(0, 1) });
    first.remove(removed);
    first.close();

    const reopened = open();
    expect(reopened.size()).toBe(1);
    expect(reopened.search(unit(1, 0.1), 'p', 0.99, everything)).toEqual([{ id: kept, exactKey: 'kept', text: 'How do I reset my password?', similarity: 1 }]);
    expect(reopened.search(unit(0, 1), 'p', 0.99, everything)).toEqual([]);
    expect(reopened.add({ partition: 'p', exactKey: 'next', text: 'next', vector: unit(0, 0, 1) })).toBeGreaterThan(removed);
  });

  it('drops every entry when opened for another embedder or another dimension count', () => {
    open().add({ partition: 'p', exactKey: 'old', text: 'old', vector: unit(1) });
    opened.splice(0).forEach((index) => index.close());

    const otherEmbedder = open({ embedderId: 'text-embedding-3-small' });
    expect(otherEmbedder.size()).toBe(0);
    expect(otherEmbedder.search(unit(1), 'p', 0.5, everything)).toEqual([]);
    otherEmbedder.add({ partition: 'p', exactKey: 'new', text: 'new', vector: unit(1) });
    otherEmbedder.close();

    const sameAgain = open({ embedderId: 'text-embedding-3-small' });
    expect(sameAgain.search(unit(1), 'p', 0.5, everything).map((match) => match.exactKey)).toEqual(['new']);
    sameAgain.close();

    const otherDimensions = open({ embedderId: 'text-embedding-3-small', dimensions: DIMENSIONS * 2 });
    expect(otherDimensions.size()).toBe(0);
  });

  it('drops the oldest entries on open when the file holds more than maxEntries', () => {
    const first = open();
    for (let item = 0; item < 5; item += 1) first.add({ partition: 'p', exactKey: `answer-${item}`, text: `${item}`, vector: unit(1, item * 0.01) });
    first.close();
    const smaller = open({ maxEntries: 2 });
    expect(smaller.size()).toBe(2);
    expect(smaller.search(unit(1), 'p', 0.99, everything, 10).map((match) => match.exactKey)).toEqual(['answer-3', 'answer-4']);
  });

  it('shares the gateway’s SQLite file with the migrated stores, without needing sqlite-vec on their connections', () => {
    const index = open();
    index.add({ partition: 'p', exactKey: 'answer', text: 'question', vector: unit(1) });
    const plain = openSqliteDatabase({ path });
    const tables = plain.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'semantic_index_%' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['semantic_index_entries', 'semantic_index_sketches', 'semantic_index_state']));
    expect(plain.prepare('SELECT count(*) AS entries FROM semantic_index_entries').get()).toEqual({ entries: 1 });
    // vec0's chunks are found by partition through an index of ours (see indexChunksByPartition).
    expect(plain.prepare("SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = 'semantic_index_sketches_chunks_by_partition'").get()).toEqual({ tbl_name: 'semantic_index_sketches_chunks' });
    plain.close();
    expect(index.search(unit(1), 'p', 0.99, everything)).toHaveLength(1);
  });

  it('rejects bad options when opened, leaving no connection behind', () => {
    expect(() => open({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => open({ candidates: 0 })).toThrow(/candidates/);
    expect(() => open({ dimensions: 0 })).toThrow(/dimensions/);
  });

  it('surfaces a broken database as an exception from the call, for the caller to treat as a miss', () => {
    const index = open();
    index.add({ partition: 'p', exactKey: 'answer', text: 'question', vector: unit(1) });
    const other = new Database(path);
    other.exec('DROP TABLE semantic_index_entries');
    other.close();
    expect(() => index.search(unit(1), 'p', 0.9, everything)).toThrow(/semantic_index_entries/);
    expect(() => index.add({ partition: 'p', exactKey: 'late', text: 'late', vector: unit(1) })).toThrow(/semantic_index_entries/);
  });
});
