import { describe, expect, it } from 'vitest';
import { truncatedTokenIds } from './truncated-token-ids.js';

describe('truncatedTokenIds', () => {
  it('keeps a text that fits as it is', () => {
    expect(truncatedTokenIds([101, 7, 8, 102], [7, 8], 4)).toEqual([101, 7, 8, 102]);
  });

  it('cuts the text, not the special tokens around it', () => {
    expect(truncatedTokenIds([101, 7, 8, 9, 10, 102], [7, 8, 9, 10], 4)).toEqual([101, 7, 8, 102]);
    // RoBERTa style: <s> text </s>, and a model that only prepends.
    expect(truncatedTokenIds([0, 5, 6, 7, 2], [5, 6, 7], 3)).toEqual([0, 5, 2]);
    expect(truncatedTokenIds([1, 5, 6, 7], [5, 6, 7], 2)).toEqual([1, 5]);
  });

  it('keeps the first ids when the specials cannot be told apart or fill the limit', () => {
    expect(truncatedTokenIds([101, 7, 8, 9, 102], [70, 80, 90], 3)).toEqual([101, 7, 8]);
    expect(truncatedTokenIds([101, 7, 102], [7], 2)).toEqual([101, 7]);
  });
});
