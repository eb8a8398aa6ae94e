import { resolve } from 'node:path';
import { z } from 'zod';
import {
  httpUrlField,
  idField,
  integerField,
  nonEmptyText,
  referenceField,
  strictMapping,
  usdPerMTokField,
  whenFieldsAreValid,
} from './config-fields.js';
import { authSchema } from './auth-schema.js';
import { budgetsSchema, limitsSchema, rateLimitsSchema } from './limits-schema.js';
import { cacheSchema } from './cache-schema.js';
import { loadBalancingSchema, modelResilienceFields, resilienceSchema, retrySchema, timeoutsSchema } from './resilience-schema.js';

// The YAML shape (snake_case keys) and its normalisation to the camelCase `TollgateConfig`.
// The schema is built per file: deployments are checked against the file's provider ids, and
// relative store paths resolve against the file's directory.

export interface ConfigSchemaContext {
  readonly providerIds: readonly string[];
  /** The file's model names, for fallback references. */
  readonly modelNames: readonly string[];
  readonly baseDirectory: string;
}

const API_KEY_EXAMPLE = 'api_key: ${OPENAI_API_KEY}';
const PROVIDER_EXAMPLE = '{ kind: openai, api_key: ${OPENAI_API_KEY} }';
export const MINIMAL_EXAMPLE = `providers: { openai: ${PROVIDER_EXAMPLE} } and models: { gpt-4o-mini: openai }`;
const priceKeys = ['input', 'cache_read', 'cache_write', 'cache_write_1h', 'output', 'reasoning'] as const;

const serverSchema = strictMapping(
  {
    host: nonEmptyText('write a host name or IP address to listen on, e.g. host: 127.0.0.1').default('127.0.0.1'),
    port: integerField({
      minimum: 0,
      maximum: 65_535,
      fix: 'write a port number from 0 to 65535, e.g. port: 4000',
    }).default(4_000),
    max_body_bytes: integerField({
      minimum: 1,
      fix: 'write a size in bytes, e.g. max_body_bytes: 4194304 (4 MiB)',
    }).default(4 * 1024 * 1024),
    shutdown_timeout_ms: integerField({
      minimum: 0,
      fix: 'write a time in milliseconds, e.g. shutdown_timeout_ms: 30000',
    }).default(30_000),
  },
  'write a mapping like server: { host: 127.0.0.1, port: 4000 }, or leave server out',
)
  .transform((server) => ({
    host: server.host,
    port: server.port,
    maxBodyBytes: server.max_body_bytes,
    shutdownTimeoutMs: server.shutdown_timeout_ms,
  }))
  .prefault({});

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'write an HTTP header name, e.g. x-team' });

const providerSchema = strictMapping(
  {
    kind: nonEmptyText('write the provider kind, e.g. kind: openai, kind: anthropic or kind: openai-compatible'),
    base_url: httpUrlField.optional(),
    api_key: nonEmptyText(`write the API key, best taken from the environment: ${API_KEY_EXAMPLE}`).optional(),
    headers: z
      .record(headerName, z.string({ error: 'write the header value as text (quote numbers: "3")' }), {
        error: 'write a mapping of header names to values, e.g. headers: { x-team: search }',
      })
      .optional(),
    timeout_ms: integerField({ minimum: 1, fix: 'write a timeout in milliseconds, e.g. timeout_ms: 600000' }).optional(),
    api_version: nonEmptyText('write the Azure OpenAI API version, e.g. api_version: 2024-10-21').optional(),
  },
  `write a mapping like ${PROVIDER_EXAMPLE}`,
).superRefine((provider, context) => {
  if ((provider.kind === 'openai-compatible' || provider.kind === 'azure') && provider.base_url === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['base_url'],
      message:
        provider.kind === 'azure'
          ? 'missing; kind azure needs the resource URL: write base_url: https://my-resource.openai.azure.com'
          : 'missing; kind openai-compatible needs the server\'s URL: write base_url: http://127.0.0.1:8000/v1',
    });
  }
  if (provider.api_version !== undefined && provider.kind !== 'azure') {
    context.addIssue({ code: 'custom', path: ['api_version'], message: `only kind azure takes api_version; remove it from this ${provider.kind} provider` });
  }
});

