import type BetterSqlite3 from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { createSemanticIndexSketcher, maxSketchDistance, SKETCH_BITS, SKETCH_ID } from '../semantic-index-sketch.js';
import {
  acceptedBestFirst,
  checkSemanticIndexVector,
  checkSemanticSearchArguments,
  roundedSimilarity,
  type SemanticIndex,
  type SemanticIndexEntry,
  type SemanticIndexMatch,
} from '../semantic-index.js';
import { openSqliteDatabase, type OpenSqliteDatabaseOptions } from './open-sqlite-database.js';

export interface OpenSqliteSemanticIndexOptions extends OpenSqliteDatabaseOptions {
  /** The embedder's `id`: entries stored under another id (or another `dimensions`) are dropped on open. */
  readonly embedderId: string;
  /** The length of every vector (the embedder's `dimensions`). */
  readonly dimensions: number;
  /** Entries kept; beyond it the oldest goes first (also on open, when the file holds more). */
  readonly maxEntries: number;
  /** How many nearest sketches each search reranks by exact cosine (default 32; see below). */
  readonly candidates?: number;
}

/**
 * Entries per sqlite-vec chunk. Every partition takes at least one chunk on disk (8.7 KB at 256,
 * measured; 5.5 KB at 128, 25.6 KB at 1,024, beside the 4 KB of each entry's vector), and a
 * search reads its partition's chunks whole, with a cost per chunk: 100,000 entries in one
 * partition scanned in about 2.5 ms with chunks of 1,024, 3.3 with 256 and 4.4 with 128 (medians
 * of 5 runs on a 2-vCPU VM). 256 keeps a cache of single-entry partitions (a system prompt that
 * changes per request) under 3 times the size of its vectors.
 */
const CHUNK_SIZE = 256;
const DEFAULT_CANDIDATES = 32;

/**
 * The embedded default's semantic index, in the gateway's SQLite file (tables `semantic_index_*`,
 * created here rather than by a migration, since only a connection with sqlite-vec loaded can
 * open them), so the index survives a restart as the answers do.
 *
 * Each prompt's 128-bit random-hyperplane sketch (`semantic-index-sketch.ts`, a fixed seed, so
 * sketches stay valid across restarts) goes into a sqlite-vec `vec0` table partitioned by the
 * entry's partition; its float32 vector, exact key and text into a plain table under the same
 * id. A search asks vec0 for the `candidates` sketches of the partition nearest by Hamming
 * distance, at most `maxSketchDistance(threshold)` bits away, and ranks those by exact cosine.
 *
 * The numbers, for 100,000 vectors of 1,024 dimensions (400 MB of floats, far too much to scan
 * per request): the sketches take 1.6 MB, and vec0 scans a partition's sketches whole, about
 * 3 ms when all 100,000 share one partition (one tenant, model and system prompt; measured on a
 * 2-vCPU VM, and no faster with 64-bit sketches: the cost is per entry, not per bit), and less
 * in proportion for the smaller partitions of a real mix.
 *
 * Why 32 candidates: two unit vectors at cosine c differ in each bit with probability
 * arccos(c)/π. A true match at the default threshold 0.99 differs in 5.8 ± 2.3 bits, one at 0.95
 * in 12.9 ± 3.4, while an entry at 0.90 differs in 18.4 ± 4.0 and one at 0.80 in 26.2 ± 4.6. An
 * entry outranks a match at 0.99 with probability about 4% when it is itself at 0.95 and 0.3% at
 * 0.90, so 32 candidates miss a match only when its partition holds hundreds of near-duplicates
 * just under the threshold; a match at 0.95 is outranked by an entry at 0.90 with probability
 * about 15%, so 32 still leave room for about 200 of those. Fewer buy little: the scan, not the
 * rerank, is the cost.
 *
 * The entry count lives in the file (`semantic_index_state`, updated in each write's
 * transaction), so `size` is one row read and every connection sees the same number. Vectors are
 * stored as little-endian float32. Errors (a closed or broken database) are thrown to the caller.
 */
export function openSqliteSemanticIndex(options: OpenSqliteSemanticIndexOptions): SemanticIndex {
  const { dimensions, maxEntries } = options;
  const candidates = options.candidates ?? DEFAULT_CANDIDATES;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  if (!Number.isSafeInteger(candidates) || candidates < 1 || candidates > 4_096) throw new RangeError(`candidates must be an integer from 1 to 4096, got ${candidates}`);
  const sketcher = createSemanticIndexSketcher(dimensions);
  const database = openSqliteDatabase(options);
  try {
    sqliteVec.load(database);
    prepareTables(database, `${options.embedderId}|d${dimensions}|${SKETCH_ID}`);
    return sqliteSemanticIndex(database, { dimensions, maxEntries, candidates, sketch: (vector) => bytesOf(sketcher.sketch(vector)) });
  } catch (error) {
    database.close();
    throw error;
  }
}

interface IndexSettings {
  readonly dimensions: number;
  readonly maxEntries: number;
  readonly candidates: number;
  readonly sketch: (vector: Float32Array) => Buffer;
}

