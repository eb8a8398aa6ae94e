import { describe, expect, it } from 'vitest';
import { interpolateEnvironment } from './interpolate-environment.js';

describe('interpolateEnvironment', () => {
  it('replaces references in string values at any depth, not in keys', () => {
    const result = interpolateEnvironment(
      { '${KEY}': 'x', list: ['a-${NAME}-b', 3, null], nested: { url: 'https://${HOST}/v1' } },
      { NAME: 'n', HOST: 'example.com', KEY: 'k' },
    );
    expect(result.value).toEqual({ '${KEY}': 'x', list: ['a-n-b', 3, null], nested: { url: 'https://example.com/v1' } });
    expect(result.issues).toEqual([]);
    expect(result.environmentPaths).toEqual(new Map([['list[0]', ['NAME']], ['nested.url', ['HOST']]]));
  });

  it('uses a default when the variable is unset or empty', () => {
    const result = interpolateEnvironment({ a: '${UNSET:-one}', b: '${EMPTY:-two}', c: '${EMPTY}', d: '${SET:-three}' }, { EMPTY: '', SET: 'set' });
    expect(result.value).toEqual({ a: 'one', b: 'two', c: '', d: 'set' });
  });

  it('leaves $${…} as literal text', () => {
    expect(interpolateEnvironment('$${HOME} and ${HOME}', { HOME: '/root' }).value).toBe('${HOME} and /root');
  });

  it('reports every missing variable at its path', () => {
    const result = interpolateEnvironment({ providers: { openai: { api_key: '${A}', extra: '${B}' } } }, {});
    expect(result.issues).toEqual([
      { path: 'providers.openai.api_key', message: 'environment variable A is not set (set it, or write ${A:-…} for a default)' },
      { path: 'providers.openai.extra', message: 'environment variable B is not set (set it, or write ${B:-…} for a default)' },
    ]);
    expect(result.value).toEqual({ providers: { openai: { api_key: '', extra: '' } } });
  });
});
