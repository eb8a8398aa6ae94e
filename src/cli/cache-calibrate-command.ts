import { readFile } from 'node:fs/promises';
import { calibrateThreshold, type ThresholdCalibration, type ThresholdRow } from '../pipeline/cache/semantic/calibrate-threshold.js';
import { DEFAULT_SEMANTIC_THRESHOLD } from '../pipeline/cache/semantic/default-threshold.js';
import { createHashedNgramEmbedder } from '../pipeline/cache/semantic/hashed-ngram-embedder.js';
import { createOnnxEmbedder } from '../pipeline/cache/semantic/onnx-embedder.js';
import { duplicateScore, LabeledPairsError, readLabeledPairs, type LabelScale } from '../pipeline/cache/semantic/read-labeled-pairs.js';
import { requiredFlag, type Flags } from './main.js';
import { loadConfigFile } from '../config/load-config.js';
import { systemClock } from '../core/clock.js';
import type { Embedder } from '../pipeline/cache/semantic/embedder.js';
import { buildSemanticEmbedder } from '../sdk/build-semantic-embedder.js';
import { createGateway } from '../sdk/create-gateway.js';

/**
 * `tollgate cache calibrate --pairs FILE [--target-precision 0.99] [--format table|json] [--config FILE | --onnx FOLDER]`:
 * measures the built-in embedder (or, with `--config`, the configured `cache.semantic.embedder`;
 * with `--onnx`, a local ONNX model folder) and polarity guard on labeled prompt pairs (CSV:
 * text,text,label) and picks the lowest similarity threshold whose hits are precise enough (see
 * `calibrateThreshold`).
 */
export async function cacheCalibrateCommand(flags: Flags): Promise<number> {
  const format = flags['format'] ?? 'table';
  if (format !== 'table' && format !== 'json') throw new Error(`--format: expected "table" or "json", got "${format}".`);
  const targetPrecision = precisionFlag(flags['target-precision']);
  const configPath = flags['config'];
  const onnxFolder = flags['onnx'];
  if (configPath !== undefined && onnxFolder !== undefined) throw new Error('--config and --onnx each name an embedder; give one of them.');
  if (onnxFolder === '') throw new Error('--onnx: expected a model folder, e.g. --onnx models/all-MiniLM-L6-v2');
  const path = requiredFlag(flags, 'pairs', 'qqp-val.csv');
  const { pairs, scale } = readLabeledPairsFile(path, await readPairsFile(path));
  const calibration =
    configPath === undefined
      ? await calibrateThreshold(pairs, { embedder: onnxFolder === undefined ? createHashedNgramEmbedder() : createOnnxEmbedder({ folder: onnxFolder }), targetPrecision })
      : await withConfiguredEmbedder(configPath, (embedder) => calibrateThreshold(pairs, { embedder, targetPrecision }));
  const defaultRow = calibration.rows.find((row) => Math.abs(row.threshold - DEFAULT_SEMANTIC_THRESHOLD) < 1e-9);
  process.stdout.write(
    format === 'json'
      ? `${JSON.stringify(calibrationJson(path, scale, calibration, defaultRow), null, 2)}\n`
      : calibrationTable(path, scale, calibration, defaultRow),
  );
  return 0;
}

/**
 * `--config FILE`: calibrates the embedder the config's `cache.semantic.embedder` names, through
 * a gateway built from that config (its providers, keys and prices), so the threshold measured
 * is the one that model will be judged by.
 */
async function withConfiguredEmbedder<Result>(configPath: string, run: (embedder: Embedder) => Promise<Result>): Promise<Result> {
  const config = await loadConfigFile(configPath, { env: process.env });
  const settings = config.cache.semantic?.embedder;
  if (settings === undefined) throw new Error(`--config: ${configPath} has no cache.semantic.embedder; leave --config out to calibrate the built-in embedder.`);
  const gateway = createGateway({ config: { ...config, store: { kind: 'memory' } } });
  try {
    return await run(buildSemanticEmbedder(settings, gateway.embeddings, systemClock));
  } finally {
    await gateway.close();
  }
}

function precisionFlag(text: string | undefined): number {
  if (text === undefined) return 0.99;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw new Error(`--target-precision: expected a number above 0 and at most 1, e.g. 0.99, got "${text}".`);
  }
  return value;
}

