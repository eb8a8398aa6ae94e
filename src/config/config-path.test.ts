import { describe, expect, it } from 'vitest';
import { formatConfigPath } from './config-path.js';

describe('formatConfigPath', () => {
  it('joins keys with dots and indices with brackets', () => {
    expect(formatConfigPath(['models', 'smart', 'deployments', 0, 'provider'])).toBe('models.smart.deployments[0].provider');
    expect(formatConfigPath([])).toBe('');
  });

  it('quotes keys that are not plain words', () => {
    expect(formatConfigPath(['models', 'gpt-4.1', 'provider'])).toBe('models["gpt-4.1"].provider');
    expect(formatConfigPath(['providers', 'team/openai'])).toBe('providers["team/openai"]');
  });
});
