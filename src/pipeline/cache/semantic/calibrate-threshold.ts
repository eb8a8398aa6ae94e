import { cosineSimilarity } from './cosine-similarity.js';
import type { Embedder } from './embedder.js';
import { normalisedWords } from './normalised-words.js';
import { polarityConflict } from './polarity-guard.js';
import type { LabeledPair } from './read-labeled-pairs.js';

/**
 * Measures, on labeled prompt pairs, what each similarity threshold would do as a semantic cache:
 * for every pair, the cosine similarity of the two prompts' embeddings; a pair is a *hit* at a
 * threshold when its similarity is at least the threshold and the guard does not veto it (as in
 * the cache, a guarded pair is never a hit, however similar).
 *
 * The chosen threshold is the lowest one at which the precision of hits is at least
 * `targetPrecision` with at least `minimumHits` hits, and stays so at every higher threshold that
 * still has `minimumHits` hits. The minimum keeps a handful of lucky hits from passing for a
 * measured precision (30 hits at 0.99 allow no miss at all); the "stays" rule keeps a single noisy
 * step from being picked below a threshold that fails.
 */
export interface CalibrationOptions {
  readonly embedder: Embedder;
  /** Vetoes a pair as the cache would. Default `polarityConflict`. */
  readonly guard?: (first: string, second: string) => boolean;
  /** Default 0.99. */
  readonly targetPrecision?: number;
  /** Default 30. */
  readonly minimumHits?: number;
  /** The thresholds swept, both ends included. Default from 0.5 to 1 in steps of 0.005. */
  readonly sweep?: { readonly from: number; readonly to: number; readonly step: number };
  readonly signal?: AbortSignal;
}

export interface ThresholdRow {
  readonly threshold: number;
  /** Pairs at or above the threshold and not guarded. */
  readonly hits: number;
  /** Hits labeled duplicate. */
  readonly correctHits: number;
  /** `correctHits / hits`; undefined without hits. */
  readonly precision: number | undefined;
  /** `correctHits / duplicates`: the share of duplicate pairs the cache would serve. */
  readonly recall: number;
  /** `hits / pairs`: the share of all pairs that would be served from the cache. */
  readonly hitRate: number;
}

export interface ThresholdCalibration {
  readonly embedderId: string;
  readonly pairs: number;
  readonly duplicates: number;
  /** Pairs the guard vetoed, and how many of those were labeled duplicate. */
  readonly guarded: number;
  readonly guardedDuplicates: number;
  readonly targetPrecision: number;
  readonly minimumHits: number;
  /**
   * Unguarded pairs with the same words after normalisation (`normalisedWords`: case, punctuation
   * and spacing aside) that are labeled not duplicate. Every embedder that reads words gives such a
   * pair similarity 1, so it is a hit at every threshold: with `n` of them, no threshold reaches a
   * precision above `1 − n / hits`. They measure the labels, not the cache.
   */
  readonly sameWordsNonDuplicates: number;
  /** One row per swept threshold, ascending. */
  readonly rows: readonly ThresholdRow[];
  /** Undefined when no threshold meets the target. */
  readonly chosen: ThresholdRow | undefined;
}

/** A pair as the sweep sees it. */
export interface ScoredPair {
  readonly similarity: number;
  readonly guarded: boolean;
  readonly duplicate: boolean;
  /** Whether both prompts have the same normalised words. Default false. */
  readonly sameWords?: boolean;
}

const embeddingBatchSize = 512;

/** Embeds and scores every pair, then sweeps the thresholds (see `CalibrationOptions`). */
export async function calibrateThreshold(pairs: readonly LabeledPair[], options: CalibrationOptions): Promise<ThresholdCalibration> {
  const guard = options.guard ?? polarityConflict;
  const texts = [...new Set(pairs.flatMap((pair) => [pair.first, pair.second]))];
  const vectors = new Map<string, Float32Array>();
  for (let start = 0; start < texts.length; start += embeddingBatchSize) {
    const batch = texts.slice(start, start + embeddingBatchSize);
    const embedded = await options.embedder.embed(batch, options.signal);
    batch.forEach((text, index) => vectors.set(text, embedded[index]!));
  }
  const scored = pairs.map((pair) => ({
    similarity: cosineSimilarity(vectors.get(pair.first)!, vectors.get(pair.second)!),
    guarded: guard(pair.first, pair.second),
    duplicate: pair.duplicate,
    sameWords: normalisedWords(pair.first).join(' ') === normalisedWords(pair.second).join(' '),
  }));
  return { embedderId: options.embedder.id, ...sweepThresholds(scored, options) };
}

/** The sweep alone, over pairs already scored. */
export function sweepThresholds(
  scored: readonly ScoredPair[],
  options: Omit<CalibrationOptions, 'embedder' | 'guard' | 'signal'> = {},
): Omit<ThresholdCalibration, 'embedderId'> {
  const targetPrecision = options.targetPrecision ?? 0.99;
  const minimumHits = options.minimumHits ?? 30;
  if (!(targetPrecision > 0 && targetPrecision <= 1)) throw new RangeError(`targetPrecision must be above 0 and at most 1, got ${targetPrecision}`);
  if (!Number.isInteger(minimumHits) || minimumHits < 1) throw new RangeError(`minimumHits must be a positive integer, got ${minimumHits}`);
  const thresholds = sweptThresholds(options.sweep ?? { from: 0.5, to: 1, step: 0.005 });

  const duplicates = scored.filter((pair) => pair.duplicate).length;
  const eligible = scored.filter((pair) => !pair.guarded);
  const rows = thresholds.map((threshold): ThresholdRow => {
    let hits = 0;
    let correctHits = 0;
    for (const pair of eligible) {
      if (pair.similarity < threshold) continue;
      hits += 1;
      if (pair.duplicate) correctHits += 1;
    }
    return {
      threshold,
      hits,
      correctHits,
      precision: hits === 0 ? undefined : correctHits / hits,
      recall: duplicates === 0 ? 0 : correctHits / duplicates,
      hitRate: scored.length === 0 ? 0 : hits / scored.length,
    };
  });

  let chosen: ThresholdRow | undefined;
  for (const row of [...rows].reverse()) {
    if (row.hits < minimumHits) continue;
    // Compared in counts, so 0.99 × hits does not lose to floating-point rounding.
    if (row.correctHits < targetPrecision * row.hits - 1e-9) break;
    chosen = row;
  }
  return {
    pairs: scored.length,
    duplicates,
    guarded: scored.length - eligible.length,
    guardedDuplicates: scored.filter((pair) => pair.guarded && pair.duplicate).length,
    sameWordsNonDuplicates: eligible.filter((pair) => pair.sameWords === true && !pair.duplicate).length,
    targetPrecision,
    minimumHits,
    rows,
    chosen,
  };
}

/** The thresholds from `from` to `to` inclusive, rounded to 6 decimal places so 0.1 + 0.2 stays 0.3. */
function sweptThresholds({ from, to, step }: { readonly from: number; readonly to: number; readonly step: number }): number[] {
  if (!(from >= -1 && to <= 1 && from <= to && step > 0)) {
    throw new RangeError(`sweep must satisfy -1 ≤ from ≤ to ≤ 1 and step > 0, got from ${from}, to ${to}, step ${step}`);
  }
  const count = Math.floor((to - from) / step + 1e-9);
  return Array.from({ length: count + 1 }, (_, index) => Math.round((from + index * step) * 1e6) / 1e6);
}
