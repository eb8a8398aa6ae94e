import type { z } from 'zod';
import type { createConfigSchema } from './config-schema.js';
import type { DeepReadonly } from './deep-freeze.js';

/** The validated, normalised (camelCase) and deep-frozen config, as inferred from the schema. */
export type TollgateConfig = DeepReadonly<z.output<ReturnType<typeof createConfigSchema>>>;

/** `host`, `port`, `maxBodyBytes`, `shutdownTimeoutMs`; all defaulted. */
export type ServerConfig = TollgateConfig['server'];

/** `{ id, kind, baseUrl?, apiKey?, headers, timeoutMs? }`; `kind` is checked against the provider registry later. */
export type ProviderConfig = TollgateConfig['providers'][number];

/** A logical model clients ask for: `{ name, deployments, price? }`. */
export type ModelConfig = TollgateConfig['models'][number];

/**
 * `{ provider, model, price? }`: a provider id, the provider's model name, and the price to apply
 * (the deployment's own, else the model's), if the config sets one.
 */
export type DeploymentConfig = ModelConfig['deployments'][number];

/** `{ free: true }`, or USD per million tokens for the buckets the config prices. */
export type PriceOverride = NonNullable<DeploymentConfig['price']>;

/** `{ kind: 'sqlite', path }` (an absolute path, or `:memory:`) or `{ kind: 'memory' }`. */
export type StoreConfig = TollgateConfig['store'];

/** `batchSize`, `flushIntervalMs`, `queueCapacity`. */
export type LedgerConfig = TollgateConfig['ledger'];
