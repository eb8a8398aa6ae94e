import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a sentence-transformers style model folder for tests, with no network and no model hub:
 * a real ONNX model that onnxruntime runs, a WordPiece `tokenizer.json` that `@huggingface/tokenizers`
 * reads, `tokenizer_config.json` and `config.json`.
 *
 * The model is a BERT without layers: `last_hidden_state[b, s, :] = table[input_ids[b, s], :]`, the
 * table an initializer of deterministic values, so a test can compute by hand what mean pooling must
 * give. `[PAD]`'s row is large on purpose: a pooling that forgets the attention mask shows at once.
 * `attention_mask` and `token_type_ids` are declared as BERT declares them (onnxruntime accepts
 * graph inputs no node reads). With `output: 'sentence_embedding'` the model pools itself
 * (mask-weighted mean) and returns [b, hidden]. Tensors are stored as raw little-endian bytes, the
 * byte order of every platform onnxruntime-node ships binaries for.
 *
 * The ModelProto is serialised here by a minimal protobuf writer; field numbers follow
 * onnx/onnx.proto (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, TypeProto …).
 */
export interface TinyOnnxModelOptions {
  /** Default 8. */
  readonly hiddenSize?: number;
  /** Seeds the table's values; another seed gives other model bytes. Default 1. */
  readonly seed?: number;
  /** Where the model file goes, as in Hugging Face exports. Default `onnx/model.onnx`. */
  readonly modelPath?: 'model.onnx' | 'onnx/model.onnx';
  /** Default `last_hidden_state` ([batch, seq, hidden]). */
  readonly output?: 'last_hidden_state' | 'sentence_embedding';
  /** Declare a `token_type_ids` input (BERT does, DistilBERT does not). Default true. */
  readonly tokenTypeIds?: boolean;
  /** `model_max_length` in tokenizer_config.json. Default 512. */
  readonly modelMaxLength?: number;
  /** Leave files out, to test the errors. */
  readonly omit?: readonly ('model' | 'tokenizer.json' | 'tokenizer_config.json' | 'config.json')[];
}

export interface TinyOnnxModel {
  readonly folder: string;
  readonly hiddenSize: number;
  /** Token → id, as in tokenizer.json. */
  readonly vocabulary: ReadonlyMap<string, number>;
  /** The embedding table, row-major [vocabulary size × hiddenSize], as written (float32). */
  readonly table: Float32Array;
}

/** `[PAD]` first (id 0), then the specials, words and `##` pieces. */
export const tinyVocabulary: readonly string[] = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]',
  'how', 'do', 'i', 'reset', 'my', 'password', 'write', 'a', 'poem', 'about', 'cat', 'dog',
  'weather', 'today', 'play', 'run', 'cache', 'the', '?', '!', '.', ',',
  '##s', '##ing', '##ed',
];

/** Writes the folder into `folder` (which must exist) and returns what a test needs to compute expected vectors. */
export function writeTinyOnnxModel(folder: string, options: TinyOnnxModelOptions = {}): TinyOnnxModel {
  const hiddenSize = options.hiddenSize ?? 8;
  const omitted = new Set(options.omit ?? []);
  const vocabulary = new Map(tinyVocabulary.map((token, id) => [token, id]));
  const table = embeddingTable(tinyVocabulary.length, hiddenSize, options.seed ?? 1);

  if (!omitted.has('model')) {
    const modelPath = join(folder, options.modelPath ?? 'onnx/model.onnx');
    mkdirSync(join(modelPath, '..'), { recursive: true });
    writeFileSync(modelPath, tinyModelBytes(table, hiddenSize, options.output ?? 'last_hidden_state', options.tokenTypeIds ?? true));
  }
  const json = (name: 'tokenizer.json' | 'tokenizer_config.json' | 'config.json', value: unknown): void => {
    if (!omitted.has(name)) writeFileSync(join(folder, name), `${JSON.stringify(value, null, 2)}\n`);
  };
  json('tokenizer.json', tinyTokenizerJson(vocabulary));
  json('tokenizer_config.json', {
    tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: options.modelMaxLength ?? 512,
    pad_token: '[PAD]', unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]', mask_token: '[MASK]',
  });
  json('config.json', { architectures: ['BertModel'], model_type: 'bert', hidden_size: hiddenSize, vocab_size: tinyVocabulary.length });
  return { folder, hiddenSize, vocabulary, table };
}

/** Values in [-1, 1) from a seeded LCG; the specials' rows are small, `[PAD]`'s row is 10s. */
function embeddingTable(rows: number, hiddenSize: number, seed: number): Float32Array {
  const table = new Float32Array(rows * hiddenSize);
  let state = (seed * 2_654_435_761) >>> 0;
  for (let index = 0; index < table.length; index += 1) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    table[index] = state / 2_147_483_648 - 1;
  }
  for (let column = 0; column < hiddenSize; column += 1) {
    table[column] = 10;
    for (const special of [1, 2, 3, 4]) table[special * hiddenSize + column]! *= 0.1;
  }
  return table;
}