const providersSchema = z
  .record(idField('provider'), providerSchema, {
    error: `write a mapping of provider ids to providers, e.g. providers: { openai: ${PROVIDER_EXAMPLE} }`,
  })
  .refine((providers) => Object.keys(providers).length > 0, {
    error: `no providers; add at least one, e.g. openai: ${PROVIDER_EXAMPLE}`,
  })
  .transform((providers) =>
    Object.entries(providers).map(([id, provider]) => ({
      id,
      kind: provider.kind,
      baseUrl: provider.base_url,
      apiKey: provider.api_key,
      headers: provider.headers ?? {},
      timeoutMs: provider.timeout_ms,
      settings: (provider.api_version === undefined ? {} : { apiVersion: provider.api_version }) as Readonly<Record<string, string>>,
    })),
  );

/** USD per million tokens, or `free: true` for a model that costs nothing on purpose (self-hosted). */
const priceSchema = strictMapping(
  {
    free: z.literal(true, { error: 'write free: true, or leave free out' }).optional(),
    input: usdPerMTokField.optional(),
    cache_read: usdPerMTokField.optional(),
    cache_write: usdPerMTokField.optional(),
    cache_write_1h: usdPerMTokField.optional(),
    output: usdPerMTokField.optional(),
    reasoning: usdPerMTokField.optional(),
  },
  'write USD prices per million tokens, e.g. price: { input: 2.5, output: 10 }, or price: { free: true }',
)
  .superRefine((price, context) => {
    const given = priceKeys.filter((key) => price[key] !== undefined);
    if (price.free === true && given.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `free: true cannot be combined with ${given.join(', ')}; keep either free: true or the prices`,
      });
    } else if (price.free === undefined && given.length === 0) {
      context.addIssue({
        code: 'custom',
        message: `no prices given; write at least one of ${priceKeys.join(', ')}, or free: true`,
      });
    }
  }, whenFieldsAreValid)
  .transform((price) => (price.free === true ? freePrice() : usdPrices(price)));

// Separate functions keep the two shapes apart in the inferred type (an inline conditional would
// give each the other's keys as optional `undefined`).
function freePrice() {
  return { free: true as const };
}

function usdPrices(price: { readonly [Key in (typeof priceKeys)[number]]?: number | undefined }) {
  return {
    input: price.input,
    cacheRead: price.cache_read,
    cacheWrite: price.cache_write,
    cacheWrite1h: price.cache_write_1h,
    output: price.output,
    reasoning: price.reasoning,
  };
}

