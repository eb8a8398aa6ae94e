import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, editDistance } from './closest-match.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swaps', () => {
    expect(editDistance('model', 'model')).toBe(0);
    expect(editDistance('modle', 'model')).toBe(1);
    expect(editDistance('base_ur', 'base_url')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('closestMatch', () => {
  const keys = ['provider', 'model', 'deployments', 'price'];

  it('suggests the key a typo most likely meant', () => {
    expect(closestMatch('modle', keys)).toBe('model');
    expect(closestMatch('deployment', keys)).toBe('deployments');
    expect(closestMatch('Provider', keys)).toBe('provider');
    expect(closestMatch('baseUrl', ['base_url', 'api_key'])).toBe('base_url');
  });

  it('suggests nothing for a word that is not close', () => {
    expect(closestMatch('fallbacks', keys)).toBeUndefined();
    expect(didYouMean('zzz', keys)).toBe('');
    expect(didYouMean('pric', keys)).toBe(' (did you mean "price"?)');
  });
});
