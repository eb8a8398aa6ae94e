import { describe, expect, it } from 'vitest';
import { describeSemanticIndexContract } from '../semantic-index.contract.js';
import { createMemorySemanticIndex } from './memory-semantic-index.js';

describeSemanticIndexContract('memory index', (options) => createMemorySemanticIndex(options));

describe('memory semantic index', () => {
  it('rejects a maxEntries or dimensions that is not a positive integer when built', () => {
    expect(() => createMemorySemanticIndex({ dimensions: 8, maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => createMemorySemanticIndex({ dimensions: 0, maxEntries: 10 })).toThrow(/dimensions/);
    expect(() => createMemorySemanticIndex({ dimensions: 8.5, maxEntries: 10 })).toThrow(/dimensions/);
  });
});
