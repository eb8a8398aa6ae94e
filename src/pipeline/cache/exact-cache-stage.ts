import type { ChatCompletionBody } from '../../core/chat-request.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { ModelCall, ModelRequest, ModelResponse, ModelStream } from '../../core/model-call.js';
import { startAttempt, type RequestContext } from '../../core/request-context.js';
import type { StreamPart } from '../../core/stream-part.js';
import { usageOf, type Usage } from '../../core/usage.js';
import type { CachedResponse, ResponseCacheStore } from '../../stores/response-cache-store.js';
import { splitIntoDeltas } from '../degradation/static-answer-call.js';
import { settleAttempt, type AttemptRecorderOptions } from '../metering/attempt-recorder.js';
import { canonicalRequestHash } from './canonical-request-key.js';
import { createCompletionCollector } from './completion-from-parts.js';
import type { SemanticMatcher, SemanticProbe } from './semantic/semantic-matcher.js';

export type CacheScope = 'key' | 'team' | 'org' | 'global';

export interface ExactCacheStageOptions {
  readonly store: ResponseCacheStore;
  readonly ttlMs: number;
  /** Whose answers are shared; built from the virtual key, never from client headers. */
  readonly scope: CacheScope;
  /** Records a hit as a ledger row (`tollgate/exact-cache`, free, with the cost it avoided). */
  readonly recorder: AttemptRecorderOptions;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Answers similar single-turn prompts from stored answers (off when absent). */
  readonly semantic?: SemanticMatcher;
  /**
   * Asks a cheap model whether a semantic candidate really asks the same thing before it is
   * served; its call is an attempt of this request (metered, and counted by the budget).
   */
  readonly verify?: (request: ModelRequest, question: string, candidate: string) => Promise<boolean>;
}

/** What a lookup found: an answer (and how close its prompt was), and the probe to index a new answer with. */
interface Lookup {
  readonly hit: CachedResponse | undefined;
  readonly similarity: number | null;
  readonly probe: SemanticProbe | undefined;
}

/** A hit costs nothing: every bucket is known and zero. */
const zeroUsage: Usage = Object.freeze(usageOf({ inputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 0, reasoningTokens: 0 }));
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The exact response cache. The key is the tenant scope (from the virtual key: the key itself,
 * its team or org, or `global` by explicit choice), the client's namespace, and a hash of the
 * canonical request; a request without the scope's owner is not cached (`bypass`). Only complete,
 * successful answers are stored (every choice ended `stop` or `tool_calls`); a streamed request
 * is answered from the cache as a stream. It sits after the limits stage, so a hit has passed
 * authentication, rate limits and the budget; it is recorded in the ledger at no cost, with the
 * cost it avoided. A cache that cannot be reached is a miss, never a failed request.
 */
