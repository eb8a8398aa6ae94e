import { describe, expect, it } from 'vitest';
import { normalisedWords } from './normalised-words.js';

describe('normalisedWords', () => {
  it('lower-cases, folds compatibility forms and breaks on punctuation', () => {
    expect(normalisedWords('Ｈｅｌｌｏ, World! (again)')).toEqual(['hello', 'world', 'again']);
    expect(normalisedWords('e-mail/sms')).toEqual(['e', 'mail', 'sms']);
  });

  it('joins contractions and possessives', () => {
    expect(normalisedWords("Don't stop; it’s John's")).toEqual(['dont', 'stop', 'its', 'johns']);
  });

  it('keeps decimals and drops thousands separators', () => {
    expect(normalisedWords('v1.2 costs 1,000.50 or 2,500,000. End.')).toEqual(['v1.2', 'costs', '1000.50', 'or', '2500000', 'end']);
    expect(normalisedWords('1,2 and 1,23')).toEqual(['1', '2', 'and', '1', '23']);
  });

  it('keeps letters of every script, with their combining marks', () => {
    expect(normalisedWords('Café naïve 東京 हिन्दी')).toEqual(['café', 'naïve', '東京', 'हिन्दी']);
  });

  it('returns no words for an empty or punctuation-only text', () => {
    expect(normalisedWords('')).toEqual([]);
    expect(normalisedWords(' ?!… ')).toEqual([]);
  });
});
