import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyOnnxModel, type TinyOnnxModel, type TinyOnnxModelOptions } from '../../../testing/tiny-onnx-model.js';
import { calibrateThreshold } from './calibrate-threshold.js';
import { cosineSimilarity } from './cosine-similarity.js';
import { createOnnxEmbedder } from './onnx-embedder.js';
import { importOnnxRuntimeModules, type OnnxRuntimeModules } from './onnx-runtime-modules.js';

const installed = ['onnxruntime-node', '@huggingface/tokenizers'].every((name) => {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
});

/** The hand computation: the mean of the tokens' table rows, L2-normalised. */
function expectedVector(model: TinyOnnxModel, tokens: readonly string[]): number[] {
  const sums = new Array<number>(model.hiddenSize).fill(0);
  for (const token of tokens) {
    const id = model.vocabulary.get(token)!;
    for (let column = 0; column < model.hiddenSize; column += 1) sums[column]! += model.table[id * model.hiddenSize + column]! / tokens.length;
  }
  const norm = Math.hypot(...sums);
  return sums.map((value) => value / norm);
}

function expectCloseTo(actual: Float32Array | undefined, expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, index) => expect(actual![index]).toBeCloseTo(value, 5));
}

const norm = (vector: Float32Array | undefined): number => Math.hypot(...vector!);

