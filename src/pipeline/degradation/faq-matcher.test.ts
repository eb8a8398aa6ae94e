import { describe, expect, it } from 'vitest';
import { createFaqMatcher, type FaqEntry } from './faq-matcher.js';

const entry = (id: string, keywords: string[], minimumMatches?: number): FaqEntry =>
  minimumMatches === undefined ? { id, keywords, answer: `answer ${id}` } : { id, keywords, answer: `answer ${id}`, minimumMatches };

describe('createFaqMatcher: normalisation', () => {
  const matcher = createFaqMatcher([entry('refund', ['refund']), entry('cafe', ['café menu']), entry('resume', ['resume'])]);

  it('ignores case and punctuation', () => {
    expect(matcher.match('REFUND???')?.id).toBe('refund');
    expect(matcher.match('(refund)')?.id).toBe('refund');
  });

  it('ignores diacritics on both the keyword and the text', () => {
    expect(matcher.match('Where is the CAFE MENU?')?.id).toBe('cafe');
    expect(matcher.match('Can I upload my résumé')?.id).toBe('resume');
  });

  it('folds Unicode compatibility forms (full-width letters)', () => {
    expect(matcher.match('ｒｅｆｕｎｄ please')?.id).toBe('refund');
  });

  it('matches whole words only', () => {
    expect(matcher.match('refunds')).toBeUndefined();
    expect(matcher.match('nonrefundable ticket')).toBeUndefined();
  });

  it('returns the keyword as configured, not as normalised', () => {
    expect(matcher.match('the cafe menu')).toEqual({ id: 'cafe', answer: 'answer cafe', matched: ['café menu'], score: 1 });
  });
});

describe('createFaqMatcher: phrases', () => {
  const matcher = createFaqMatcher([entry('reset', ['reset password'])]);

  it('matches a phrase whose words appear consecutively and in order', () => {
    expect(matcher.match('How do I reset-password?')?.id).toBe('reset');
    expect(matcher.match('how to reset password')?.matched).toEqual(['reset password']);
  });

  it('does not match the words apart or out of order', () => {
    expect(matcher.match('reset my password')).toBeUndefined();
    expect(matcher.match('password reset')).toBeUndefined();
  });

  it('does not match a phrase across a clause break', () => {
    expect(matcher.match('I tried to reset. Password still wrong')).toBeUndefined();
    expect(matcher.match('reset, password')).toBeUndefined();
  });

  it('keeps a dot inside a token from breaking the clause', () => {
    const versioned = createFaqMatcher([entry('v12', ['version 1.2 upgrade'])]);
    expect(versioned.match('help with the version 1.2 upgrade')?.id).toBe('v12');
  });
});

describe('createFaqMatcher: scores and ties', () => {
  const matcher = createFaqMatcher([
    entry('billing', ['invoice', 'billing', 'payment']),
    entry('card', ['card', 'payment', 'declined']),
    entry('tie-later', ['invoice', 'billing', 'receipt']),
  ]);

  it('picks the entry with the most matched keywords', () => {
    const match = matcher.match('my card payment was declined, also billing');
    expect(match?.id).toBe('card');
    expect(match?.score).toBe(3);
    expect(match?.matched).toEqual(['card', 'payment', 'declined']);
  });

  it('breaks ties by entry order', () => {
    const match = matcher.match('billing invoice question');
    expect(match?.id).toBe('billing');
    expect(match?.score).toBe(2);
  });

  it('lists matched keywords in the entry order, not the text order', () => {
    expect(matcher.match('payment for my invoice')?.matched).toEqual(['invoice', 'payment']);
  });
});

describe('createFaqMatcher: minimum matches', () => {
  it('requires every keyword by default for entries of one or two keywords', () => {
    const matcher = createFaqMatcher([entry('two', ['delete', 'account'])]);
    expect(matcher.match('delete my account')?.id).toBe('two');
    expect(matcher.match('my account')).toBeUndefined();
  });

  it('requires two keywords by default for entries of three or more', () => {
    const matcher = createFaqMatcher([entry('three', ['shipping', 'delivery', 'tracking'])]);
    expect(matcher.match('shipping')).toBeUndefined();
    expect(matcher.match('shipping tracking')?.score).toBe(2);
  });

  it('honours an explicit minimumMatches', () => {
    const matcher = createFaqMatcher([entry('loose', ['shipping', 'delivery', 'tracking'], 1), entry('strict', ['hours', 'open'], 2)]);
    expect(matcher.match('shipping')?.id).toBe('loose');
    expect(matcher.match('opening hours')).toBeUndefined();
  });
});

