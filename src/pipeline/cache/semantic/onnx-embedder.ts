import type { Embedder } from './embedder.js';
import { l2Normalised } from './l2-normalised.js';
import { meanPooled } from './mean-pooling.js';
import { readOnnxModelFolder, type OnnxModelFolder } from './onnx-model-folder.js';
import { importOnnxRuntimeModules, type OnnxRuntimeModules, type OnnxSession, type OnnxTensor, type TextTokenizer } from './onnx-runtime-modules.js';
import { paddedTokenBatch, type PaddedTokenBatch } from './padded-token-batch.js';
import { truncatedTokenIds } from './truncated-token-ids.js';

/**
 * An `Embedder` over a local sentence-transformers model exported to ONNX (a Hugging Face folder
 * such as `sentence-transformers/all-MiniLM-L6-v2`: `onnx/model.onnx` or `model.onnx`,
 * `tokenizer.json`, `config.json`), run in-process by onnxruntime-node on the CPU: no network, no
 * per-request cost.
 *
 * Building it reads the folder synchronously (see `readOnnxModelFolder`), so `id` and `dimensions`
 * are known at once and a missing file fails at boot, naming the file. The optional packages
 * `onnxruntime-node` and `@huggingface/tokenizers` are imported, and the model loaded, on the first
 * `embed`, once, however many calls arrive together; a failed load is retried by the next call.
 *
 * Each text is tokenized with its special tokens and cut to `maxTokens` (keeping the specials);
 * texts are sorted by length and run in batches of `batchSize`, padded, with `input_ids`,
 * `attention_mask` and, when the model declares it, `token_type_ids`. The model's first output is
 * either token vectors [batch, sequence, hidden] (`last_hidden_state`, `token_embeddings`), which
 * are mean-pooled over the attention mask, or sentence vectors [batch, hidden]
 * (`sentence_embedding`), taken as they are; either is L2-normalised.
 *
 * `id` is `onnx:<folder name>:<fingerprint>:d<dimensions>:mean:t<maxTokens>`; the fingerprint
 * hashes the model and `tokenizer.json`, so replacing either starts a new vector space.
 */
export interface OnnxEmbedderOptions {
  /** The model folder. */
  readonly folder: string;
  /** The model file relative to the folder, when not `model.onnx` or `onnx/model.onnx`. */
  readonly modelFile?: string;
  /** The vector length, needed only when `config.json` does not give `hidden_size`. */
  readonly dimensions?: number;
  /** Tokens per text, special tokens included. Default from the folder (see `readOnnxModelFolder`). */
  readonly maxTokens?: number;
  /** Texts per model run. Default 32. */
  readonly batchSize?: number;
  /** onnxruntime's threads per operator. Default onnxruntime's (the CPU's cores). */
  readonly threads?: number;
  /** Imports onnxruntime-node and @huggingface/tokenizers; a test may hand in its own. */
  readonly loadModules?: () => Promise<OnnxRuntimeModules>;
}

interface LoadedModel {
  readonly modules: OnnxRuntimeModules;
  readonly session: OnnxSession;
  readonly tokenizer: TextTokenizer;
  readonly outputName: string;
  readonly feedsTokenTypes: boolean;
  readonly padId: number;
}

const modelInputs: ReadonlySet<string> = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

export function createOnnxEmbedder(options: OnnxEmbedderOptions): Embedder {
  const model = readOnnxModelFolder(options.folder, { modelFile: options.modelFile, dimensions: options.dimensions });
  const maxTokens = resolvedMaxTokens(options.maxTokens, model);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`onnx embedder: batchSize must be a positive integer, got ${options.batchSize}`);
  if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 1)) {
    throw new RangeError(`onnx embedder: threads must be a positive integer, got ${options.threads}`);
  }
  const { dimensions } = model;
  const loadModules = options.loadModules ?? importOnnxRuntimeModules;

  let loading: Promise<LoadedModel> | undefined;
  const loaded = (): Promise<LoadedModel> => {
    loading ??= loadModel(model, loadModules, options.threads).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };

  return {
    id: `onnx:${model.name}:${model.fingerprint}:d${dimensions}:mean:t${maxTokens}`,
    dimensions,
    embed: async function onnxEmbed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
      signal?.throwIfAborted();
      if (texts.length === 0) return [];
      const runtime = await loaded();
      signal?.throwIfAborted();
      const sequences = texts.map((text) => encoded(runtime.tokenizer, text, maxTokens));
      const vectors: Float32Array[] = sequences.map(() => new Float32Array(dimensions));
      // Shortest first, so a batch pads to about its own length; empty sequences keep the zero vector.
      const order = sequences.map((_, index) => index).filter((index) => sequences[index]!.length > 0);
      order.sort((left, right) => sequences[left]!.length - sequences[right]!.length);
      for (let start = 0; start < order.length; start += batchSize) {
        const rows = order.slice(start, start + batchSize);
        const batch = paddedTokenBatch(rows.map((row) => sequences[row]!), runtime.padId);
        const outputs = await runtime.session.run(feedsFor(runtime, batch), [runtime.outputName]);
        signal?.throwIfAborted();
        const pooled = pooledVectors(outputs[runtime.outputName], batch, runtime.outputName, model);
        rows.forEach((row, index) => (vectors[row] = l2Normalised(pooled[index]!)));
      }
      return vectors;
    },
  };
}

