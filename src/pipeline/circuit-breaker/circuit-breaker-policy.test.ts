import { describe, expect, it } from 'vitest';
import { defaultCircuitBreakerPolicy, resolveCircuitBreakerPolicy, type CircuitBreakerPolicy } from './circuit-breaker-policy.js';

describe('resolveCircuitBreakerPolicy', () => {
  it('fills every field with the documented defaults', () => {
    const policy = resolveCircuitBreakerPolicy({});
    expect(policy).toEqual({ windowMs: 30_000, minimumRequests: 20, errorRatio: 0.5, consecutiveConnectErrors: 5, cooldownMs: 30_000 });
    expect(Object.isFrozen(policy)).toBe(true);
  });

  it('keeps the fields that are set and defaults the rest', () => {
    const policy = resolveCircuitBreakerPolicy({ cooldownMs: 5_000, errorRatio: 1, minimumRequests: undefined });
    expect(policy).toEqual({ ...defaultCircuitBreakerPolicy, cooldownMs: 5_000, errorRatio: 1 });
  });

  it.each<[keyof CircuitBreakerPolicy, unknown, string]>([
    ['windowMs', 9, 'windowMs must be a whole number ≥ 10, got 9'],
    ['windowMs', 1_000.5, 'windowMs must be a whole number ≥ 10, got 1000.5'],
    ['minimumRequests', 0, 'minimumRequests must be a whole number ≥ 1, got 0'],
    ['errorRatio', 0, 'errorRatio must be a number greater than 0 and at most 1, got 0'],
    ['errorRatio', 1.5, 'errorRatio must be a number greater than 0 and at most 1, got 1.5'],
    ['errorRatio', Number.NaN, 'errorRatio must be a number greater than 0 and at most 1, got NaN'],
    ['consecutiveConnectErrors', -1, 'consecutiveConnectErrors must be a whole number ≥ 1, got -1'],
    ['cooldownMs', Number.POSITIVE_INFINITY, 'cooldownMs must be a whole number ≥ 1, got Infinity'],
    ['cooldownMs', '30s', 'cooldownMs must be a whole number ≥ 1, got "30s"'],
  ])('rejects %s = %s and names the field', (field, value, message) => {
    const partial = { [field]: value } as Partial<CircuitBreakerPolicy>;
    expect(() => resolveCircuitBreakerPolicy(partial)).toThrow(new RangeError(`circuit breaker policy: ${message}`));
  });

  it('rejects an unknown field instead of silently using a default', () => {
    const misspelt = { cooldown: 5_000 } as Partial<CircuitBreakerPolicy>;
    expect(() => resolveCircuitBreakerPolicy(misspelt)).toThrow(TypeError);
    expect(() => resolveCircuitBreakerPolicy(misspelt)).toThrow('unknown field "cooldown"');
  });
});
