import type { ChatMessage, ChatRequestBody } from '../../../core/chat-request.js';
import { silentLogger, type Logger } from '../../../core/logger.js';
import type { RequestTags } from '../../../core/request-context.js';
import type { SemanticIndex } from '../../../stores/semantic-index.js';
import { canonicalRequestHash } from '../canonical-request-key.js';
import type { Embedder } from './embedder.js';
import { polarityConflict } from './polarity-guard.js';

export interface SemanticMatcherOptions {
  readonly embedder: Embedder;
  /** Cosine similarity from which a prompt counts as the same question (see `tollgate cache calibrate`). */
  readonly threshold: number;
  /** Logical models answered from similar prompts; every other model is exact-only. */
  readonly models: ReadonlySet<string>;
  /**
   * Where prompt vectors are indexed, of the embedder's dimensions; built (and closed) by the
   * composition root: in memory, or in the embedded default's SQLite file.
   */
  readonly index: SemanticIndex;
  /**
   * How many trailing messages are compared by similarity (default 1: single-turn prompts only).
   * With N > 1 the last N messages (ending with a user message) are compared, and everything
   * before them must be identical (it is part of the partition).
   */
  readonly turns?: number;
  /**
   * Shares indexed prompts with the other replicas (scale-out, where the answers themselves are
   * in Redis): what one replica indexes, the others index too.
   */
  readonly feed?: SemanticEntryFeed;
  /** Told when the index fails, once per run of failures (default: silent). */
  readonly logger?: Logger;
}

/** How indexed prompts travel between replicas (see `stores/redis/redis-shared-entry-feed.ts`). */
export interface SemanticEntryFeed {
  publish(entry: { readonly fields: Readonly<Record<string, string>>; readonly payload: Uint8Array }): void;
  subscribe(onEntry: (entry: { readonly fields: Readonly<Record<string, string>>; readonly payload: Uint8Array }) => void): () => void;
}

/** A request prepared for the semantic cache: its partition, its prompt and that prompt's vector. */
export interface SemanticProbe {
  /** Entries that may answer it, best first: same partition, similar enough, no polarity conflict. */
  candidates(): ReadonlyArray<{ readonly id: number; readonly exactKey: string; readonly similarity: number; readonly text: string }>;
  /** The compared text of this request (the prompt, or its last turns). */
  readonly text: string;
  /** Indexes this request's prompt as an answer stored under `exactKey`. */
  remember(exactKey: string): void;
  /** Drops an entry whose answer is gone from the store. */
  forget(id: number): void;
}

/**
 * The semantic cache's matching: single-turn prompts only (system messages allowed, no earlier
 * assistant or tool turns), compared within a partition holding everything else about the
 * request (tenant, namespace, model, system prompt, every parameter), so only the wording of the
 * question may differ. A candidate must reach the threshold and pass the polarity guard ("turn it
 * on" never answers "turn it off"). Answers themselves live in the exact cache's store; the index
 * maps prompts to their exact keys.
 *
 * An index that fails (a closed or broken database) makes every lookup a miss and every
 * `remember` a no-op, never a failed request; the first failure of a run is logged, and the next
 * success ends the run.
 */
