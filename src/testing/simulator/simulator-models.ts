/**
 * The simulator's model table: which model names it answers for, on which wire format, and how fast.
 */

/** The wire format a model answers on: OpenAI chat completions, Anthropic Messages, or Google Gemini. */
export type SimulatorApi = 'openai' | 'anthropic' | 'gemini';

/**
 * When an Anthropic or Gemini model thinks: `unsupported` (a thinking request is refused on
 * Anthropic and ignored on Gemini), `on-request` (Claude's `thinking: {type: "enabled"}`, or a
 * Gemini `thinkingBudget` > 0), `by-default` (Gemini 2.5 Flash: unless `thinkingBudget: 0`),
 * `always` (Gemini 2.5 Pro: `thinkingBudget: 0` is refused).
 */
export type SimulatorThinking = 'unsupported' | 'on-request' | 'by-default' | 'always';

export interface SimulatorModelProfile {
  /** `chat` models answer chat/messages/generateContent; `embedding` models answer /v1/embeddings (Gemini: embedContent, batchEmbedContents). */
  readonly kind: 'chat' | 'embedding';
  /** The wire format this entry answers on. Default `openai`. */
  readonly api?: SimulatorApi;
  /** Delay before the first byte of output (streaming) or added to the total (non-streaming). */
  readonly timeToFirstTokenMs: number;
  /** Output speed after the first token; `Infinity` (or <= 0) means no per-token delay. */
  readonly tokensPerSecond: number;
  /** OpenAI reasoning models (o-series) report `reasoning_tokens` > 0, counted inside `completion_tokens`. */
  readonly reasoning?: boolean;
  /** Anthropic and Gemini: see `SimulatorThinking`. Default `unsupported`. */
  readonly thinking?: SimulatorThinking;
  /**
   * Anthropic and Gemini: the shortest prompt prefix the provider caches. Absent means the
   * model never reports cached tokens (e.g. gemini-2.0-flash has no implicit caching).
   */
  readonly minimumCacheableTokens?: number;
  /** The name reported back (Anthropic `model`, Gemini `modelVersion`); default the requested name. */
  readonly responseModel?: string;
  /** Vector length for embedding models. */
  readonly embeddingDimensions?: number;
  /** Unix seconds reported by GET /v1/models. */
  readonly createdAt?: number;
}

export type SimulatorModelTable = Readonly<Record<string, SimulatorModelProfile>>;

const instantChat: SimulatorModelProfile = { kind: 'chat', timeToFirstTokenMs: 0, tokensPerSecond: Infinity };
const instantReasoning: SimulatorModelProfile = { ...instantChat, reasoning: true };
const instantClaude: SimulatorModelProfile = { ...instantChat, api: 'anthropic', thinking: 'on-request', minimumCacheableTokens: 1024 };
const instantGemini: SimulatorModelProfile = { ...instantChat, api: 'gemini', thinking: 'unsupported' };
const instantGeminiEmbedding: SimulatorModelProfile = { kind: 'embedding', api: 'gemini', timeToFirstTokenMs: 0, tokensPerSecond: Infinity, embeddingDimensions: 3072 };

/**
 * Zero-latency defaults, so the simulator adds nothing measurable to a benchmark. Anthropic
 * minimum cacheable lengths follow Anthropic's prompt-caching table (1024 for Sonnet 4.5 and
 * Opus 4.1, 2048 for Haiku 3.5, 4096 for Haiku 4.5); Gemini's follow Google's implicit-caching
 * table (1024 for 2.5 Flash and Flash-Lite, 2048 for 2.5 Pro; 2.0 Flash does not cache implicitly).
 * Gemini embedding sizes are Google's defaults: 3072 for gemini-embedding-001, 768 for text-embedding-004.
 */