async function readPairsFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') throw new Error(`--pairs: no such file "${path}".`);
    if (code === 'EISDIR') throw new Error(`--pairs: "${path}" is a directory; give a CSV file of text,text,label rows.`);
    throw new Error(`--pairs: cannot read "${path}": ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readLabeledPairsFile(path: string, text: string): ReturnType<typeof readLabeledPairs> {
  try {
    return readLabeledPairs(text);
  } catch (error) {
    if (error instanceof LabeledPairsError) throw new Error(`${path}: ${error.message}`);
    throw error;
  }
}

function labelRule(scale: LabelScale): string {
  return scale === 'binary' ? 'labels 0/1, 1 is a duplicate' : `labels are 0–5 similarity scores, ≥ ${duplicateScore.toFixed(1)} is a duplicate`;
}

function calibrationJson(path: string, scale: LabelScale, calibration: ThresholdCalibration, defaultRow: ThresholdRow | undefined): unknown {
  return {
    pairsFile: path,
    labels: { scale, rule: labelRule(scale) },
    embedder: calibration.embedderId,
    pairs: calibration.pairs,
    duplicates: calibration.duplicates,
    guard: { vetoed: calibration.guarded, vetoedDuplicates: calibration.guardedDuplicates },
    sameWordsNonDuplicates: calibration.sameWordsNonDuplicates,
    targetPrecision: calibration.targetPrecision,
    minimumHits: calibration.minimumHits,
    chosen: calibration.chosen ?? null,
    defaultThreshold: { threshold: DEFAULT_SEMANTIC_THRESHOLD, ...(defaultRow ?? {}) },
    rows: calibration.rows,
  };
}

function calibrationTable(path: string, scale: LabelScale, calibration: ThresholdCalibration, defaultRow: ThresholdRow | undefined): string {
  const { rows, chosen } = calibration;
  const chosenIndex = chosen === undefined ? -1 : rows.indexOf(chosen);
  const shown = rows.filter(
    (row, index) =>
      Math.round(row.threshold * 1000) % 50 === 0 || (chosenIndex !== -1 && Math.abs(index - chosenIndex) <= 2) || row === defaultRow,
  );
  const lines = [
    `pairs:     ${path}: ${count(calibration.pairs)} pairs, ${count(calibration.duplicates)} duplicates (${labelRule(scale)})`,
    `embedder:  ${calibration.embedderId}`,
    `guard:     the polarity guard vetoes ${count(calibration.guarded)} pairs, ${count(calibration.guardedDuplicates)} of them duplicates`,
    ...(calibration.sameWordsNonDuplicates === 0
      ? []
      : [
          `labels:    ${count(calibration.sameWordsNonDuplicates)} pairs with the same words (case, spacing and punctuation aside) are labeled not duplicate; ` +
            'every embedder scores them 1, so they are wrong hits at every threshold',
        ]),
    `rule:      the lowest threshold with precision ≥ ${calibration.targetPrecision} over ≥ ${calibration.minimumHits} hits, holding at every higher threshold with that many hits`,
    '',
    'threshold     hits  precision   recall  hit rate',
    ...shown.map((row) => {
      const marks = [row === chosen ? 'chosen' : '', row === defaultRow ? 'default' : ''].filter((mark) => mark !== '').join(', ');
      return [
        row.threshold.toFixed(3).padStart(9),
        count(row.hits).padStart(8),
        (row.precision === undefined ? '—' : row.precision.toFixed(4)).padStart(10),
        percent(row.recall).padStart(8),
        percent(row.hitRate).padStart(9),
        marks === '' ? '' : `  ← ${marks}`,
      ].join(' ').trimEnd();
    }),
    '',
    chosen === undefined
      ? `chosen threshold: none; no threshold reaches precision ≥ ${calibration.targetPrecision} over ≥ ${calibration.minimumHits} hits`
      : `chosen threshold: ${describeRow(chosen)}`,
    defaultRow === undefined
      ? `default threshold (DEFAULT_SEMANTIC_THRESHOLD): ${DEFAULT_SEMANTIC_THRESHOLD.toFixed(3)}, outside the sweep`
      : `default threshold (DEFAULT_SEMANTIC_THRESHOLD): ${describeRow(defaultRow)}`,
  ];
  return `${lines.join('\n')}\n`;
}

function describeRow(row: ThresholdRow): string {
  const precision = row.precision === undefined ? 'no hits' : `precision ${row.precision.toFixed(4)} (${count(row.correctHits)} of ${count(row.hits)} hits)`;
  return `${row.threshold.toFixed(3)}: ${precision}, recall ${percent(row.recall)} of duplicates, hit rate ${percent(row.hitRate)} of all pairs`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
