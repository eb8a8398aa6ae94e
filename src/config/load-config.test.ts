import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfigFile, parseConfig } from './load-config.js';

const FIVE_LINES = `providers:
  openai: { kind: openai, api_key: \${OPENAI_API_KEY} }
models:
  gpt-4o-mini: openai
`;

const env = { OPENAI_API_KEY: 'sk-test', GROQ_API_KEY: 'gsk-test' };
const options = { env, baseDirectory: '/srv/tollgate' };
/** A model with no resilience settings of its own. */
const noResilience = {
  fallbacks: [],
  contextWindowFallback: undefined,
  contentPolicyFallback: undefined,
  degradeTo: undefined,
  loadBalancing: undefined,
  timeouts: undefined,
  retry: undefined,
};

describe('parseConfig', () => {
  it('accepts the five-line config and fills in every default', () => {
    expect(parseConfig(FIVE_LINES, options)).toEqual({
      server: { host: '127.0.0.1', port: 4000, maxBodyBytes: 4_194_304, shutdownTimeoutMs: 30_000 },
      providers: [{ id: 'openai', kind: 'openai', baseUrl: undefined, apiKey: 'sk-test', headers: {}, timeoutMs: undefined, settings: {} }],
      models: [{ name: 'gpt-4o-mini', deployments: [{ provider: 'openai', model: 'gpt-4o-mini', price: undefined, weight: 1 }], price: undefined, budgetTiers: [], resilience: noResilience }],
      store: { kind: 'sqlite', path: '/srv/tollgate/tollgate.db' },
      ledger: { batchSize: 500, flushIntervalMs: 50, queueCapacity: 10_000 },
      resilience: {
        retry: { maxAttempts: undefined, budgetMs: undefined, baseDelayMs: undefined, maxDelayMs: undefined },
        timeouts: { ttftMs: undefined, idleMs: undefined, totalMs: undefined },
        circuitBreaker: { windowMs: undefined, minimumRequests: undefined, errorRatio: undefined, consecutiveConnectErrors: undefined, cooldownMs: undefined },
        faq: [],
      },
      auth: { masterKey: undefined, requireVirtualKey: false },
      limits: { defaultMaxTokens: 4_096, reservationTtlMs: 600_000, onStoreFailure: 'fail-closed', alertWebhook: undefined, alertWebhookTimeoutMs: 5_000 },
      budgets: [],
      cache: { exact: undefined, semantic: undefined, prompt: { enabled: true, ttl: '5m', minTokens: undefined } },
      rateLimits: [],
    });
  });

  it('normalises the full example to camelCase with every model form', () => {
    const config = parseConfig(
      `server: { host: 0.0.0.0, port: 8080, max_body_bytes: 1024, shutdown_timeout_ms: 5000 }
providers:
  openai:    { kind: openai, api_key: \${OPENAI_API_KEY} }
  local:     { kind: openai-compatible, base_url: http://127.0.0.1:8000/v1 }
  groq:      { kind: groq, api_key: \${GROQ_API_KEY}, headers: { x-extra: y }, timeout_ms: 600000 }
models:
  gpt-4o-mini: openai
  fast: { provider: groq, model: llama-3.1-8b-instant }
  smart:
    deployments:
      - { provider: openai, model: gpt-4o, price: { input: 2.0, output: 8.0, cache_read: 1.0 } }
      - { provider: local, model: qwen-32b }
    price: { free: true }
store: { kind: memory }
ledger: { batch_size: 100, flush_interval_ms: 10, queue_capacity: 1000 }
`,
      options,
    );
    expect(config.server).toEqual({ host: '0.0.0.0', port: 8080, maxBodyBytes: 1024, shutdownTimeoutMs: 5000 });
    expect(config.providers[1]).toEqual({
      id: 'local',
      kind: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:8000/v1',
      apiKey: undefined,
      headers: {},
      timeoutMs: undefined,
      settings: {},
    });
    expect(config.providers[2]).toMatchObject({ id: 'groq', apiKey: 'gsk-test', headers: { 'x-extra': 'y' }, timeoutMs: 600_000 });
    expect(config.models[1]).toEqual({
      name: 'fast',
      deployments: [{ provider: 'groq', model: 'llama-3.1-8b-instant', price: undefined, weight: 1 }],
      price: undefined,
      budgetTiers: [],
      resilience: noResilience,
    });
    const negotiated = { input: 2, cacheRead: 1, cacheWrite: undefined, cacheWrite1h: undefined, output: 8, reasoning: undefined };
    expect(config.models[2]).toEqual({
      name: 'smart',
      deployments: [
        { provider: 'openai', model: 'gpt-4o', price: negotiated, weight: 1 },
        // No price of its own: the model-level one applies.
        { provider: 'local', model: 'qwen-32b', price: { free: true }, weight: 1 },
      ],
      price: { free: true },
      budgetTiers: [],
      resilience: noResilience,
    });
    expect(config.store).toEqual({ kind: 'memory' });
    expect(config.ledger).toEqual({ batchSize: 100, flushIntervalMs: 10, queueCapacity: 1000 });
  });

  it('interpolates environment variables, with defaults, after parsing', () => {
    const config = parseConfig(
      `server: { host: "\${HOST:-localhost}", port: \${PORT:-4001} }
providers:
  openai: { kind: openai, api_key: "Bearer-\${OPENAI_API_KEY}", headers: { x-literal: "$\${NOT_A_VAR}" } }
models:
  gpt-4o-mini: openai
`,
      { env: { ...env, HOST: '' }, baseDirectory: '/srv' },
    );
    // An empty variable takes the default, as in a shell; numbers may come from the environment.
    expect(config.server.host).toBe('localhost');
    expect(config.server.port).toBe(4001);
    expect(config.providers[0]?.apiKey).toBe('Bearer-sk-test');
    expect(config.providers[0]?.headers).toEqual({ 'x-literal': '${NOT_A_VAR}' });
  });

  it('keeps an environment value that looks like YAML as plain text', () => {
    const config = parseConfig(FIVE_LINES, { env: { OPENAI_API_KEY: '{ kind: evil }, x: [1' }, baseDirectory: '/srv' });
    expect(config.providers[0]?.apiKey).toBe('{ kind: evil }, x: [1');
  });

  it('returns a deeply frozen object', () => {
    // ES modules run in strict mode, so writing to a frozen object throws.
    const config = parseConfig(FIVE_LINES, options);
    expect(Object.isFrozen(config.providers[0]?.headers)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.models as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it('resolves a relative store path against the config directory, and leaves absolute ones', () => {
    const relative = parseConfig(`${FIVE_LINES}store: { kind: sqlite, path: data/ledger.db }\n`, options);
    expect(relative.store).toEqual({ kind: 'sqlite', path: '/srv/tollgate/data/ledger.db' });
    const absolute = parseConfig(`${FIVE_LINES}store: { kind: sqlite, path: /var/lib/tollgate.db }\n`, options);
    expect(absolute.store).toEqual({ kind: 'sqlite', path: '/var/lib/tollgate.db' });
    const inMemory = parseConfig(`${FIVE_LINES}store: { kind: sqlite, path: ":memory:" }\n`, options);
    expect(inMemory.store).toEqual({ kind: 'sqlite', path: ':memory:' });
  });
});

describe('loadConfigFile', () => {
  it('reads the file and resolves paths against its directory', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tollgate-config-'));
    const file = join(directory, 'tollgate.yaml');
    await writeFile(file, `${FIVE_LINES}store: { kind: sqlite, path: ./spend.db }\n`);
    const config = await loadConfigFile(file, { env });
    expect(config.store).toEqual({ kind: 'sqlite', path: join(directory, 'spend.db') });
  });

  it('names the file in errors, including a missing one', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'tollgate-config-'));
    const missing = join(directory, 'nope.yaml');
    const error = await loadConfigFile(missing, { env }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`in ${missing}`);
    expect((error as ConfigError).issues[0]?.message).toMatch(/cannot read the config file \(ENOENT\); create it/);

    const broken = join(directory, 'broken.yaml');
    await writeFile(broken, FIVE_LINES.replace('openai\n', 'opnai\n'));
    await expect(loadConfigFile(broken, { env })).rejects.toThrow(`Invalid Tollgate config in ${broken} (1 problem)`);
  });
});
