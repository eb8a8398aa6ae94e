import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseConfig } from './load-config.js';
import type { PriceOverride, TollgateConfig } from './tollgate-config.js';

type UsdPrices = {
  readonly input: number | undefined;
  readonly cacheRead: number | undefined;
  readonly cacheWrite: number | undefined;
  readonly cacheWrite1h: number | undefined;
  readonly output: number | undefined;
  readonly reasoning: number | undefined;
};

/** The normalised shape the rest of the app relies on, written out by hand. */
interface ExpectedConfig {
  readonly server: { readonly host: string; readonly port: number; readonly maxBodyBytes: number; readonly shutdownTimeoutMs: number };
  readonly providers: ReadonlyArray<{
    readonly id: string;
    readonly kind: string;
    readonly baseUrl: string | undefined;
    readonly apiKey: string | undefined;
    readonly headers: { readonly [name: string]: string };
    readonly timeoutMs: number | undefined;
    /** Provider-specific settings, e.g. Azure's `apiVersion`. */
    readonly settings: { readonly [name: string]: string };
  }>;
  readonly models: ReadonlyArray<{
    readonly name: string;
    readonly deployments: ReadonlyArray<{
      readonly provider: string;
      readonly model: string;
      readonly price: { readonly free: true } | UsdPrices | undefined;
      readonly weight: number;
    }>;
    readonly price: { readonly free: true } | UsdPrices | undefined;
    readonly budgetTiers: ReadonlyArray<{ readonly at: number; readonly model: string }>;
    readonly resilience: {
      readonly fallbacks: readonly string[];
      readonly contextWindowFallback: string | undefined;
      readonly contentPolicyFallback: string | undefined;
      readonly degradeTo: string | undefined;
      readonly loadBalancing:
        | { readonly strategy: 'weighted' | 'least-busy' | 'least-latency' | 'lowest-cost'; readonly sticky: { readonly by: 'session' | 'prefix'; readonly ttlMs: number } | undefined }
        | undefined;
      readonly timeouts: Timeouts | undefined;
      readonly retry: Retry | undefined;
    };
  }>;
  readonly store:
    | { readonly kind: 'memory' }
    | { readonly kind: 'sqlite'; readonly path: string }
    | {
        readonly kind: 'scale-out';
        readonly redisUrl: string;
        readonly postgresUrl: string;
        readonly postgresSchema: string | undefined;
        readonly redisKeyPrefix: string;
      };
  readonly ledger: { readonly batchSize: number; readonly flushIntervalMs: number; readonly queueCapacity: number };
  readonly resilience: {
    readonly retry: Retry;
    readonly timeouts: Timeouts;
    readonly circuitBreaker: {
      readonly windowMs: number | undefined;
      readonly minimumRequests: number | undefined;
      readonly errorRatio: number | undefined;
      readonly consecutiveConnectErrors: number | undefined;
      readonly cooldownMs: number | undefined;
    };
    readonly faq: ReadonlyArray<{ readonly id: string; readonly keywords: readonly string[]; readonly answer: string }>;
  };
  readonly auth: { readonly masterKey: string | undefined; readonly requireVirtualKey: boolean };
  readonly limits: {
    readonly defaultMaxTokens: number;
    readonly reservationTtlMs: number;
    readonly onStoreFailure: FailurePolicy;
    readonly alertWebhook: string | undefined;
    readonly alertWebhookTimeoutMs: number;
  };
  readonly budgets: ReadonlyArray<{
    readonly id: string;
    readonly scope: Scope;
    readonly unit: 'nanos' | 'tokens';
    readonly limit: number;
    readonly window: { readonly kind: 'daily' | 'monthly' } | { readonly kind: 'rolling'; readonly hours: number };
    readonly softThresholds: readonly number[] | undefined;
    readonly onExceed: 'reject' | 'degrade';
    readonly onStoreFailure: FailurePolicy | undefined;
  }>;
  readonly rateLimits: ReadonlyArray<{
    readonly scope: Scope;
    readonly requestsPerMinute: number | undefined;
    readonly tokensPerMinute: number | undefined;
    readonly requestsPerDay: number | undefined;
    readonly tokensPerDay: number | undefined;
    readonly onStoreFailure: FailurePolicy | undefined;
  }>;
  readonly cache: {
    readonly exact:
      | {
          readonly ttlMs: number;
          readonly scope: 'key' | 'team' | 'org' | 'global';
          readonly maxEntries: number;
          readonly maxBytes: number;
          readonly maxEntryBytes: number;
        }
      | undefined;
    readonly semantic:
      | {
          readonly models: readonly string[];
          readonly threshold: number | undefined;
          readonly maxEntries: number;
          readonly turns: number;
          readonly verifyWith: string | undefined;
          readonly embedder:
            | { readonly kind: 'provider'; readonly model: string; readonly dimensions: number }
            | { readonly kind: 'onnx'; readonly folder: string; readonly maxTokens: number | undefined; readonly dimensions: number | undefined }
            | undefined;
          readonly index: 'sqlite' | 'memory' | undefined;
        }
      | undefined;
    readonly prompt: { readonly enabled: boolean; readonly ttl: '5m' | '1h'; readonly minTokens: number | undefined };
  };
}

type FailurePolicy = 'fail-closed' | 'fail-open';
type Scope = { readonly kind: 'org' | 'team' | 'user' | 'key' | 'feature' | 'provider' | 'model'; readonly id: string };

type Timeouts = { readonly ttftMs: number | undefined; readonly idleMs: number | undefined; readonly totalMs: number | undefined };
type Retry = {
  readonly maxAttempts: number | undefined;
  readonly budgetMs: number | undefined;
  readonly baseDelayMs: number | undefined;
  readonly maxDelayMs: number | undefined;
};

describe('TollgateConfig', () => {
  it('is inferred from the schema as the documented camelCase shape', () => {
    // Checked by `tsc` (npm run typecheck): a schema change that alters the shape fails here.
    expectTypeOf<TollgateConfig>().toEqualTypeOf<ExpectedConfig>();
    expectTypeOf<PriceOverride>().toEqualTypeOf<{ readonly free: true } | UsdPrices>();
  });

  it('has exactly the documented keys at run time', () => {
    const config = parseConfig('providers: { openai: { kind: openai } }\nmodels: { m: openai }\n', { env: {}, baseDirectory: '/srv' });
    expect(Object.keys(config)).toEqual(['server', 'providers', 'models', 'store', 'ledger', 'resilience', 'auth', 'limits', 'budgets', 'cache', 'rateLimits']);
    expect(Object.keys(config.providers[0] ?? {})).toEqual(['id', 'kind', 'baseUrl', 'apiKey', 'headers', 'timeoutMs', 'settings']);
    expect(Object.keys(config.models[0]?.deployments[0] ?? {})).toEqual(['provider', 'model', 'price', 'weight']);
  });
});