describe('createFaqMatcher: negation guard', () => {
  const matcher = createFaqMatcher([entry('charged', ['get charged'])]);

  it('does not count a keyword with a negation word shortly before it', () => {
    expect(matcher.match('how do I get charged?')?.id).toBe('charged');
    expect(matcher.match('how do I NOT get charged?')).toBeUndefined();
    expect(matcher.match("I don't want to get charged")).toBeUndefined();
    expect(matcher.match('I can’t get charged twice')).toBeUndefined();
    expect(matcher.match('never get charged')).toBeUndefined();
  });

  it('looks exactly four words back', () => {
    expect(matcher.match('not sure whether I get charged')).toBeUndefined();
    expect(matcher.match('never once did I really get charged')?.id).toBe('charged');
  });

  it('does not reach across a clause break', () => {
    expect(matcher.match('No. How do I get charged?')?.id).toBe('charged');
  });

  it('counts a keyword when any occurrence is not negated', () => {
    expect(matcher.match('I did not get charged, so how do I get charged now')?.id).toBe('charged');
  });

  it('leaves a keyword that itself contains a negation alone', () => {
    const broken = createFaqMatcher([entry('broken', ['not working'])]);
    expect(broken.match('the app is not working')?.id).toBe('broken');
  });

  it('drops only the negated keyword, so the entry can still fall short of its minimum', () => {
    const billing = createFaqMatcher([entry('card-charge', ['card', 'charged'])]);
    expect(billing.match('why was my card charged')?.matched).toEqual(['card', 'charged']);
    expect(billing.match('how do I make sure my card is never charged')).toBeUndefined();
  });
});

describe('createFaqMatcher: no match', () => {
  const matcher = createFaqMatcher([entry('refund', ['refund'])]);

  it('returns undefined for unrelated, empty or punctuation-only text', () => {
    expect(matcher.match('what is the weather')).toBeUndefined();
    expect(matcher.match('')).toBeUndefined();
    expect(matcher.match('?!...')).toBeUndefined();
  });
});

describe('createFaqMatcher: validation', () => {
  const valid = entry('ok', ['ok']);

  it.each<[string, unknown, RegExp]>([
    ['an empty list', [], /at least one entry/],
    ['an empty id', [{ id: ' ', keywords: ['a'], answer: 'x' }], /#1: id must be a non-empty string/],
    ['a duplicate id', [valid, { id: 'ok', keywords: ['b'], answer: 'y' }], /#2 \("ok"\): duplicate id "ok"/],
    ['an empty answer', [{ id: 'a', keywords: ['a'], answer: '  ' }], /\("a"\): answer must be a non-empty string/],
    ['no keywords', [{ id: 'a', keywords: [], answer: 'x' }], /keywords must be a non-empty list/],
    ['a keyword without letters', [{ id: 'a', keywords: ['?!'], answer: 'x' }], /keyword "\?!" has no letters or digits/],
    ['a non-string keyword', [{ id: 'a', keywords: [3], answer: 'x' }], /every keyword must be a string/],
    ['keywords equal after normalisation', [{ id: 'a', keywords: ['Café', 'cafe!'], answer: 'x' }], /"Café" and "cafe!" are the same/],
    ['minimumMatches of zero', [{ id: 'a', keywords: ['a'], answer: 'x', minimumMatches: 0 }], /minimumMatches must be an integer from 1 to 1/],
    ['minimumMatches above the keyword count', [{ id: 'a', keywords: ['a', 'b'], answer: 'x', minimumMatches: 3 }], /from 1 to 2 .* got 3/],
    ['a fractional minimumMatches', [{ id: 'a', keywords: ['a', 'b'], answer: 'x', minimumMatches: 1.5 }], /got 1.5/],
  ])('rejects %s when built', (_name, entries, message) => {
    expect(() => createFaqMatcher(entries as FaqEntry[])).toThrow(message);
  });
});