export const defaultSimulatorModels: SimulatorModelTable = Object.freeze({
  'gpt-4o': { ...instantChat, createdAt: 1715367049 },
  'gpt-4o-mini': { ...instantChat, createdAt: 1721172741 },
  'gpt-4.1': { ...instantChat, createdAt: 1744316542 },
  'gpt-4.1-mini': { ...instantChat, createdAt: 1744318173 },
  'gpt-4.1-nano': { ...instantChat, createdAt: 1744321707 },
  'o1': { ...instantReasoning, createdAt: 1734375816 },
  'o3-mini': { ...instantReasoning, createdAt: 1737146383 },
  'o4-mini': { ...instantReasoning, createdAt: 1744225351 },
  'text-embedding-3-small': {
    kind: 'embedding',
    timeToFirstTokenMs: 0,
    tokensPerSecond: Infinity,
    embeddingDimensions: 1536,
    createdAt: 1705948997,
  },
  'claude-sonnet-4-5': { ...instantClaude, responseModel: 'claude-sonnet-4-5-20250929' },
  'claude-sonnet-4-5-20250929': { ...instantClaude },
  'claude-opus-4-1': { ...instantClaude, responseModel: 'claude-opus-4-1-20250805' },
  'claude-opus-4-1-20250805': { ...instantClaude },
  'claude-haiku-4-5': { ...instantClaude, minimumCacheableTokens: 4096, responseModel: 'claude-haiku-4-5-20251001' },
  'claude-haiku-4-5-20251001': { ...instantClaude, minimumCacheableTokens: 4096 },
  'claude-3-5-haiku-latest': { ...instantClaude, thinking: 'unsupported', minimumCacheableTokens: 2048, responseModel: 'claude-3-5-haiku-20241022' },
  'claude-3-5-haiku-20241022': { ...instantClaude, thinking: 'unsupported', minimumCacheableTokens: 2048 },
  'gemini-2.5-pro': { ...instantGemini, thinking: 'always', minimumCacheableTokens: 2048 },
  'gemini-2.5-flash': { ...instantGemini, thinking: 'by-default', minimumCacheableTokens: 1024 },
  'gemini-2.5-flash-lite': { ...instantGemini, thinking: 'on-request', minimumCacheableTokens: 1024 },
  'gemini-2.0-flash': { ...instantGemini },
  'gemini-embedding-001': { ...instantGeminiEmbedding },
  'text-embedding-004': { ...instantGeminiEmbedding, embeddingDimensions: 768 },
});

export interface ModelResolverOptions {
  readonly models: SimulatorModelTable;
  /** `true` accepts every name; a string is a glob (`*` matches anything), e.g. `"sim-*"`. */
  readonly acceptAnyModel?: boolean | string;
}

/** Looks a name up for one wire format (default `openai`). */
export type ModelResolver = (modelName: string, api?: SimulatorApi) => SimulatorModelProfile | undefined;

/**
 * Builds a lookup that honours the table first, then the `acceptAnyModel` wildcard. A table
 * entry answers only on its own API; on another API the name needs the wildcard and then
 * behaves as a generic instant model of that API.
 */
export function createModelResolver(options: ModelResolverOptions): ModelResolver {
  const { models, acceptAnyModel } = options;
  const wildcard = toWildcardMatcher(acceptAnyModel);
  return function resolveSimulatorModel(modelName, api = 'openai') {
    const profile = Object.hasOwn(models, modelName) ? models[modelName] : undefined;
    if (profile !== undefined && (profile.api ?? 'openai') === api) return profile;
    if (!wildcard(modelName)) return undefined;
    if (api === 'anthropic') return instantClaude;
    if (api === 'gemini') return /embedding/.test(modelName) ? instantGeminiEmbedding : instantGemini;
    if (/embedding/.test(modelName)) return models['text-embedding-3-small'] ?? defaultSimulatorModels['text-embedding-3-small'];
    // Names such as "o3" or "o1-pro" behave like the reasoning models they imitate.
    return /^o\d/.test(modelName) ? instantReasoning : instantChat;
  };
}

/** Time to emit `tokens` output tokens at the model's speed (0 for an instant model). */
export function outputMilliseconds(profile: SimulatorModelProfile, tokens: number): number {
  const speed = profile.tokensPerSecond;
  return Number.isFinite(speed) && speed > 0 ? (tokens / speed) * 1000 : 0;
}

function toWildcardMatcher(acceptAnyModel: boolean | string | undefined): (name: string) => boolean {
  if (acceptAnyModel === true) return () => true;
  if (acceptAnyModel === undefined || acceptAnyModel === false) return () => false;
  return globToMatcher(acceptAnyModel);
}

/** `*` matches any run of characters; everything else is literal. */
export function globToMatcher(glob: string): (name: string) => boolean {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`^${escaped.join('.*')}$`);
  return (name) => pattern.test(name);
}
