import { describe, expect, it } from 'vitest';
import { readLabeledPairs } from './read-labeled-pairs.js';

describe('readLabeledPairs', () => {
  it('reads 0/1 labels after a header', () => {
    const { pairs, scale } = readLabeledPairs('question1,question2,is_duplicate\n"How, now?",How now,1\nA,B,0\n');
    expect(scale).toBe('binary');
    expect(pairs).toEqual([
      { first: 'How, now?', second: 'How now', duplicate: true, line: 2 },
      { first: 'A', second: 'B', duplicate: false, line: 3 },
    ]);
  });

  it('reads 0–5 similarity scores without a header, a score of 4.0 or more being a duplicate', () => {
    const { pairs, scale } = readLabeledPairs('a,b,5.0\r\nc,d,4.0\r\ne,f,3.8\r\ng,h,0\r\n');
    expect(scale).toBe('similarity-score');
    expect(pairs.map((pair) => pair.duplicate)).toEqual([true, true, false, false]);
  });

  it('names the line of a malformed row', () => {
    expect(() => readLabeledPairs('q1,q2,label\na,b,1\nc,d\n')).toThrow('line 3: expected 3 fields (text,text,label), found 2');
    expect(() => readLabeledPairs('a,b,1\nc,d,yes\n')).toThrow('line 2: the label "yes" is not a number');
    expect(() => readLabeledPairs('a,b,1\nc,d,7\n')).toThrow('line 2: the label 7 is neither 0/1 nor a similarity score from 0 to 5');
    expect(() => readLabeledPairs('a,b,1\n" ",d,0\n')).toThrow('line 2: empty text in field 1');
    expect(() => readLabeledPairs('a,b,1\n"c,d,0\n')).toThrow('line 2: a quoted field is never closed');
  });

  it('rejects a file without pairs', () => {
    expect(() => readLabeledPairs('')).toThrow(/no labeled pairs/);
    expect(() => readLabeledPairs('question1,question2,is_duplicate\n')).toThrow(/no labeled pairs/);
  });
});