export function createSemanticMatcher(options: SemanticMatcherOptions) {
  const { index, embedder } = options;
  const logger = options.logger ?? silentLogger;
  if (index.dimensions !== embedder.dimensions) {
    throw new RangeError(`semantic matcher: the index holds vectors of ${index.dimensions} dimensions, the embedder "${embedder.id}" makes ${embedder.dimensions}`);
  }
  if (!(options.threshold > 0 && options.threshold <= 1)) throw new RangeError(`semantic matcher: threshold must be in (0, 1], got ${options.threshold}`);
  const embedderId = embedder.id;
  let failing = false;

  /** Runs an index operation; a failure is logged (once per run of failures) and answers `fallback`. */
  function guarded<Result>(operation: string, run: () => Result, fallback: Result): Result {
    try {
      const result = run();
      failing = false;
      return result;
    } catch (error) {
      if (!failing) logger.warn('semantic index failed; semantic lookups are misses until it recovers', { operation, error: error instanceof Error ? error.message : String(error) });
      failing = true;
      return fallback;
    }
  }

  options.feed?.subscribe(({ fields, payload }) => {
    const { partition, text, exactKey, embedder: from } = fields;
    // Only vectors of the same space and length are comparable.
    if (from !== embedderId || partition === undefined || text === undefined || exactKey === undefined) return;
    if (payload.byteLength !== embedder.dimensions * 4) return;
    const vector = new Float32Array(embedder.dimensions);
    new Uint8Array(vector.buffer).set(payload);
    guarded('add', () => index.add({ partition, exactKey, text, vector }), undefined);
  });

  return {
    /** `undefined` when the request cannot be answered semantically (model not enabled, not single-turn). */
    async probe(body: ChatRequestBody, tenantPrefix: string, signal?: AbortSignal, onBehalfOf?: RequestTags): Promise<SemanticProbe | undefined> {
      if (!options.models.has(body.model)) return undefined;
      const turn = (options.turns ?? 1) === 1 ? singleTurn(body.messages) : lastTurns(body.messages, options.turns ?? 1);
      if (turn === undefined) return undefined;
      const compared = new Set(turn.indexes);
      const partition = `${tenantPrefix}|${compared.size}|${canonicalRequestHash({ ...body, messages: body.messages.map((message, at) => (compared.has(at) ? { role: message.role, content: '' } : message)) })}`;
      const [vector] = await embedder.embed([turn.text], signal, onBehalfOf);
      if (vector === undefined) return undefined;
      return {
        candidates: () => guarded('search', () => index.search(vector, partition, options.threshold, (candidate) => !polarityConflict(turn.text, candidate)), []),
        text: turn.text,
        remember: (exactKey) => {
          guarded('add', () => index.add({ partition, exactKey, text: turn.text, vector }), undefined);
          options.feed?.publish({ fields: { partition, text: turn.text, exactKey, embedder: embedderId }, payload: new Uint8Array(vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength)) });
        },
        forget: (id) => guarded('remove', () => index.remove(id), undefined),
      };
    },
    size: () => index.size(),
  };
}

export type SemanticMatcher = ReturnType<typeof createSemanticMatcher>;

interface ComparedTurns {
  readonly text: string;
  readonly indexes: readonly number[];
}

/** The one user message's text when the conversation is a single turn, with its position. */
function singleTurn(messages: readonly ChatMessage[]): ComparedTurns | undefined {
  let found: ComparedTurns | undefined;
  for (const [index, message] of messages.entries()) {
    if (message.role === 'system' || message.role === 'developer') continue;
    if (message.role !== 'user' || found !== undefined) return undefined;
    const text = textOf(message);
    if (text === undefined) return undefined;
    found = { text, indexes: [index] };
  }
  return found;
}

/** The last `count` messages as one text (roles kept, so who said what matters), ending with a user message. */
function lastTurns(messages: readonly ChatMessage[], count: number): ComparedTurns | undefined {
  const start = messages.length - count;
  if (start < 0 || messages[messages.length - 1]?.role !== 'user') return undefined;
  const parts: string[] = [];
  const indexes: number[] = [];
  for (let index = start; index < messages.length; index += 1) {
    const message = messages[index] as ChatMessage;
    if (message.role !== 'user' && message.role !== 'assistant') return undefined;
    const text = textOf(message);
    if (text === undefined) return undefined;
    parts.push(`${message.role}: ${text}`);
    indexes.push(index);
  }
  return { text: parts.join('\n'), indexes };
}

/** Plain text only: a prompt with images or files is never matched by similarity. */
function textOf(message: ChatMessage): string | undefined {
  if (typeof message.content === 'string') return message.content;
  if (!Array.isArray(message.content)) return undefined;
  let text = '';
  for (const part of message.content as ReadonlyArray<{ readonly type?: unknown; readonly text?: unknown }>) {
    if (part.type !== 'text' || typeof part.text !== 'string') return undefined;
    text += part.text;
  }
  return text;
}
