import { describe, expect, it } from 'vitest';
import { numberMentions, quantitiesDiffer } from './number-mentions.js';

const mentions = (text: string) => numberMentions(text.split(' '));

describe('numberMentions', () => {
  it('reads digits, number words and scales', () => {
    expect(mentions('give me 5 items').values).toEqual([5]);
    expect(mentions('twenty five ideas').values).toEqual([25]);
    expect(mentions('three hundred and two dozen').values).toEqual([24, 300]);
    expect(mentions('2 million or 1.5 billion').values).toEqual([2_000_000, 1_500_000_000]);
    expect(mentions('the iphone7 and the 2nd one').values).toEqual([2, 7]);
    expect(mentions('5.0 and 05').values).toEqual([5, 5]);
  });

  it('keeps a lone "one" apart: it may be a pronoun', () => {
    expect(mentions('how can one learn')).toEqual({ values: [], looseOnes: 1 });
    expect(mentions('one hundred')).toEqual({ values: [100], looseOnes: 0 });
  });
});

describe('quantitiesDiffer', () => {
  it('compares as multisets', () => {
    expect(quantitiesDiffer(mentions('5 and 6'), mentions('6 and five'))).toBe(false);
    expect(quantitiesDiffer(mentions('5 and 5'), mentions('5'))).toBe(true);
    expect(quantitiesDiffer(mentions('5 items'), mentions('6 items'))).toBe(true);
    expect(quantitiesDiffer(mentions('km to miles'), mentions('100 km to miles'))).toBe(true);
  });

  it('lets a loose "one" match a 1 and otherwise ignores it', () => {
    expect(quantitiesDiffer(mentions('buy one ticket'), mentions('buy 1 ticket'))).toBe(false);
    expect(quantitiesDiffer(mentions('how can one learn'), mentions('how do i learn'))).toBe(false);
    expect(quantitiesDiffer(mentions('one ticket'), mentions('2 tickets'))).toBe(true);
  });
});
