/**
 * What the ONNX embedder needs from its two optional dependencies, `onnxruntime-node` (runs the
 * model) and `@huggingface/tokenizers` (reads `tokenizer.json`), as a small contract of its own:
 * the embedder is tested against it, and a missing package is one clear error, raised on the first
 * `embed` rather than at boot.
 */
export interface OnnxTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Readonly<Record<string, OnnxTensor>>, outputNames: readonly string[]): Promise<Readonly<Record<string, OnnxTensor>>>;
}

export interface TextTokenizer {
  /** The token ids of `text`, with or without the special tokens the post-processor adds. */
  ids(text: string, withSpecialTokens: boolean): number[];
  idOf(token: string): number | undefined;
}

export interface OnnxSessionSettings {
  /** Threads for one operator (onnxruntime's `intraOpNumThreads`); undefined leaves onnxruntime's default. */
  readonly threads: number | undefined;
}

export interface OnnxRuntimeModules {
  createSession(modelPath: string, settings: OnnxSessionSettings): Promise<OnnxSession>;
  createInt64Tensor(data: BigInt64Array, dims: readonly number[]): OnnxTensor;
  createTokenizer(tokenizerJson: object, tokenizerConfig: object): TextTokenizer;
}

export const onnxInstallHint = 'npm install onnxruntime-node @huggingface/tokenizers';

/** How the two packages are imported; a test hands in one that fails. */
export interface OnnxRuntimeImporters {
  readonly runtime: () => Promise<typeof import('onnxruntime-node')>;
  readonly tokenizers: () => Promise<typeof import('@huggingface/tokenizers')>;
}

const defaultImporters: OnnxRuntimeImporters = {
  runtime: () => import('onnxruntime-node'),
  tokenizers: () => import('@huggingface/tokenizers'),
};

/** Imports both packages; rejects with an Error naming a missing package and the install command. */
export async function importOnnxRuntimeModules(importers: OnnxRuntimeImporters = defaultImporters): Promise<OnnxRuntimeModules> {
  const runtime = await importOptional('onnxruntime-node', importers.runtime);
  const tokenizers = await importOptional('@huggingface/tokenizers', importers.tokenizers);
  return {
    createSession: (modelPath, settings) =>
      runtime.InferenceSession.create(modelPath, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        ...(settings.threads === undefined ? {} : { intraOpNumThreads: settings.threads }),
      }),
    createInt64Tensor: (data, dims) => new runtime.Tensor('int64', data, dims),
    createTokenizer: (tokenizerJson, tokenizerConfig) => {
      const tokenizer = new tokenizers.Tokenizer(tokenizerJson, tokenizerConfig);
      return {
        ids: (text, withSpecialTokens) => tokenizer.encode(text, { add_special_tokens: withSpecialTokens }).ids,
        idOf: (token) => tokenizer.token_to_id(token),
      };
    },
  };
}

async function importOptional<Module>(name: string, load: () => Promise<Module>): Promise<Module> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error(`the ONNX embedder needs the optional package ${name}, which is not installed; run \`${onnxInstallHint}\``, { cause: error });
    }
    throw new Error(`the ONNX embedder could not load ${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
