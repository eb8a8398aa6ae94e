/** Who a request is attributed to. Tags come from `x-tollgate-*` headers and the OpenAI `user` field. */
export interface RequestTags {
  readonly virtualKeyId: string | undefined;
  readonly org: string | undefined;
  readonly team: string | undefined;
  readonly user: string | undefined;
  readonly feature: string | undefined;
  /** The API surface the client used, e.g. `/v1/chat/completions`. */
  readonly endpoint: string;
  /** A client session id (`x-tollgate-session`), for sticky routing; not stored in the ledger. */
  readonly session?: string | undefined;
  /**
   * The owner fields the virtual key itself carries (never the client's headers): what a tenant
   * scope may be built from. Absent without a virtual key.
   */
  readonly keyOwner?: { readonly org: string | undefined; readonly team: string | undefined; readonly user: string | undefined } | undefined;
}

/** Per-request cache controls from `cache-control` and `x-tollgate-cache-namespace`. */
export interface CacheDirectives {
  /** Do not answer from the cache (the answer may still be stored). */
  readonly noCache: boolean;
  /** Do not store this answer. */
  readonly noStore: boolean;
  /** Only answer from an entry at most this old. */
  readonly maxAgeMs: number | undefined;
  /** A namespace inside the tenant's cache (default `default`). */
  readonly namespace: string;
}

export const defaultCacheDirectives: CacheDirectives = Object.freeze({ noCache: false, noStore: false, maxAgeMs: undefined, namespace: 'default' });

/** What the response cache did for a request (`x-tollgate-cache`, the ledger). */
export type CacheOutcome = 'none' | 'bypass' | 'miss' | 'hit' | 'semantic-hit';

/**
 * Per-request facts shared by the stages of one request. Typed fields only: no string-keyed bag.
 * `warnings` and `attempts` are appended to as the request travels; everything else is fixed.
 */
export interface RequestContext {
  readonly requestId: string;
  readonly tags: RequestTags;
  /** The model name the client asked for. */
  readonly logicalModel: string;
  /**
   * The wire format the client spoke. Requests from the Anthropic front door may carry Anthropic
   * extensions in the neutral body (see `ChatRequestBody`), which OpenAI-compatible adapters drop.
   */
  readonly clientFormat: 'openai' | 'anthropic';
  readonly stream: boolean;
  /** Wall-clock ms when the request arrived. */
  readonly receivedAt: number;
  /** Monotonic ms when the request arrived. */
  readonly receivedAtMonotonic: number;
  /** Warnings the caller can see (response header `x-tollgate-warning`, ledger). */
  readonly warnings: string[];
  /** One record per billable attempt, in the order they settled. */
  readonly attempts: AttemptSummary[];
  /** How many attempts have started; the next attempt's number is this plus one. */
  attemptsStarted: number;
  /**
   * The rung of the degradation ladder the next attempt serves (`primary`, `retry`,
   * `fallback:<model>`, `degraded:<model>`, `faq`), and why; set by the resilience layer before
   * each attempt, copied into that attempt's ledger row.
   */
  route: string;
  routeReason: string | null;
  /** `provider/upstream-model` of the latest attempt, the one answering (`x-tollgate-provider`). */
  servingDeployment: string | null;
  /** Response headers the limits stage sets: `x-ratelimit-*` and `x-tollgate-budget-*`. */
  readonly limitHeaders: Record<string, string>;
  readonly cacheDirectives: CacheDirectives;
  /** Set by the cache stage; attempts record it in the ledger. */
  cacheOutcome: CacheOutcome;
}

/** What the edge needs to know about each attempt once it settled (for headers and logs). */
export interface AttemptSummary {
  readonly attempt: number;
  readonly providerId: string;
  readonly upstreamModel: string;
  /** `null` when the price is unknown. */
  readonly costNanos: number | null;
  readonly upstreamLatencyMs: number;
  /** The route the attempt served (see `RequestContext.route`). */
  readonly route: string;
  /** Every token the attempt used, summed over the known usage buckets; `null` when usage is unknown. */
  readonly totalTokens: number | null;
}

export function createRequestContext(
  fields: Omit<RequestContext, 'warnings' | 'attempts' | 'attemptsStarted' | 'route' | 'routeReason' | 'servingDeployment' | 'limitHeaders' | 'cacheDirectives' | 'cacheOutcome'> & {
    readonly cacheDirectives?: CacheDirectives;
  },
): RequestContext {
  return {
    cacheDirectives: defaultCacheDirectives,
    ...fields,
    warnings: [],
    attempts: [],
    attemptsStarted: 0,
    route: 'primary',
    routeReason: null,
    servingDeployment: null,
    limitHeaders: {},
    cacheOutcome: 'none',
  };
}

/** Claims the next 1-based attempt number for this request. */
export function startAttempt(context: RequestContext): number {
  context.attemptsStarted += 1;
  return context.attemptsStarted;
}
