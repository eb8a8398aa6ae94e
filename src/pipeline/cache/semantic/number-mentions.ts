import { numberWords, scaleWords } from './polarity-vocabulary.js';

/**
 * The quantities a prompt mentions, from its normalised words: every run of digits (`5`, `5.0`,
 * `2nd`, `iphone7`, `1,000` once normalised), number words (`twenty five` → 25, `a dozen` → 12),
 * and a scale after either (`2 million`, `three hundred` → 300, 2,000,000).
 *
 * The word `one` is also a pronoun ("how can one learn …"), so it is kept apart in `looseOnes`:
 * it may stand in for a `1` the other prompt mentions, and is otherwise ignored.
 */
export interface NumberMentions {
  /** Sorted ascending. */
  readonly values: readonly number[];
  readonly looseOnes: number;
}

export function numberMentions(words: readonly string[]): NumberMentions {
  const values: number[] = [];
  let looseOnes = 0;
  let index = 0;
  while (index < words.length) {
    const word = words[index]!;
    const digitRuns = word.match(/\d+(?:\.\d+)?/g);
    if (digitRuns !== null) {
      const scale = digitRuns.length === 1 && /^\d/.test(word) ? scaleWords.get(words[index + 1] ?? '') : undefined;
      for (const run of digitRuns) values.push(Number(run) * (scale ?? 1));
      index += scale === undefined ? 1 : 2;
      continue;
    }
    if (numberWords.has(word) || scaleWords.has(word)) {
      const start = index;
      let total = 0;
      let current = 0;
      while (index < words.length && (numberWords.has(words[index]!) || scaleWords.has(words[index]!))) {
        const scale = scaleWords.get(words[index]!);
        if (scale === undefined) current += numberWords.get(words[index]!)!;
        else if (scale < 1000) current = (current === 0 ? 1 : current) * scale;
        else {
          total += (current === 0 ? 1 : current) * scale;
          current = 0;
        }
        index += 1;
      }
      if (index - start === 1 && word === 'one') looseOnes += 1;
      else values.push(total + current);
      continue;
    }
    index += 1;
  }
  return { values: values.sort((first, second) => first - second), looseOnes };
}

/** Whether two prompts mention different quantities, letting a loose `one` match a `1`. */
export function quantitiesDiffer(first: NumberMentions, second: NumberMentions): boolean {
  const onlyFirst = [...first.values];
  const onlySecond: number[] = [];
  for (const value of second.values) {
    const match = onlyFirst.indexOf(value);
    if (match === -1) onlySecond.push(value);
    else onlyFirst.splice(match, 1);
  }
  const unmatched = (values: readonly number[], looseOnes: number): number => {
    const ones = values.filter((value) => value === 1).length;
    return values.length - Math.min(ones, looseOnes);
  };
  return unmatched(onlyFirst, second.looseOnes) > 0 || unmatched(onlySecond, first.looseOnes) > 0;
}