function sqliteSemanticIndex(database: BetterSqlite3.Database, settings: IndexSettings): SemanticIndex {
  const { dimensions, maxEntries, candidates } = settings;
  const statements = {
    count: database.prepare<[], number>('SELECT entries FROM semantic_index_state').pluck(),
    changeCount: database.prepare<[number]>('UPDATE semantic_index_state SET entries = entries + ?'),
    insertEntry: database.prepare<[string, string, Buffer]>('INSERT INTO semantic_index_entries (exact_key, text, vector) VALUES (?, ?, ?)'),
    insertSketch: database.prepare<[bigint, string, Buffer]>('INSERT INTO semantic_index_sketches (rowid, partition, sketch) VALUES (?, ?, vec_bit(?))'),
    deleteEntry: database.prepare<[number]>('DELETE FROM semantic_index_entries WHERE id = ?'),
    deleteSketch: database.prepare<[bigint]>('DELETE FROM semantic_index_sketches WHERE rowid = ?'),
    oldest: database.prepare<[], number>('SELECT id FROM semantic_index_entries ORDER BY id LIMIT 1').pluck(),
    nearest: database.prepare<[Buffer, number, string, number], { id: number; exact_key: string; text: string; vector: Buffer }>(
      `WITH near AS (
         SELECT rowid, distance FROM semantic_index_sketches
         WHERE sketch MATCH vec_bit(?) AND k = ? AND partition = ? AND distance <= ?
       )
       SELECT entries.id, entries.exact_key, entries.text, entries.vector
       FROM near JOIN semantic_index_entries AS entries ON entries.id = near.rowid`,
    ),
  };

  function drop(id: number): boolean {
    if (statements.deleteEntry.run(id).changes === 0) return false;
    statements.deleteSketch.run(BigInt(id));
    statements.changeCount.run(-1);
    return true;
  }

  const add = database.transaction((entry: SemanticIndexEntry): number => {
    const vector = entry.vector;
    const id = Number(statements.insertEntry.run(entry.exactKey, entry.text, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)).lastInsertRowid);
    statements.insertSketch.run(BigInt(id), entry.partition, settings.sketch(vector));
    statements.changeCount.run(1);
    evictBeyond(maxEntries);
    return id;
  });

  const remove = database.transaction((id: number): void => {
    drop(id);
  });

  function evictBeyond(limit: number): void {
    for (let count = statements.count.get() ?? 0; count > limit; count -= 1) {
      const oldest = statements.oldest.get();
      if (oldest === undefined || !drop(oldest)) break;
    }
  }

  database.transaction(() => evictBeyond(maxEntries))();

  return {
    dimensions,

    add(entry) {
      checkSemanticIndexVector(entry.vector, dimensions);
      return add(entry);
    },

    remove(id) {
      if (Number.isSafeInteger(id)) remove(id);
    },

    search(vector, partition, threshold, accept, limit = 3) {
      checkSemanticIndexVector(vector, dimensions);
      checkSemanticSearchArguments(threshold, limit);
      const rows = statements.nearest.all(settings.sketch(vector), candidates, partition, maxSketchDistance(threshold));
      const above: SemanticIndexMatch[] = [];
      for (const row of rows) {
        const similarity = roundedSimilarity(vector, float32Of(row.vector));
        if (similarity >= threshold) above.push({ id: row.id, exactKey: row.exact_key, text: row.text, similarity });
      }
      return acceptedBestFirst(above, accept, limit);
    },

    size() {
      return statements.count.get() ?? 0;
    },

    batch(work) {
      return database.transaction(work)();
    },

    close() {
      if (database.open) database.close();
    },
  };
}

/**
 * Creates the index's tables if needed, and empties them when they hold vectors of another space
 * (another embedder, dimension count or sketch), which must never be compared with this one's.
 */
function prepareTables(database: BetterSqlite3.Database, vectorSpace: string): void {
  const createSketches = `CREATE VIRTUAL TABLE IF NOT EXISTS semantic_index_sketches USING vec0(partition text partition key, sketch bit[${SKETCH_BITS}], chunk_size=${CHUNK_SIZE})`;
  database.transaction(() => {
    database.exec(`
      CREATE TABLE IF NOT EXISTS semantic_index_state (
        only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
        vector_space TEXT NOT NULL,
        entries INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS semantic_index_entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        exact_key TEXT NOT NULL,
        text TEXT NOT NULL,
        vector BLOB NOT NULL
      );
      ${createSketches};
    `);
    const stored = database.prepare<[], string>('SELECT vector_space FROM semantic_index_state').pluck().get();
    if (stored === vectorSpace) return;
    // AUTOINCREMENT keeps ids growing past the dropped ones, so a stale id never names a new entry.
    database.exec(`DELETE FROM semantic_index_entries; DROP TABLE semantic_index_sketches; ${createSketches};`);
    database.prepare('INSERT INTO semantic_index_state (only_row, vector_space, entries) VALUES (1, ?, 0) ON CONFLICT (only_row) DO UPDATE SET vector_space = excluded.vector_space, entries = 0').run(vectorSpace);
  })();
  indexChunksByPartition(database);
}

/**
 * vec0 (0.1.9) finds a partition's chunks by scanning its `_chunks` shadow table, on every insert
 * and search: with 10,000 partitions an insert took 0.7 ms and a fill of 100,000 entries 70 s
 * (1.9 s with this index). An index on the shadow table's partition column makes both a lookup.
 * It depends on vec0's internal layout, so it is made only when that column is there, and a
 * refusal (a future vec0, a defensive connection) is ignored: without it the index is slower,
 * never wrong.
 */
function indexChunksByPartition(database: BetterSqlite3.Database): void {
  const columns = database.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('semantic_index_sketches_chunks')").all();
  if (!columns.some((column) => column.name === 'partition00')) return;
  try {
    database.exec('CREATE INDEX IF NOT EXISTS semantic_index_sketches_chunks_by_partition ON semantic_index_sketches_chunks (partition00)');
  } catch {
    // Slower lookups of a partition's chunks, same answers.
  }
}

function bytesOf(words: Uint32Array): Buffer {
  return Buffer.from(words.buffer, words.byteOffset, words.byteLength);
}

/** A stored vector as floats: a view when the bytes are aligned, else a copy. */
function float32Of(bytes: Buffer): Float32Array {
  if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Float32Array(Uint8Array.from(bytes).buffer);
}
