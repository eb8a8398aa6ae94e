import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry, LedgerStatus } from '../core/ledger-entry.js';
import { makeLedgerEntry } from './ledger-entry-fixture.js';
import type { LedgerListQuery, LedgerStore, ReportQuery } from './ledger-store.js';
import { openPostgresLedgerStore } from './postgres/postgres-ledger-store.js';
import { testPostgresSchema, type TestPostgresSchema } from './postgres/postgres-test-schema.js';
import { openSqliteLedgerStore } from './sqlite/sqlite-ledger-store.js';

/*
 * SQLite is the reference: the PostgreSQL store must give the same report and the same list,
 * figure for figure, tie for tie, null for null, over the same rows.
 */

const day = 86_400_000;
const hour = 3_600_000;
const firstDay = Date.UTC(2025, 2, 1);

/** A small seeded generator (mulberry32), so the dataset is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Eight days of traffic: several models, users and features (untagged, mixed case and non-ASCII
 * keys, whose order differs between byte order and most locales), unpriced rows, errors and
 * aborts, retries and fallbacks as extra attempts (some across midnight), exact and semantic
 * cache hits and prompt-cache reads with cost avoided, unknown token buckets, rows at midnight and a millisecond before, and groups and
 * requests that tie on cost.
 */
function realisticLedger(): LedgerEntry[] {
  const random = seededRandom(20_250_301);
  const pick = <Value>(values: readonly Value[]): Value => values[Math.floor(random() * values.length)] as Value;
  const maybe = (probability: number): boolean => random() < probability;
  const tokens = (scale: number): number | null => (maybe(0.1) ? null : Math.floor(random() * scale));
  const models = ['smart', 'cheap', 'tiny', 'Zeta-large', 'embed-small'] as const;
  const users = [null, 'alice', 'bob', 'carol', 'Zed', 'émile', 'ümit', 'dave@example.com'] as const;
  const features = [null, 'chat', 'Chat', 'search', 'summarise', 'ç-feature'] as const;
  const rows: LedgerEntry[] = [];

  for (let index = 0; index < 1_200; index++) {
    const requestId = `req-${String(index).padStart(5, '0')}${maybe(0.1) ? '-X' : ''}`;
    const timestamp =
      index % 97 === 0 ? firstDay + (1 + (index % 7)) * day - (index % 2) : firstDay + Math.floor(random() * 8 * day);
    const user = pick(users);
    const feature = pick(features);
    const cacheHit = maybe(0.08) ? pick(['hit', 'semantic-hit'] as const) : null;
    const attempts = maybe(0.12) ? 2 + Math.floor(random() * 2) : 1;
    let model: string = pick(models);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const last = attempt === attempts;
      const status: LedgerStatus = last ? (maybe(0.05) ? 'aborted' : maybe(0.04) ? 'error' : 'ok') : 'error';
      const priced = !maybe(0.1);
      const costNanos = cacheHit !== null ? 0 : priced ? Math.floor(random() * 5_000_000) : null;
      const cacheReadTokens = tokens(5_000);
      // A hit avoids the whole call; otherwise provider prompt caching saves on some cache reads.
      const costAvoidedNanos =
        cacheHit !== null ? Math.floor(random() * 3_000_000) : cacheReadTokens !== null && maybe(0.5) ? cacheReadTokens * 2_250 : 0;
      rows.push(
        makeLedgerEntry({
          requestId,
          attempt,
          timestamp: timestamp + (attempt - 1) * Math.floor(random() * 2_000),
          user,
          feature,
          logicalModel: model,
          providerId: model === 'smart' ? 'anthropic' : 'openai',
          upstreamModel: `${model}-2025`,
          stream: maybe(0.5),
          inputTokens: tokens(20_000),
          cacheReadTokens,
          cacheWrite5mTokens: maybe(0.5) ? null : tokens(1_000),
          cacheWrite1hTokens: maybe(0.7) ? null : tokens(1_000),
          outputTokens: status === 'ok' ? tokens(4_000) : null,
          reasoningTokens: maybe(0.6) ? null : tokens(2_000),
          providerUsage: maybe(0.5) ? `{"prompt_tokens":${index}}` : null,
          costNanos,
          priceUnknown: costNanos === null,
          priceSource: costNanos === null ? null : 'genai-prices',
          costAvoidedNanos,
          latencyMs: Math.round(random() * 50_000) / 8,
          ttftMs: maybe(0.5) ? Math.round(random() * 8_000) / 4 : null,
          status,
          httpStatus: status === 'ok' ? 200 : status === 'error' ? pick([429, 500, 529]) : null,
          errorCode: status === 'error' ? 'TG_ERR_UPSTREAM' : null,
          cacheStatus: cacheHit ?? pick([null, 'miss', 'bypass']),
          cacheSimilarity: cacheHit === 'semantic-hit' ? random() : null,
          route: attempt === 1 ? 'primary' : `fallback-${attempt - 1}`,
          routeReason: attempt === 1 ? null : 'upstream failed',
          warnings: maybe(0.05) ? 'temperature ignored' : null,
        }),
      );
      if (!last && maybe(0.5)) model = pick(models);
    }
  }
  // Ties: groups and requests with equal cost, broken by key (null first, then byte order).
  const tie = (requestId: string, user: string | null, feature: string | null): LedgerEntry =>
    makeLedgerEntry({ requestId, timestamp: firstDay + 3 * day, user, feature, logicalModel: `tie-${feature ?? 'none'}`, costNanos: 77_777_777, priceUnknown: false });
  rows.push(tie('Tie-B', 'tie-user-b', 'tie-b'), tie('tie-a', 'tie-user-a', 'tie-a'), tie('tie-c', null, null), tie('Tie-A', 'Tie-user', 'Tie-a'));
  return rows;
}