function modelEntrySchema(providerIds: readonly string[], modelNames: readonly string[]) {
  const providerReference = referenceField('provider', 'providers', providerIds);
  const upstreamModel = nonEmptyText('write the provider\'s model name, e.g. model: gpt-4o');
  const deploymentSchema = strictMapping(
    {
      provider: providerReference,
      model: upstreamModel.optional(),
      price: priceSchema.optional(),
      weight: z.number({ error: 'write a positive number, e.g. weight: 3' }).positive().optional(),
    },
    'write a deployment like { provider: openai, model: gpt-4o }',
  );
  const modelMapping = strictMapping(
    {
      provider: providerReference.optional(),
      model: upstreamModel.optional(),
      deployments: z
        .array(deploymentSchema, {
          error: 'write a list of deployments, e.g. deployments: [ { provider: openai, model: gpt-4o } ]',
        })
        .min(1, { error: 'write at least one deployment, e.g. deployments: [ { provider: openai, model: gpt-4o } ]' })
        .optional(),
      price: priceSchema.optional(),
      budget_tiers: z
        .array(
          strictMapping(
            {
              at: z.number({ error: 'write the used fraction of the budget from which this tier serves, e.g. at: 0.5' }).gt(0).max(1),
              model: referenceField('model', 'models', modelNames),
            },
            'write a tier like { at: 0.5, model: gpt-4o-mini }',
          ),
          { error: 'write budget_tiers: [ { at: 0.5, model: gpt-4o-mini }, { at: 0.8, model: gpt-4o-nano } ]' },
        )
        .optional(),
      ...modelResilienceFields(modelNames),
    },
    'write { provider: openai, model: gpt-4o } or { deployments: [ { provider: openai, model: gpt-4o } ] }',
  ).superRefine((model, context) => {
    if (model.deployments !== undefined && (model.provider !== undefined || model.model !== undefined)) {
      context.addIssue({
        code: 'custom',
        message:
          'write either provider/model (one deployment) or deployments (a list), not both; ' +
          'move provider and model into deployments',
      });
    } else if (model.deployments === undefined && model.provider === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['provider'],
        message: 'missing; write provider: <provider id>, or deployments: [ { provider: <provider id>, model: <model> } ]',
      });
    }
  }, whenFieldsAreValid);
  return z.union([providerReference, modelMapping], {
    error: 'write a provider id (gpt-4o-mini: openai), { provider: openai, model: gpt-4o }, or { deployments: [ … ] }',
  });
}

/**
 * Every form becomes a list of deployments. A deployment's `model` defaults to the logical name
 * and its `price` to the model-level price, so a deployment's `price` is the one to apply.
 */
function normaliseModel(name: string, entry: z.output<ReturnType<typeof modelEntrySchema>>) {
  if (typeof entry === 'string') {
    return { name, deployments: [{ provider: entry, model: name, price: undefined, weight: 1 }], price: undefined, budgetTiers: [] as Array<{ at: number; model: string }>, resilience: noModelResilience() };
  }
  const single = entry.provider === undefined ? [] : [{ provider: entry.provider, model: entry.model, price: undefined, weight: undefined }];
  return {
    name,
    deployments: (entry.deployments ?? single).map((deployment) => ({
      provider: deployment.provider,
      model: deployment.model ?? name,
      price: deployment.price ?? entry.price,
      weight: deployment.weight ?? 1,
    })),
    price: entry.price,
    // Ascending by `at`, so the last tier reached is the cheapest one that applies.
    budgetTiers: [...(entry.budget_tiers ?? [])].sort((left, right) => left.at - right.at),
    resilience: {
      fallbacks: entry.fallbacks ?? [],
      contextWindowFallback: entry.context_window_fallback,
      contentPolicyFallback: entry.content_policy_fallback,
      degradeTo: entry.degrade_to,
      loadBalancing: entry.load_balancing,
      timeouts: entry.timeouts,
      retry: entry.retry,
    },
  };
}

function noModelResilience() {
  return {
    fallbacks: [] as string[],
    contextWindowFallback: undefined as string | undefined,
    contentPolicyFallback: undefined as string | undefined,
    degradeTo: undefined as string | undefined,
    loadBalancing: undefined as z.output<typeof loadBalancingSchema> | undefined,
    timeouts: undefined as z.output<typeof timeoutsSchema> | undefined,
    retry: undefined as z.output<typeof retrySchema> | undefined,
  };
}

function modelsSchema(providerIds: readonly string[], modelNames: readonly string[]) {
  return z
    .record(nonEmptyText('write a model name that clients ask for'), modelEntrySchema(providerIds, modelNames), {
      error: 'write a mapping of model names to deployments, e.g. models: { gpt-4o-mini: openai }',
    })
    .refine((models) => Object.keys(models).length > 0, { error: 'no models; add at least one, e.g. gpt-4o-mini: openai' })
    .transform((models) => Object.entries(models).map(([name, entry]) => normaliseModel(name, entry)));
}