describe.skipIf(!installed)(installed ? 'onnx embedder' : 'onnx embedder: skipped, onnxruntime-node or @huggingface/tokenizers is not installed', () => {
  let root: string;
  let tiny: TinyOnnxModel;
  const passwordTokens = ['[CLS]', 'how', 'do', 'i', 'reset', 'my', 'password', '?', '[SEP]'];

  /** A fresh folder named `name` holding the tiny model. */
  function modelFolder(name: string, options: TinyOnnxModelOptions = {}): TinyOnnxModel {
    const folder = join(mkdtempSync(join(root, 'model-')), name);
    mkdirSync(folder);
    return writeTinyOnnxModel(folder, options);
  }

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tollgate-onnx-embedder-'));
    tiny = modelFolder('tiny-bert');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('returns unit vectors of the declared length, the same for the same text, under an id naming the model', async () => {
    const embedder = createOnnxEmbedder({ folder: tiny.folder });
    expect(embedder.dimensions).toBe(8);
    expect(embedder.id).toMatch(/^onnx:tiny-bert:[0-9a-f]{12}:d8:mean:t512$/);
    const [first, second, again] = await embedder.embed(['How do I reset my password?', 'Write a poem about cats', 'How do I reset my password?']);
    for (const vector of [first, second, again]) {
      expect(vector).toHaveLength(8);
      expect(norm(vector)).toBeCloseTo(1, 6);
    }
    expect([...again!]).toEqual([...first!]);
    expect(await embedder.embed([])).toEqual([]);
  });

  it('mean-pools over the attention mask: a text alone, or padded in a batch with a longer one, gives the hand-computed vector', async () => {
    const embedder = createOnnxEmbedder({ folder: tiny.folder });
    const expected = expectedVector(tiny, passwordTokens);
    const [alone] = await embedder.embed(['How do I reset my PASSWORD?']);
    expectCloseTo(alone, expected);
    // [PAD]'s row is all 10s: were the padding pooled, the short text's vector would swing towards it.
    const long = 'Write a poem about the weather today, playing with my dog, and run the cache! How do I reset my password?';
    const [longVector, padded] = await embedder.embed([long, 'How do I reset my PASSWORD?']);
    expectCloseTo(padded, expected);
    expect(cosineSimilarity(longVector!, padded!)).toBeLessThan(0.99);
  });

  it('gives the same vectors in whatever batches the texts run', async () => {
    const texts = ['play', 'How do I reset my password?', 'the weather today', 'Write a poem about cats and dogs', 'run', 'cache?'];
    const whole = await createOnnxEmbedder({ folder: tiny.folder }).embed(texts);
    const inPairs = await createOnnxEmbedder({ folder: tiny.folder, batchSize: 2 }).embed(texts);
    whole.forEach((vector, index) => expectCloseTo(inPairs[index], [...vector]));
  });

  it('finds texts that share tokens more similar than texts that share none', async () => {
    const [question, rephrased, unrelated] = await createOnnxEmbedder({ folder: tiny.folder }).embed([
      'How do I reset my password?',
      'reset password',
      'Write a poem about the weather',
    ]);
    expect(cosineSimilarity(question!, rephrased!)).toBeGreaterThan(cosineSimilarity(question!, unrelated!) + 0.2);
  });

  it('cuts a long text to maxTokens, keeping [CLS] and [SEP]', async () => {
    const embedder = createOnnxEmbedder({ folder: tiny.folder, maxTokens: 4 });
    expect(embedder.id).toMatch(/:t4$/);
    const [vector] = await embedder.embed(['How do I reset my password?']);
    expectCloseTo(vector, expectedVector(tiny, ['[CLS]', 'how', 'do', '[SEP]']));
  });

  it('defaults maxTokens to sentence_bert_config.json, else tokenizer_config.json capped at 512, else 256', () => {
    expect(createOnnxEmbedder({ folder: modelFolder('long', { modelMaxLength: 1_000_000 }).folder }).id).toMatch(/:t512$/);
    expect(createOnnxEmbedder({ folder: modelFolder('short', { modelMaxLength: 128 }).folder }).id).toMatch(/:t128$/);
    expect(createOnnxEmbedder({ folder: modelFolder('bare', { omit: ['tokenizer_config.json'] }).folder }).id).toMatch(/:t256$/);
    const sentenceBert = modelFolder('sentence-bert');
    writeFileSync(join(sentenceBert.folder, 'sentence_bert_config.json'), '{ "max_seq_length": 200, "do_lower_case": false }');
    expect(createOnnxEmbedder({ folder: sentenceBert.folder }).id).toMatch(/:t200$/);
  });

  it('changes its id when the model bytes change, and only then', () => {
    const same = modelFolder('tiny-bert');
    const retrained = modelFolder('tiny-bert', { seed: 2 });
    expect(createOnnxEmbedder({ folder: same.folder }).id).toBe(createOnnxEmbedder({ folder: tiny.folder }).id);
    expect(createOnnxEmbedder({ folder: retrained.folder }).id).not.toBe(createOnnxEmbedder({ folder: tiny.folder }).id);
  });

  it('reads model.onnx at the root, a model without token_type_ids, and an output already pooled', async () => {
    const pooled = modelFolder('pooled', { modelPath: 'model.onnx', output: 'sentence_embedding', tokenTypeIds: false });
    const [short, long] = await createOnnxEmbedder({ folder: pooled.folder }).embed(['How do I reset my password?', 'Write a poem about the weather today, please']);
    expectCloseTo(short, expectedVector(pooled, passwordTokens));
    expect(norm(long)).toBeCloseTo(1, 6);
  });

  it('names the missing file or setting when built', () => {
    const folderOf = (name: string, options: TinyOnnxModelOptions): string => modelFolder(name, options).folder;
    expect(() => createOnnxEmbedder({ folder: folderOf('no-model', { omit: ['model'] }) })).toThrow(
      /no-model has no model file \(looked for model\.onnx and onnx\/model\.onnx\)/,
    );
    expect(() => createOnnxEmbedder({ folder: folderOf('no-tokenizer', { omit: ['tokenizer.json'] }) })).toThrow(/no-tokenizer has no tokenizer\.json/);
    const noConfig = folderOf('no-config', { omit: ['config.json'] });
    expect(() => createOnnxEmbedder({ folder: noConfig })).toThrow(/no-config has no config\.json; give the vector length as the dimensions option/);
    expect(createOnnxEmbedder({ folder: noConfig, dimensions: 8 }).dimensions).toBe(8);
    expect(() => createOnnxEmbedder({ folder: tiny.folder, dimensions: 16 })).toThrow(/config\.json says hidden_size 8, but dimensions 16 was given/);
    expect(() => createOnnxEmbedder({ folder: join(root, 'absent') })).toThrow(/the model folder .*absent does not exist/);
    expect(() => createOnnxEmbedder({ folder: tiny.folder, modelFile: 'onnx/model_quantized.onnx' })).toThrow(/model_quantized\.onnx does not exist/);
    expect(() => createOnnxEmbedder({ folder: tiny.folder, batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
  });

  it('rejects with a vector-length error when the model and config.json disagree', async () => {
    const embedder = createOnnxEmbedder({ folder: modelFolder('wrong-size', { omit: ['config.json'] }).folder, dimensions: 16 });
    await expect(embedder.embed(['hello'])).rejects.toThrow(/output last_hidden_state has vectors of 8 values, but the embedder's dimensions are 16/);
  });

  it('rejects with the signal’s reason when aborted, before or while the model loads', async () => {
    const embedder = createOnnxEmbedder({ folder: tiny.folder });
    const aborted = AbortSignal.abort(new Error('client went away'));
    await expect(embedder.embed(['hello'], aborted)).rejects.toThrow('client went away');
    const controller = new AbortController();
    const pending = embedder.embed(['hello'], controller.signal);
    controller.abort(new Error('late abort'));
    await expect(pending).rejects.toThrow('late abort');
    expect(await embedder.embed(['hello'])).toHaveLength(1);
  });

  it('loads once under concurrent first calls, and tries again after a failed load', async () => {
    let loads = 0;
    let failNext = true;
    const embedder = createOnnxEmbedder({
      folder: tiny.folder,
      loadModules: async (): Promise<OnnxRuntimeModules> => {
        loads += 1;
        if (failNext) {
          failNext = false;
          throw new Error('disk hiccup');
        }
        return importOnnxRuntimeModules();
      },
    });
    await expect(embedder.embed(['hello'])).rejects.toThrow('disk hiccup');
    const results = await Promise.all([embedder.embed(['hello']), embedder.embed(['cat']), embedder.embed(['dog'])]);
    expect(results.map((vectors) => vectors.length)).toEqual([1, 1, 1]);
    expect(loads).toBe(2);
  });

  it('says how to install onnxruntime-node when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'onnxruntime-node'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const embedder = createOnnxEmbedder({
      folder: tiny.folder,
      loadModules: () => importOnnxRuntimeModules({ runtime: () => Promise.reject(missing), tokenizers: () => import('@huggingface/tokenizers') }),
    });
    await expect(embedder.embed(['hello'])).rejects.toThrow(
      'the ONNX embedder needs the optional package onnxruntime-node, which is not installed; run `npm install onnxruntime-node @huggingface/tokenizers`',
    );
  });

  it('plugs into calibrateThreshold', async () => {
    const embedder = createOnnxEmbedder({ folder: tiny.folder });
    const calibration = await calibrateThreshold(
      [
        { first: 'How do I reset my password?', second: 'how do i reset my password', duplicate: true, line: 2 },
        { first: 'Write a poem about cats', second: 'write a poem about a cat', duplicate: true, line: 3 },
        { first: 'How do I reset my password?', second: 'Write a poem about the weather', duplicate: false, line: 4 },
        { first: 'play with the dog', second: 'the weather today', duplicate: false, line: 5 },
      ],
      { embedder, targetPrecision: 1, minimumHits: 2 },
    );
    expect(calibration).toMatchObject({ embedderId: embedder.id, pairs: 4, duplicates: 2 });
    expect(calibration.chosen).toMatchObject({ hits: 2, correctHits: 2, precision: 1 });
  });
});