const timestampsAtTheEdges = [
  -1, 0, -day, -day - 1, -62_167_219_200_000, -62_167_219_200_001, -62_135_596_800_000, -100_000_000_000_000, -210_866_760_000_000,
  -210_866_760_000_001, 253_402_300_799_999, 253_402_300_800_000, 1e15, 9_007_199_254_740_991, -9_007_199_254_740_991,
];

describe('ledger report parity: postgres against sqlite', () => {
  let directory: string;
  let database: TestPostgresSchema;
  let sqlite: LedgerStore;
  let postgres: LedgerStore;
  const dataset = realisticLedger();

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tollgate-parity-'));
    database = testPostgresSchema();
    sqlite = openSqliteLedgerStore({ path: join(directory, 'ledger.db') });
    postgres = await openPostgresLedgerStore({ url: database.url, schema: database.schema });
    // Appended in batches the writer would send, plus every row again, shuffled by reversal.
    for (let start = 0; start < dataset.length; start += 500) {
      const batch = dataset.slice(start, start + 500);
      await sqlite.append(batch);
      await postgres.append(batch);
    }
    await sqlite.append([...dataset].reverse());
    await postgres.append([...dataset].reverse());
  });

  afterAll(async () => {
    await sqlite.close();
    await postgres.close();
    await database.drop();
    await rm(directory, { recursive: true, force: true });
  });

  it('holds the dataset it means to: retries, unpriced rows, errors, each kind of saving, untagged rows', async () => {
    const report = await sqlite.report({});
    expect(report.totals.attempts).toBe(dataset.length);
    expect(report.totals.requests).toBeLessThan(report.totals.attempts);
    expect(report.totals.unpricedAttempts).toBeGreaterThan(50);
    expect(report.totals.errors).toBeGreaterThan(100);
    expect(report.totals.savedByExactCacheNanos).toBeGreaterThan(0);
    expect(report.totals.savedBySemanticCacheNanos).toBeGreaterThan(0);
    expect(report.totals.savedByPromptCacheNanos).toBeGreaterThan(0);
    expect(report.totals.savedByExactCacheNanos + report.totals.savedBySemanticCacheNanos + report.totals.savedByPromptCacheNanos).toBe(report.totals.costAvoidedNanos);
    expect(report.byDay).toHaveLength(8);
    expect(report.byUser.map((group) => group.key)).toContain(null);
  });

  it.each<[string, ReportQuery]>([
    ['no bounds', {}],
    ['top 3', { top: 3 }],
    ['top 0', { top: 0 }],
    ['top 1000 (every group)', { top: 1_000 }],
    ['since day 3', { since: firstDay + 2 * day }],
    ['until day 5', { until: firstDay + 4 * day }],
    ['a fractional window cutting through requests', { since: firstDay + 2 * day + 12 * hour + 0.5, until: firstDay + 6 * day - 1, top: 25 }],
    ['a day of ties', { since: firstDay + 3 * day, until: firstDay + 3 * day + 1, top: 50 }],
    ['a window after every row', { since: firstDay + 30 * day }],
    ['since after until', { since: firstDay + 5 * day, until: firstDay + 2 * day }],
  ])('reports the same figures: %s', async (_, query) => {
    const expected = await sqlite.report(query);
    expect(await postgres.report(query)).toEqual(expected);
  });

  it.each<[string, LedgerListQuery]>([
    ['everything', {}],
    ['a window', { since: firstDay + 2 * day, until: firstDay + 4 * day + 0.5 }],
    ['one retried request', { requestId: dataset.find((entry) => entry.attempt === 3)?.requestId ?? 'missing' }],
    ['a limit', { limit: 17 }],
    ['a window and a limit', { since: firstDay + 4 * day, limit: 5 }],
  ])('lists the same rows: %s', async (_, query) => {
    const expected = await sqlite.list(query);
    expect(expected.length).toBeGreaterThan(0);
    expect(await postgres.list(query)).toEqual(expected);
  });

  it('names and orders days the same at the edges of the calendar, out-of-range days as null', async () => {
    const edges = timestampsAtTheEdges.map((timestamp, index) => makeLedgerEntry({ requestId: `edge-${index}`, timestamp, costNanos: index, priceUnknown: false }));
    await sqlite.append(edges);
    await postgres.append(edges);

    const expected = await sqlite.report({ top: 1_000 });
    expect(expected.byDay.map((group) => group.key)).toEqual(expect.arrayContaining([null, '-0001-12-31', '0000-01-01', '-4713-11-24', '9999-12-31', '1969-12-31']));
    expect(await postgres.report({ top: 1_000 })).toEqual(expected);
    expect(await postgres.list({ until: 0 })).toEqual(await sqlite.list({ until: 0 }));
  });
});
