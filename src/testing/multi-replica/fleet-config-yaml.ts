export interface ScaleOutStoreSettings {
  readonly redisUrl: string;
  readonly postgresUrl: string;
  /** Unique per fleet, so runs never share tables. */
  readonly postgresSchema: string;
  /** Unique per fleet, without the trailing `:` the gateway adds. */
  readonly redisKeyPrefix: string;
}

export interface FleetConfigOptions {
  /** The simulator's OpenAI base URL (ends in `/v1`). */
  readonly simulatorUrl: string;
  readonly store: ScaleOutStoreSettings;
  /** Lines under `models:`, each indented two spaces, e.g. `  dear: { provider: openai, model: gpt-4o }`. */
  readonly models: readonly string[];
  /** Further top-level YAML (budgets, auth, resilience …). */
  readonly extraYaml?: string;
  /** `server.shutdown_timeout_ms` (default 20000). */
  readonly shutdownTimeoutMs?: number;
}

/** The one config every replica of a fleet serves: one OpenAI provider (the simulator) and the scale-out store. */
export function fleetConfigYaml(options: FleetConfigOptions): string {
  const { store } = options;
  return [
    'server:',
    '  host: 127.0.0.1',
    `  shutdown_timeout_ms: ${options.shutdownTimeoutMs ?? 20_000}`,
    'providers:',
    `  openai: { kind: openai, base_url: ${JSON.stringify(options.simulatorUrl)}, api_key: sk-simulator }`,
    'models:',
    ...options.models,
    'store:',
    '  kind: scale-out',
    `  redis_url: ${JSON.stringify(store.redisUrl)}`,
    `  postgres_url: ${JSON.stringify(store.postgresUrl)}`,
    `  postgres_schema: ${store.postgresSchema}`,
    `  redis_key_prefix: ${store.redisKeyPrefix}`,
    ...(options.extraYaml === undefined ? [] : [options.extraYaml]),
    '',
  ].join('\n');
}