async function loadModel(model: OnnxModelFolder, loadModules: () => Promise<OnnxRuntimeModules>, threads: number | undefined): Promise<LoadedModel> {
  const modules = await loadModules();
  let tokenizer: TextTokenizer;
  try {
    tokenizer = modules.createTokenizer(model.tokenizerJson, model.tokenizerConfig);
  } catch (error) {
    throw new Error(`onnx embedder: cannot read ${model.folder}/tokenizer.json: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  let session: OnnxSession;
  try {
    session = await modules.createSession(model.modelPath, { threads });
  } catch (error) {
    throw new Error(`onnx embedder: onnxruntime cannot load ${model.modelPath}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const unknownInputs = session.inputNames.filter((name) => !modelInputs.has(name));
  if (unknownInputs.length > 0 || !session.inputNames.includes('input_ids')) {
    throw new Error(
      `onnx embedder: ${model.modelPath} takes inputs ${session.inputNames.join(', ')}; the embedder feeds input_ids, attention_mask and token_type_ids (a feature-extraction export)`,
    );
  }
  const outputName = session.outputNames[0];
  if (outputName === undefined) throw new Error(`onnx embedder: ${model.modelPath} has no outputs`);
  return { modules, session, tokenizer, outputName, feedsTokenTypes: session.inputNames.includes('token_type_ids'), padId: padIdOf(model, tokenizer) };
}

/** The text's ids with its special tokens, cut to `maxTokens`. */
function encoded(tokenizer: TextTokenizer, text: string, maxTokens: number): number[] {
  const ids = tokenizer.ids(text, true);
  return ids.length <= maxTokens ? ids : truncatedTokenIds(ids, tokenizer.ids(text, false), maxTokens);
}

function feedsFor(runtime: LoadedModel, batch: PaddedTokenBatch): Record<string, OnnxTensor> {
  const shape = [batch.size, batch.sequenceLength];
  const feeds: Record<string, OnnxTensor> = {
    input_ids: runtime.modules.createInt64Tensor(batch.inputIds, shape),
  };
  if (runtime.session.inputNames.includes('attention_mask')) feeds['attention_mask'] = runtime.modules.createInt64Tensor(batch.attentionMask, shape);
  if (runtime.feedsTokenTypes) feeds['token_type_ids'] = runtime.modules.createInt64Tensor(batch.tokenTypeIds, shape);
  return feeds;
}

/** One unnormalised vector per row of the batch, from token vectors (mean-pooled) or sentence vectors. */
function pooledVectors(output: OnnxTensor | undefined, batch: PaddedTokenBatch, outputName: string, model: OnnxModelFolder): Float32Array[] {
  const where = `onnx embedder: ${model.modelPath} output ${outputName}`;
  if (output === undefined) throw new Error(`${where} is missing from the run's results`);
  if (output.type !== 'float32' || !(output.data instanceof Float32Array)) {
    throw new Error(`${where} is ${output.type}; the embedder reads float32 outputs (use an fp32 or quantized-int8 export, not fp16)`);
  }
  const width = output.dims.at(-1);
  if (width !== model.dimensions) {
    throw new Error(`${where} has vectors of ${width} values, but the embedder's dimensions are ${model.dimensions} (from config.json or the dimensions option)`);
  }
  const expected = output.dims.length === 3 ? [batch.size, batch.sequenceLength, width] : [batch.size, width];
  if (output.dims.length !== expected.length || output.dims.some((dim, index) => dim !== expected[index])) {
    throw new Error(`${where} has shape [${output.dims.join(', ')}]; expected [${expected.join(', ')}] (token vectors or sentence vectors)`);
  }
  if (output.dims.length === 3) return meanPooled(output.data, batch.attentionMask, { batch: batch.size, sequenceLength: batch.sequenceLength, width });
  const data = output.data;
  return Array.from({ length: batch.size }, (_, row) => data.slice(row * width, (row + 1) * width));
}

function resolvedMaxTokens(requested: number | undefined, model: OnnxModelFolder): number {
  if (requested === undefined) return Math.min(model.defaultMaxTokens, model.maxPositions ?? Infinity);
  if (!Number.isInteger(requested) || requested < 1) throw new RangeError(`onnx embedder: maxTokens must be a positive integer, got ${requested}`);
  if (model.maxPositions !== undefined && requested > model.maxPositions) {
    throw new RangeError(`onnx embedder: maxTokens ${requested} exceeds the model's max_position_embeddings ${model.maxPositions} (config.json)`);
  }
  return requested;
}

/** tokenizer_config.json's `pad_token`, else tokenizer.json's `padding.pad_id`, else 0; padding is masked either way. */
function padIdOf(model: OnnxModelFolder, tokenizer: TextTokenizer): number {
  const padToken = model.tokenizerConfig['pad_token'];
  const content = typeof padToken === 'string' ? padToken : (padToken as { content?: unknown } | null | undefined)?.content;
  const fromConfig = typeof content === 'string' ? tokenizer.idOf(content) : undefined;
  if (fromConfig !== undefined) return fromConfig;
  const padding = (model.tokenizerJson as { padding?: { pad_id?: unknown } | null }).padding;
  return typeof padding?.pad_id === 'number' ? padding.pad_id : 0;
}
