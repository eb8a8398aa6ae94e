import { describe, expect, it } from 'vitest';
import { calibrateThreshold, sweepThresholds, type ScoredPair } from './calibrate-threshold.js';
import type { Embedder } from './embedder.js';
import type { LabeledPair } from './read-labeled-pairs.js';

/**
 * A fake embedder that places texts so that a pair's cosine similarity is whatever the second
 * text says: `anchor …` is (1, 0); `at 0.93 …` is (0.93, √(1 − 0.93²)).
 */
const placingEmbedder: Embedder = {
  id: 'placing',
  dimensions: 2,
  embed: async (texts) =>
    texts.map((text) => {
      const similarity = /^at ([\d.]+)/.exec(text)?.[1];
      if (similarity === undefined) return Float32Array.of(1, 0);
      const value = Number(similarity);
      return Float32Array.of(value, Math.sqrt(1 - value * value));
    }),
};

let line = 0;
const pairs = (count: number, similarity: number, duplicate: boolean, tag = ''): LabeledPair[] =>
  Array.from({ length: count }, () => {
    line += 1;
    return { first: `anchor ${line}${tag}`, second: `at ${similarity} #${line}${tag}`, duplicate, line };
  });

// 100 duplicates at 0.95, one non-duplicate at 0.93, then at 0.80 20 duplicates and 30 non-duplicates
// (marked "veto"), and 50 non-duplicates at 0.40, below the sweep.
const labeled = [
  ...pairs(100, 0.95, true),
  ...pairs(1, 0.93, false),
  ...pairs(20, 0.8, true),
  ...pairs(30, 0.8, false, ' veto'),
  ...pairs(50, 0.4, false),
];

describe('calibrateThreshold', () => {
  it('picks the lowest threshold whose hits reach the target precision, with measured numbers', async () => {
    const calibration = await calibrateThreshold(labeled, { embedder: placingEmbedder, guard: () => false });
    expect(calibration).toMatchObject({ embedderId: 'placing', pairs: 201, duplicates: 120, guarded: 0, targetPrecision: 0.99, minimumHits: 30 });
    // At 0.80 the 50 pairs there join: 120 of 151 hits. Just above it, 100 of 101 ≥ 0.99.
    expect(calibration.chosen).toEqual({ threshold: 0.805, hits: 101, correctHits: 100, precision: 100 / 101, recall: 100 / 120, hitRate: 101 / 201 });
    expect(calibration.rows.find((row) => row.threshold === 0.8)).toMatchObject({ hits: 151, correctHits: 120 });
    expect(calibration.rows).toHaveLength(101);
    expect(calibration.rows[0]!.threshold).toBe(0.5);
    expect(calibration.rows.at(-1)).toEqual({ threshold: 1, hits: 0, correctHits: 0, precision: undefined, recall: 0, hitRate: 0 });
  });

  it('never counts a guarded pair as a hit, however similar', async () => {
    const calibration = await calibrateThreshold(labeled, { embedder: placingEmbedder, guard: (_, second) => second.endsWith('veto') });
    expect(calibration).toMatchObject({ guarded: 30, guardedDuplicates: 0 });
    // Without the 30 vetoed non-duplicates every threshold in the sweep holds: 120 of 121.
    expect(calibration.chosen).toMatchObject({ threshold: 0.5, hits: 121, correctHits: 120 });
  });

  it('counts the non-duplicate labels on pairs with the same words: the ceiling no embedder can pass', async () => {
    const calibration = await calibrateThreshold(
      [
        { first: 'What is the purpose of life ?', second: 'What is the purpose of life?', duplicate: false, line: 1 },
        { first: 'Which laptop should I buy', second: 'which laptop should I buy?', duplicate: true, line: 2 },
        { first: 'Which laptop I should buy?', second: 'Which laptop should I buy?', duplicate: false, line: 3 },
        { first: 'Turn it on', second: 'turn it off', duplicate: false, line: 4 },
      ],
      { embedder: placingEmbedder },
    );
    // Line 1 only: line 2 is labeled duplicate, line 3's words differ in order, line 4's differ.
    expect(calibration.sameWordsNonDuplicates).toBe(1);
  });

  it('uses the polarity guard by default', async () => {
    const calibration = await calibrateThreshold(
      [{ first: 'turn it on', second: 'turn it off', duplicate: false, line: 1 }],
      { embedder: { ...placingEmbedder, embed: async (texts) => texts.map(() => Float32Array.of(1, 0)) } },
    );
    expect(calibration.guarded).toBe(1);
    expect(calibration.rows.every((row) => row.hits === 0)).toBe(true);
  });

  it('honours a lower target', async () => {
    const calibration = await calibrateThreshold(labeled, { embedder: placingEmbedder, guard: () => false, targetPrecision: 0.75 });
    expect(calibration.chosen?.threshold).toBe(0.5);
  });
});

describe('sweepThresholds', () => {
  const scored = (count: number, similarity: number, duplicate: boolean): ScoredPair[] =>
    Array.from({ length: count }, () => ({ similarity, duplicate, guarded: false }));

  it('needs at least minimumHits hits, so a few lucky hits do not count', () => {
    const few = scored(10, 0.99, true);
    expect(sweepThresholds(few).chosen).toBeUndefined();
    expect(sweepThresholds(few, { minimumHits: 10 }).chosen).toMatchObject({ threshold: 0.5, hits: 10, precision: 1 });
  });

  it('does not pick a threshold below one that fails the target', () => {
    // Top: 34 of 35 (0.971, fails). Lower: 234 of 235 (0.996, passes), but precision dipped above it.
    const dipped = [...scored(34, 0.98, true), ...scored(1, 0.98, false), ...scored(200, 0.9, true)];
    expect(sweepThresholds(dipped).chosen).toBeUndefined();
  });

  it('sweeps the thresholds asked for, ends included', () => {
    const rows = sweepThresholds(scored(1, 0.7, true), { sweep: { from: 0.6, to: 0.8, step: 0.1 } }).rows;
    expect(rows.map((row) => [row.threshold, row.hits])).toEqual([[0.6, 1], [0.7, 1], [0.8, 0]]);
  });

  it('rejects invalid options', () => {
    expect(() => sweepThresholds([], { targetPrecision: 1.5 })).toThrow(/targetPrecision/);
    expect(() => sweepThresholds([], { minimumHits: 0 })).toThrow(/minimumHits/);
    expect(() => sweepThresholds([], { sweep: { from: 0.9, to: 0.5, step: 0.1 } })).toThrow(/sweep/);
  });
});