function tinyTokenizerJson(vocabulary: ReadonlyMap<string, number>): unknown {
  const special = (token: string): unknown => ({
    id: vocabulary.get(token), content: token, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  });
  const specialEntry = (token: string): unknown => ({ id: token, ids: [vocabulary.get(token)], tokens: [token] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': specialEntry('[CLS]'), '[SEP]': specialEntry('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocabulary) },
  };
}

// ---- ONNX ModelProto, by hand -------------------------------------------------------------

const floatType = 1;
const int64Type = 7;
const intAttribute = 2;

function tinyModelBytes(table: Float32Array, hiddenSize: number, output: 'last_hidden_state' | 'sentence_embedding', tokenTypeIds: boolean): Uint8Array {
  const rows = table.length / hiddenSize;
  const tokens = output === 'last_hidden_state' ? 'last_hidden_state' : 'token_embeddings';
  const nodes = [node('Gather', ['embeddings.word_embeddings', 'input_ids'], [tokens])];
  const initializers = [tensor('embeddings.word_embeddings', floatType, [rows, hiddenSize], new Uint8Array(table.buffer, table.byteOffset, table.byteLength))];
  if (output === 'sentence_embedding') {
    // sentence_embedding = Σ_s mask·token / Σ_s mask, in opset 13 (ReduceSum and Unsqueeze take axes as inputs).
    initializers.push(tensor('axis_1', int64Type, [1], new Uint8Array(BigInt64Array.of(1n).buffer)));
    initializers.push(tensor('axis_2', int64Type, [1], new Uint8Array(BigInt64Array.of(2n).buffer)));
    nodes.push(
      node('Cast', ['attention_mask'], ['mask_float'], [attribute('to', floatType)]),
      node('Unsqueeze', ['mask_float', 'axis_2'], ['mask_expanded']),
      node('Mul', [tokens, 'mask_expanded'], ['masked_embeddings']),
      node('ReduceSum', ['masked_embeddings', 'axis_1'], ['summed_embeddings'], [attribute('keepdims', 0)]),
      node('ReduceSum', ['mask_expanded', 'axis_1'], ['token_counts'], [attribute('keepdims', 0)]),
      node('Div', ['summed_embeddings', 'token_counts'], ['sentence_embedding']),
    );
  }
  const tokenInput = (name: string): Uint8Array => valueInfo(name, int64Type, ['batch_size', 'sequence_length']);
  const graph = message(
    ...nodes.map((value) => field(1, value)),
    field(2, 'tiny_bert'),
    ...initializers.map((value) => field(5, value)),
    field(11, tokenInput('input_ids')),
    field(11, tokenInput('attention_mask')),
    ...(tokenTypeIds ? [field(11, tokenInput('token_type_ids'))] : []),
    field(12, output === 'sentence_embedding'
      ? valueInfo('sentence_embedding', floatType, ['batch_size', hiddenSize])
      : valueInfo('last_hidden_state', floatType, ['batch_size', 'sequence_length', hiddenSize])),
  );
  // ir_version 8, producer_name, graph, opset_import { domain "" (ai.onnx), version 13 }.
  return message(field(1, 8), field(2, 'tollgate-tiny-onnx-model'), field(7, graph), field(8, message(field(1, ''), field(2, 13))));
}

function node(operator: string, inputs: readonly string[], outputs: readonly string[], attributes: readonly Uint8Array[] = []): Uint8Array {
  return message(...inputs.map((name) => field(1, name)), ...outputs.map((name) => field(2, name)), field(3, `${operator}_${outputs[0]}`), field(4, operator), ...attributes.map((value) => field(5, value)));
}

function attribute(name: string, value: number): Uint8Array {
  return message(field(1, name), field(3, value), field(20, intAttribute));
}

function tensor(name: string, dataType: number, dims: readonly number[], raw: Uint8Array): Uint8Array {
  return message(...dims.map((dim) => field(1, dim)), field(2, dataType), field(8, name), field(9, raw));
}

function valueInfo(name: string, elementType: number, dims: readonly (number | string)[]): Uint8Array {
  const shape = message(...dims.map((dim) => field(1, message(typeof dim === 'number' ? field(1, dim) : field(2, dim)))));
  return message(field(1, name), field(2, message(field(1, message(field(1, elementType), field(2, shape))))));
}

// ---- protobuf wire format: varints (wire type 0) and length-delimited fields (wire type 2) ----

/** One encoded field: a non-negative integer as a varint; a string (UTF-8) or bytes length-delimited. */
function field(number: number, value: number | string | Uint8Array): Uint8Array {
  if (typeof value === 'number') return concat([varint(number * 8), varint(value)]);
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  return concat([varint(number * 8 + 2), varint(bytes.length), bytes]);
}

function message(...fields: readonly Uint8Array[]): Uint8Array {
  return concat(fields);
}

function varint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint: expected a non-negative safe integer, got ${value}`);
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
