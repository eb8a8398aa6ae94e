import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

/**
 * A sentence-transformers style model folder, as Hugging Face serves them (e.g.
 * `sentence-transformers/all-MiniLM-L6-v2`), read synchronously so an embedder built from it knows
 * its `id` and `dimensions` at once:
 *
 * - the model: `modelFile` if given, else `model.onnx`, else `onnx/model.onnx`;
 * - `tokenizer.json` (required) and `tokenizer_config.json` (optional);
 * - the vector length: `config.json`'s `hidden_size` (BERT, RoBERTa, MPNet …), `dim` (DistilBERT)
 *   or `d_model` (T5), else the `dimensions` option;
 * - the default token limit: `sentence_bert_config.json`'s `max_seq_length` (what
 *   sentence-transformers uses), else `tokenizer_config.json`'s `model_max_length` capped at 512,
 *   else 256;
 * - a fingerprint: the first 12 hex digits of the SHA-256 of the model file, its external weights
 *   (`<model>_data` or `<model>.data`, when present) and `tokenizer.json`, so a changed model or
 *   vocabulary changes the embedder's `id`. A 90 MB model hashes in about 0.2 s, once, at boot.
 */
export interface OnnxModelFolderOptions {
  /** The model file, relative to the folder, e.g. `onnx/model_quantized.onnx`. */
  readonly modelFile?: string;
  /** The vector length, when `config.json` does not say it; must agree with it when it does. */
  readonly dimensions?: number;
}

export interface OnnxModelFolder {
  /** The folder, absolute. */
  readonly folder: string;
  /** The folder's own name, e.g. `all-MiniLM-L6-v2`. */
  readonly name: string;
  readonly modelPath: string;
  readonly tokenizerJson: object;
  readonly tokenizerConfig: Readonly<Record<string, unknown>>;
  readonly dimensions: number;
  readonly defaultMaxTokens: number;
  /** `config.json`'s `max_position_embeddings`, when it says; more tokens than this cannot run. */
  readonly maxPositions: number | undefined;
  readonly fingerprint: string;
}

const modelFileCandidates = ['model.onnx', 'onnx/model.onnx'];

export function readOnnxModelFolder(folder: string, options: OnnxModelFolderOptions = {}): OnnxModelFolder {
  const absolute = resolve(folder);
  if (!existsSync(absolute)) throw new Error(`onnx embedder: the model folder ${absolute} does not exist`);
  const modelPath = modelPathIn(absolute, options.modelFile);
  const tokenizerPath = join(absolute, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) throw new Error(`onnx embedder: ${absolute} has no tokenizer.json; export the tokenizer with the model (tokenizer.save_pretrained)`);
  const tokenizerBytes = readFileSync(tokenizerPath);
  const tokenizerJson = parsedObject(tokenizerPath, tokenizerBytes.toString('utf8'));
  const tokenizerConfig = optionalJson(join(absolute, 'tokenizer_config.json')) ?? {};
  const config = optionalJson(join(absolute, 'config.json'));
  const sentenceBertConfig = optionalJson(join(absolute, 'sentence_bert_config.json'));

  const declared = config === undefined ? undefined : firstPositiveInteger(config, ['hidden_size', 'dim', 'd_model']);
  if (declared !== undefined && options.dimensions !== undefined && declared !== options.dimensions) {
    throw new Error(`onnx embedder: ${join(absolute, 'config.json')} says hidden_size ${declared}, but dimensions ${options.dimensions} was given`);
  }
  const dimensions = declared ?? options.dimensions;
  if (dimensions === undefined) {
    const where = config === undefined ? `${absolute} has no config.json` : `${join(absolute, 'config.json')} has no hidden_size, dim or d_model`;
    throw new Error(`onnx embedder: ${where}; give the vector length as the dimensions option`);
  }
  if (!Number.isInteger(dimensions) || dimensions < 1) throw new RangeError(`onnx embedder: dimensions must be a positive integer, got ${dimensions}`);

  const modelMaxLength = firstPositiveInteger(tokenizerConfig, ['model_max_length']);
  const defaultMaxTokens =
    (sentenceBertConfig === undefined ? undefined : firstPositiveInteger(sentenceBertConfig, ['max_seq_length'])) ??
    (modelMaxLength === undefined ? 256 : Math.min(modelMaxLength, 512));

  const hash = createHash('sha256');
  for (const path of [modelPath, `${modelPath}_data`, `${modelPath}.data`]) if (path === modelPath || existsSync(path)) hashFile(hash, path);
  hash.update(tokenizerBytes);

  return {
    folder: absolute,
    name: basename(absolute),
    modelPath,
    tokenizerJson,
    tokenizerConfig,
    dimensions,
    defaultMaxTokens,
    maxPositions: config === undefined ? undefined : firstPositiveInteger(config, ['max_position_embeddings']),
    fingerprint: hash.digest('hex').slice(0, 12),
  };
}

function modelPathIn(folder: string, modelFile: string | undefined): string {
  if (modelFile !== undefined) {
    const path = resolve(folder, modelFile);
    if (!existsSync(path)) throw new Error(`onnx embedder: the model file ${path} does not exist`);
    return path;
  }
  const found = modelFileCandidates.map((candidate) => join(folder, candidate)).find((path) => existsSync(path));
  if (found === undefined) {
    throw new Error(`onnx embedder: ${folder} has no model file (looked for ${modelFileCandidates.join(' and ')}); export the model to ONNX, or name the file with modelFile`);
  }
  return found;
}

/** Hashes a file in 1 MiB reads, so a large model is never held in memory twice. */
function hashFile(hash: ReturnType<typeof createHash>, path: string): void {
  const descriptor = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let read = readSync(descriptor, chunk); read > 0; read = readSync(descriptor, chunk)) hash.update(chunk.subarray(0, read));
  } finally {
    closeSync(descriptor);
  }
}

function optionalJson(path: string): Readonly<Record<string, unknown>> | undefined {
  return existsSync(path) ? parsedObject(path, readFileSync(path, 'utf8')) : undefined;
}

function parsedObject(path: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`onnx embedder: ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`onnx embedder: ${path} must hold a JSON object`);
  return value as Record<string, unknown>;
}

function firstPositiveInteger(object: Readonly<Record<string, unknown>>, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const value = object[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  }
  return undefined;
}