function storeSchema(baseDirectory: string) {
  return z
    .discriminatedUnion(
      'kind',
      [
        strictMapping(
          {
            kind: z.literal('sqlite'),
            path: nonEmptyText('write a database file path, e.g. path: ./tollgate.db').default('./tollgate.db'),
          },
          'write store: { kind: sqlite, path: ./tollgate.db }',
        ).transform((store) => ({
          kind: store.kind,
          path: store.path === ':memory:' ? store.path : resolve(baseDirectory, store.path),
        })),
        strictMapping({ kind: z.literal('memory') }, 'write store: { kind: memory }'),
        strictMapping(
          {
            kind: z.literal('scale-out'),
            redis_url: z.url({ protocol: /^rediss?$/, error: 'write a Redis URL, e.g. redis_url: redis://127.0.0.1:6379' }),
            postgres_url: z.url({ protocol: /^postgres(ql)?$/, error: 'write a PostgreSQL URL, e.g. postgres_url: postgres://postgres@127.0.0.1:5432/tollgate' }),
            postgres_schema: idField('schema').optional(),
            redis_key_prefix: nonEmptyText('write a key prefix, e.g. redis_key_prefix: tollgate').default('tollgate'),
          },
          'write store: { kind: scale-out, redis_url: redis://127.0.0.1:6379, postgres_url: postgres://postgres@127.0.0.1:5432/tollgate }',
        ).transform((store) => ({
          kind: store.kind,
          redisUrl: store.redis_url,
          postgresUrl: store.postgres_url,
          postgresSchema: store.postgres_schema,
          redisKeyPrefix: store.redis_key_prefix,
        })),
      ],
      { error: 'write kind: sqlite (with path: ./tollgate.db), kind: memory, or kind: scale-out (with redis_url and postgres_url)' },
    )
    .prefault({ kind: 'sqlite' });
}

const ledgerSchema = strictMapping(
  {
    batch_size: integerField({ minimum: 1, fix: 'write how many rows to write at once, e.g. batch_size: 500' }).default(500),
    flush_interval_ms: integerField({
      minimum: 1,
      fix: 'write a time in milliseconds, e.g. flush_interval_ms: 50',
    }).default(50),
    queue_capacity: integerField({
      minimum: 1,
      fix: 'write how many rows may wait, e.g. queue_capacity: 10000',
    }).default(10_000),
  },
  'write a mapping like ledger: { batch_size: 500, flush_interval_ms: 50, queue_capacity: 10000 }, or leave ledger out',
)
  .superRefine((ledger, context) => {
    if (ledger.batch_size > ledger.queue_capacity) {
      context.addIssue({
        code: 'custom',
        path: ['batch_size'],
        message:
          `${ledger.batch_size} is larger than queue_capacity (${ledger.queue_capacity}); ` +
          `write a batch_size of at most ${ledger.queue_capacity}`,
      });
    }
  })
  .transform((ledger) => ({
    batchSize: ledger.batch_size,
    flushIntervalMs: ledger.flush_interval_ms,
    queueCapacity: ledger.queue_capacity,
  }))
  .prefault({});

export function createConfigSchema(context: ConfigSchemaContext) {
  return strictMapping(
    {
      server: serverSchema,
      providers: providersSchema,
      models: modelsSchema(context.providerIds, context.modelNames),
      store: storeSchema(context.baseDirectory),
      ledger: ledgerSchema,
      resilience: resilienceSchema,
      auth: authSchema,
      limits: limitsSchema,
      budgets: budgetsSchema,
      rate_limits: rateLimitsSchema,
      cache: cacheSchema(context.baseDirectory),
    },
    `write a mapping with at least providers: and models:, e.g. ${MINIMAL_EXAMPLE}`,
  ).transform(({ rate_limits: rateLimits, ...config }) => ({ ...config, rateLimits }));
}