export function exactCacheStage(options: ExactCacheStageOptions) {
  const { store, clock, logger } = options;

  return function exactCache(next: ModelCall): ModelCall {
    return {
      async generate(request) {
        const key = cacheKey(request);
        if (key === undefined) return next.generate(request);
        const found = await lookUp(request, key);
        if (found.hit !== undefined) return answerFrom(request, found.hit, found.similarity);
        const startAttempt = request.context.attempts.length;
        const response = await next.generate(request);
        const body = response.rawBody ?? encoder.encode(JSON.stringify(response.body));
        if (isReplayable(response.body)) remember(request, key, body, startAttempt, response, found.probe);
        return response;
      },

      async stream(request) {
        const key = cacheKey(request);
        if (key === undefined) return next.stream(request);
        const found = await lookUp(request, key);
        if (found.hit !== undefined) return replayFrom(request, found.hit, found.similarity);
        const startAttempt = request.context.attempts.length;
        const upstream = await next.stream(request);
        return { wireFormat: upstream.wireFormat, [Symbol.asyncIterator]: () => collected(upstream, request, key, startAttempt, found.probe) };
      },
    };
  };

  function cacheKey(request: ModelRequest): string | undefined {
    const { context } = request;
    const tenant = tenantOf(context, options.scope);
    if (tenant === undefined) {
      context.cacheOutcome = 'bypass';
      return undefined;
    }
    return `${tenantPrefix(context, tenant)}|${canonicalRequestHash(request.body)}`;
  }

  function tenantPrefix(context: RequestContext, tenant: string): string {
    return `t:${options.scope}:${encodeURIComponent(tenant)}|ns:${context.cacheDirectives.namespace}`;
  }

  async function lookUp(request: ModelRequest, key: string): Promise<Lookup> {
    const { context } = request;
    context.cacheOutcome = 'miss';
    const directives = context.cacheDirectives;
    try {
      if (!directives.noCache) {
        const hit = await store.get(key, clock.now(), directives.maxAgeMs);
        if (hit !== undefined) return { hit, similarity: null, probe: undefined };
      }
      const probe = await options.semantic?.probe(request.body, tenantPrefix(context, tenantOf(context, options.scope) as string), request.signal, context.tags);
      if (probe === undefined || directives.noCache) return { hit: undefined, similarity: null, probe };
      // The best few candidates whose answers are still stored; one whose answer expired leaves the index.
      for (const candidate of probe.candidates().slice(0, 3)) {
        const hit = await store.get(candidate.exactKey, clock.now(), directives.maxAgeMs);
        if (hit === undefined) {
          probe.forget(candidate.id);
          continue;
        }
        if (options.verify !== undefined && !(await options.verify(request, probe.text, candidate.text))) continue;
        return { hit, similarity: candidate.similarity, probe: undefined };
      }
      return { hit: undefined, similarity: null, probe };
    } catch (error) {
      if (request.signal?.aborted === true) throw error;
      logger.warn('response cache unreachable; treating as a miss', { error: error instanceof Error ? error.message : String(error) });
      return { hit: undefined, similarity: null, probe: undefined };
    }
  }

  function recordHit(context: RequestContext, hit: CachedResponse, similarity: number | null): void {
    const status = similarity === null ? 'hit' : 'semantic-hit';
    context.cacheOutcome = status;
    context.route = 'cache';
    context.routeReason = `${similarity === null ? 'exact' : `semantic (similarity ${similarity})`} cache hit, stored ${new Date(hit.storedAt).toISOString()} from ${hit.servedBy}`;
    if (similarity !== null) context.limitHeaders['x-tollgate-cache-similarity'] = String(similarity);
    const attempt = startAttempt(context);
    settleAttempt(options.recorder, context, attempt, clock.now(), clock.monotonic(), {
      measured: { usage: zeroUsage, providerUsage: undefined },
      error: undefined,
      ttftMs: 0,
      cache: { status, similarity, costAvoidedNanos: hit.costNanos ?? 0 },
    });
    context.servingDeployment = `cache (${hit.servedBy})`;
  }

  function answerFrom(request: ModelRequest, hit: CachedResponse, similarity: number | null): ModelResponse {
    recordHit(request.context, hit, similarity);
    const body = JSON.parse(decoder.decode(hit.body)) as ChatCompletionBody;
    return { body, rawBody: hit.body, upstreamModel: 'exact-cache', usage: zeroUsage, providerUsage: undefined };
  }

  function replayFrom(request: ModelRequest, hit: CachedResponse, similarity: number | null): ModelStream {
    recordHit(request.context, hit, similarity);
    const body = JSON.parse(decoder.decode(hit.body)) as ChatCompletionBody;
    return { wireFormat: undefined, [Symbol.asyncIterator]: () => replayParts(body) };
  }

  function remember(
    request: ModelRequest,
    key: string,
    body: Uint8Array,
    startAttempt: number,
    response: { readonly upstreamModel: string },
    probe: SemanticProbe | undefined,
  ): void {
    const { context } = request;
    if (context.cacheDirectives.noStore) return;
    const attempts = context.attempts.slice(startAttempt);
    const last = attempts[attempts.length - 1];
    const costNanos = attempts.some((attempt) => attempt.costNanos === null) ? null : attempts.reduce((sum, attempt) => sum + (attempt.costNanos ?? 0), 0);
    const entry: CachedResponse = {
      body,
      costNanos,
      servedBy: last === undefined ? response.upstreamModel : `${last.providerId}/${last.upstreamModel}`,
      storedAt: clock.now(),
    };
    store.set(key, entry, options.ttlMs, entry.storedAt).then(
      (stored) => {
        if (stored) probe?.remember(key);
      },
      (error: unknown) => logger.warn('response cache write failed; the answer was served but not stored', { error: error instanceof Error ? error.message : String(error) }),
    );
  }

  async function* collected(upstream: ModelStream, request: ModelRequest, key: string, startAttempt: number, probe: SemanticProbe | undefined): AsyncGenerator<StreamPart> {
    const collector = createCompletionCollector();
    for await (const part of upstream) {
      collector.add(part);
      yield part;
    }
    // Only a stream read to its end (a consumer that stops early never gets here), without an error, becomes an entry.
    const completion = request.signal?.aborted === true ? undefined : collector.completion();
    if (completion !== undefined) remember(request, key, encoder.encode(JSON.stringify(completion)), startAttempt, { upstreamModel: completion.model }, probe);
  }
}

