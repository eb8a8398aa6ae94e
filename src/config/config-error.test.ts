import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { parseConfig } from './load-config.js';

const env = { OPENAI_API_KEY: 'sk-test' };

/** The issues `parseConfig` reports for `text`; fails the test if it does not throw a ConfigError. */
function issuesOf(text: string, environment: Record<string, string> = env): readonly ConfigIssue[] {
  try {
    parseConfig(text, { env: environment, baseDirectory: '/srv' });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function withModels(models: string, providers = '  openai: { kind: openai, api_key: sk }\n'): string {
  return `providers:\n${providers}models:\n${models}`;
}

describe('config errors name the path and the fix', () => {
  it('a missing environment variable', () => {
    expect(issuesOf(withModels('  m: openai\n', '  openai: { kind: openai, api_key: ${OPENAI_API_KEY} }\n'), {})).toEqual([
      {
        path: 'providers.openai.api_key',
        message: 'environment variable OPENAI_API_KEY is not set (set it, or write ${OPENAI_API_KEY:-…} for a default)',
      },
    ]);
  });

  it('a malformed environment reference', () => {
    const [issue] = issuesOf(withModels('  m: openai\n', '  openai: { kind: openai, api_key: "${OPENAI API KEY}" }\n'));
    expect(issue).toEqual({
      path: 'providers.openai.api_key',
      message: expect.stringContaining('"${OPENAI API KEY}" is not a valid reference; write ${NAME} or ${NAME:-default}'),
    });
  });

  it('an environment value is named, never echoed', () => {
    const [issue] = issuesOf(withModels('  m: openai\n', '  openai: { kind: openai, base_url: "${SECRET_URL}" }\n'), {
      SECRET_URL: 'not-a-url-sk-secret',
    });
    expect(issue?.path).toBe('providers.openai.base_url');
    expect(issue?.message).toContain('got the value of ${SECRET_URL}; write an http(s) URL');
    expect(issue?.message).not.toContain('sk-secret');
  });

  it('a YAML syntax error, with line and column', () => {
    const [issue] = issuesOf('providers:\n  openai: { kind: openai\nmodels:\n  m: openai\n');
    expect(issue?.path).toBe('line 3, column 1');
    expect(issue?.message).toMatch(/^YAML syntax error: .*\(in `models:`\); line up the indentation .* close every \{ or \[/);
  });

  it('an unknown key, with the allowed keys and the likely typo', () => {
    expect(issuesOf(withModels('  fast: { provider: openai, modle: gpt-4o }\n'))).toEqual([
      {
        path: 'models.fast',
        message: 'unknown key "modle" (did you mean "model"?); the keys allowed here are: provider, model, deployments, price, budget_tiers, fallbacks, context_window_fallback, content_policy_fallback, degrade_to, load_balancing, timeouts, retry',
      },
    ]);
    expect(issuesOf(`servr: {}\n${withModels('  m: openai\n')}`)[0]).toEqual({
      path: '',
      message: 'unknown key "servr" (did you mean "server"?); the keys allowed here are: server, providers, models, store, ledger, resilience, auth, limits, budgets, rate_limits, cache',
    });
  });

  it('a deployment naming a provider that is not configured', () => {
    const text = withModels('  smart:\n    deployments:\n      - { provider: opnai, model: gpt-4o }\n', '  openai: { kind: openai }\n  groq: { kind: groq }\n');
    expect(issuesOf(text)).toEqual([
      {
        path: 'models.smart.deployments[0].provider',
        message: '"opnai" is not a configured provider (did you mean "openai"?); write one of: openai, groq (or add it under providers:)',
      },
    ]);
  });

  it('a shorthand model naming a provider that is not configured', () => {
    expect(issuesOf(withModels('  gpt-4o-mini: azure\n'))).toEqual([
      { path: 'models.gpt-4o-mini', message: '"azure" is not a configured provider; write one of: openai (or add it under providers:)' },
    ]);
  });

  it('a model that is neither a provider id nor a mapping', () => {
    const [issue] = issuesOf(withModels('  m: 5\n'));
    expect(issue).toEqual({ path: 'models.m', message: expect.stringMatching(/^got 5; write a provider id \(gpt-4o-mini: openai\)/) });
  });

  it('a model with both provider and deployments, or with neither', () => {
    const both = issuesOf(withModels('  m: { provider: openai, deployments: [ { provider: openai } ] }\n'));
    expect(both).toEqual([{ path: 'models.m', message: expect.stringContaining('write either provider/model (one deployment) or deployments') }]);
    const neither = issuesOf(withModels('  m: { model: gpt-4o }\n'));
    expect(neither).toEqual([{ path: 'models.m.provider', message: expect.stringContaining('missing; write provider: <provider id>') }]);
  });

  it('a base_url that is not an http(s) URL, and openai-compatible without one', () => {
    const issues = issuesOf(withModels('  m: openai\n', '  openai: { kind: openai, base_url: ftp://x }\n  local: { kind: openai-compatible }\n'));
    expect(issues).toEqual([
      { path: 'providers.openai.base_url', message: 'got "ftp://x"; write an http(s) URL, e.g. https://api.openai.com/v1 or http://127.0.0.1:8000/v1' },
      { path: 'providers.local.base_url', message: expect.stringContaining('missing; kind openai-compatible needs the server\'s URL: write base_url:') },
    ]);
  });

  it('a provider id that cannot key a price', () => {
    const [issue] = issuesOf(withModels('  m: openai\n', '  openai: { kind: openai }\n  "team/openai": { kind: openai }\n'));
    expect(issue).toEqual({ path: 'providers["team/openai"]', message: expect.stringContaining('write a provider id made of letters, digits') });
  });

  it('numbers out of range or of the wrong type', () => {
    const issues = issuesOf(`server: { port: 70000, max_body_bytes: lots }\n${withModels('  m: openai\n')}`);
    expect(issues).toEqual([
      { path: 'server.port', message: 'got 70000; write a port number from 0 to 65535, e.g. port: 4000' },
      { path: 'server.max_body_bytes', message: 'got "lots"; write a size in bytes, e.g. max_body_bytes: 4194304 (4 MiB)' },
    ]);
  });

  it('prices: negative, free mixed with amounts, empty, unknown key', () => {
    const issues = issuesOf(
      withModels(`  a: { provider: openai, price: { input: -1 } }
  b: { provider: openai, model: b, price: { free: true, output: 2 } }
  c: { provider: openai, model: c, price: {} }
  d: { provider: openai, model: d, price: { cache_red: 1 } }
`),
    );
    expect(issues).toEqual([
      { path: 'models.a.price.input', message: 'got -1; write a price in USD per million tokens from 0 to 1000000, e.g. 2.5' },
      { path: 'models.b.price', message: 'free: true cannot be combined with output; keep either free: true or the prices' },
      { path: 'models.c.price', message: expect.stringContaining('no prices given; write at least one of input, cache_read') },
      { path: 'models.d.price', message: expect.stringContaining('unknown key "cache_red" (did you mean "cache_read"?)') },
    ]);
  });

  it('two different prices for the same provider model', () => {
    const [issue] = issuesOf(
      withModels(`  a: { provider: openai, model: gpt-4o, price: { input: 2 } }
  b: { provider: openai, model: gpt-4o, price: { input: 3 } }
`),
    );
    expect(issue).toEqual({ path: 'models.b', message: expect.stringContaining('prices openai/gpt-4o differently from models.a; one provider model has one price') });
  });

  it('an unknown store kind, with the likely typo', () => {
    const [issue] = issuesOf(`${withModels('  m: openai\n')}store: { kind: sqlit }\n`);
    expect(issue).toEqual({ path: 'store.kind', message: 'got "sqlit"; write kind: sqlite (with path: ./tollgate.db), kind: memory, or kind: scale-out (with redis_url and postgres_url) (did you mean "sqlite"?)' });
  });

  it('a ledger batch larger than its queue', () => {
    const [issue] = issuesOf(`${withModels('  m: openai\n')}ledger: { batch_size: 20000 }\n`);
    expect(issue).toEqual({ path: 'ledger.batch_size', message: '20000 is larger than queue_capacity (10000); write a batch_size of at most 10000' });
  });

  it('missing, empty or malformed sections', () => {
    expect(issuesOf('')).toEqual([{ path: '', message: expect.stringContaining('the config is empty; write at least providers: and models:') }]);
    expect(issuesOf('providers: {}\nmodels: {}\n')).toEqual([
      { path: 'providers', message: expect.stringContaining('no providers; add at least one, e.g. openai:') },
      { path: 'models', message: 'no models; add at least one, e.g. gpt-4o-mini: openai' },
    ]);
    expect(issuesOf('providers:\n  openai: { kind: openai }\n')).toEqual([
      { path: 'models', message: 'missing; write a mapping of model names to deployments, e.g. models: { gpt-4o-mini: openai }' },
    ]);
    expect(issuesOf('just text')).toEqual([{ path: '', message: expect.stringMatching(/^got "just text"; write a mapping with at least providers: and models:/) }]);
  });
});

describe('ConfigError', () => {
  it('collects every issue into one multi-line message', () => {
    const error = new ConfigError(
      [
        { path: 'server.port', message: 'got 70000; write a port' },
        { path: '', message: 'the config is empty' },
      ],
      'tollgate.yaml',
    );
    expect(error.name).toBe('ConfigError');
    expect(error.code).toBe('TG_ERR_CONFIG_INVALID');
    expect(error.message).toBe(
      'Invalid Tollgate config in tollgate.yaml (2 problems):\n  - server.port: got 70000; write a port\n  - (top level): the config is empty',
    );
  });

  it('reports all problems of a file at once', () => {
    const issues = issuesOf(`server: { port: -1 }\n${withModels('  m: groq\n', '  openai: { kind: openai, api_key: ${MISSING} }\n')}`, {});
    expect(issues.map((issue) => issue.path)).toEqual(['providers.openai.api_key', 'server.port', 'models.m']);
  });
});

describe('cache.semantic.embedder', () => {
  const withEmbedder = (embedder: string) => `${withModels('  m: openai\n')}cache: { exact: {}, semantic: { models: [m], embedder: ${embedder} } }\n`;

  it('takes exactly one of model and onnx', () => {
    expect(issuesOf(withEmbedder('{ model: m, onnx: ./models/minilm, dimensions: 384 }'))).toEqual([
      { path: 'cache.semantic.embedder', message: expect.stringContaining('give exactly one of model and onnx') },
    ]);
    expect(issuesOf(withEmbedder('{}'))).toEqual([{ path: 'cache.semantic.embedder', message: expect.stringContaining('give exactly one of model and onnx') }]);
  });

  it('needs the dimensions of a provider model, and keeps max_tokens for local models', () => {
    expect(issuesOf(withEmbedder('{ model: m }'))).toEqual([{ path: 'cache.semantic.embedder.dimensions', message: expect.stringContaining('length of its vectors') }]);
    expect(issuesOf(withEmbedder('{ model: m, dimensions: 8, max_tokens: 128 }'))).toEqual([
      { path: 'cache.semantic.embedder.max_tokens', message: expect.stringContaining('local onnx model') },
    ]);
  });

  it('resolves a relative onnx folder against the config file, and parses both forms', () => {
    expect(parseConfig(withEmbedder('{ onnx: ./models/minilm, max_tokens: 128 }'), { env, baseDirectory: '/srv' }).cache.semantic?.embedder).toEqual({
      kind: 'onnx',
      folder: '/srv/models/minilm',
      maxTokens: 128,
      dimensions: undefined,
    });
    expect(parseConfig(withEmbedder('{ model: m, dimensions: 8 }'), { env, baseDirectory: '/srv' }).cache.semantic?.embedder).toEqual({ kind: 'provider', model: 'm', dimensions: 8 });
  });
});