/** Whose answers a request may share, or `undefined` when the scope's owner is unknown. */
function tenantOf(context: RequestContext, scope: CacheScope): string | undefined {
  switch (scope) {
    case 'global':
      return 'global';
    case 'key':
      return context.tags.virtualKeyId;
    case 'team':
      return context.tags.keyOwner?.team;
    case 'org':
      return context.tags.keyOwner?.org;
  }
}

function isReplayable(body: ChatCompletionBody): boolean {
  const choices = (body as { choices?: ReadonlyArray<{ finish_reason?: unknown }> }).choices;
  return Array.isArray(choices) && choices.length > 0 && choices.every((choice) => choice.finish_reason === 'stop' || choice.finish_reason === 'tool_calls');
}

/** A cached completion as the typed parts of a stream, text in word-sized pieces. */
async function* replayParts(body: ChatCompletionBody): AsyncGenerator<StreamPart> {
  const completion = body as unknown as CompletionShape;
  yield { type: 'stream-start', id: completion.id, model: completion.model, created: completion.created };
  for (const choice of completion.choices) {
    const content = typeof choice.message?.content === 'string' ? choice.message.content : '';
    for (const text of content === '' ? [] : splitIntoDeltas(content)) yield { type: 'text-delta', choiceIndex: choice.index, text };
    for (const [toolCallIndex, call] of (choice.message?.tool_calls ?? []).entries()) {
      yield { type: 'tool-call-delta', choiceIndex: choice.index, toolCallIndex, id: call.id, name: call.function.name, argumentsDelta: call.function.arguments };
    }
    const finishReason = choice.finish_reason === 'tool_calls' ? 'tool-calls' : 'stop';
    yield { type: 'finish-reason', choiceIndex: choice.index, finishReason, rawFinishReason: choice.finish_reason };
  }
  yield { type: 'usage', usage: usageFromOpenAI(completion.usage), providerUsage: completion.usage };
}

interface CompletionShape {
  readonly id: string;
  readonly model: string;
  readonly created: number;
  readonly choices: ReadonlyArray<{
    readonly index: number;
    readonly finish_reason: string;
    readonly message?: { readonly content?: unknown; readonly tool_calls?: ReadonlyArray<{ readonly id: string; readonly function: { readonly name: string; readonly arguments: string } }> };
  }>;
  readonly usage?: {
    readonly prompt_tokens?: number;
    readonly completion_tokens?: number;
    readonly prompt_tokens_details?: { readonly cached_tokens?: number };
    readonly completion_tokens_details?: { readonly reasoning_tokens?: number };
  };
}

/** The stored answer's usage, as the original call reported it (what the client would have seen). */
function usageFromOpenAI(usage: CompletionShape['usage']): Usage {
  if (usage === undefined) return zeroUsage;
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens ?? 0;
  return usageOf({
    inputTokens: (usage.prompt_tokens ?? 0) - cached,
    cacheReadTokens: cached,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: (usage.completion_tokens ?? 0) - reasoning,
    reasoningTokens: reasoning,
  });
}
