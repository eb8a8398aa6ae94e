import { commonWords, coordinatingWords, personOfWord, relationWords, tenseOfWord } from './polarity-vocabulary.js';

/**
 * Conflicts of framing rather than of polarity: the same words asking about someone else, at
 * another time, or with their roles swapped. Each reads the normalised words of both prompts.
 */

/**
 * The grammatical persons a prompt refers to (`personOfWord`), sorted, as one string. The asker
 * alone (`I`, `my`) reads as no one in particular, since "how to delete a file" asks what "how do
 * I delete a file" asks; anyone else (`you`, `we`, `they`) is a different question.
 */
export function personsOf(words: readonly string[]): string {
  const persons = distinctSorted(words, personOfWord);
  return persons === 'first-singular' ? '' : persons;
}

/** The past or hypothetical framings a prompt uses (`tenseOfWord`), sorted, as one string. */
export function tensesOf(words: readonly string[]): string {
  return distinctSorted(words, tenseOfWord);
}

/**
 * Two content words that occur once in each prompt, in opposite orders: "import from Canada and
 * sell in India" / "import from India and sell in Canada", "can data science graduates apply for
 * psychology" / "can psychology graduates apply for data science". Words joined only by a
 * coordination (`and`, `or`, `vs`) with no relation word (`of`, `for`, `in` …) between them, in
 * either prompt, may swap: "French and German" / "German and French", "the difference between
 * real gas and ideal gas" / "… between ideal gas and real gas". So may words that take their
 * roles with them, each after the same word in both ("flights from London to Paris" / "flights to
 * Paris from London"). Other reorderings that keep the
 * meaning ("is it worth jailbreaking an iPhone" / "is jailbreaking an iPhone worth it") conflict
 * too: that costs a miss, where a missed swap serves the answer to the reverse question.
 */
export function swappedWords(words: readonly string[], otherWords: readonly string[]): string | undefined {
  for (const { x, y, xAt, yAt, otherXAt, otherYAt } of reorderedPairs(words, otherWords)) {
    if (onlyCoordinated(words, xAt, yAt) || onlyCoordinated(otherWords, otherXAt, otherYAt)) continue;
    if (roleOf(words, xAt) === roleOf(otherWords, otherXAt) && roleOf(words, yAt) === roleOf(otherWords, otherYAt)) continue;
    return `"${x}" and "${y}" swap places`;
  }
  return undefined;
}

/** Two content words, once in each prompt, in opposite orders: where each stands in both. */
export interface ReorderedPair {
  readonly x: string;
  readonly y: string;
  readonly xAt: number;
  readonly yAt: number;
  readonly otherXAt: number;
  readonly otherYAt: number;
}

/** Every pair of content words that occur once in each prompt and in opposite orders. */
export function* reorderedPairs(words: readonly string[], otherWords: readonly string[]): Generator<ReorderedPair> {
  const positions = singlePositions(words);
  const otherPositions = singlePositions(otherWords);
  const shared = [...positions.keys()].filter((word) => otherPositions.has(word));
  for (let left = 0; left < shared.length; left += 1) {
    for (let right = left + 1; right < shared.length; right += 1) {
      const [x, y] = [shared[left]!, shared[right]!];
      const [xAt, yAt, otherXAt, otherYAt] = [positions.get(x)!, positions.get(y)!, otherPositions.get(x)!, otherPositions.get(y)!];
      if (xAt < yAt !== otherXAt < otherYAt) yield { x, y, xAt, yAt, otherXAt, otherYAt };
    }
  }
}

/** Content words (not `commonWords`) that occur exactly once, and where. */
function singlePositions(words: readonly string[]): Map<string, number> {
  const positions = new Map<string, number>();
  const repeated = new Set<string>();
  words.forEach((word, index) => {
    if (commonWords.has(word)) return;
    if (positions.has(word)) repeated.add(word);
    positions.set(word, index);
  });
  for (const word of repeated) positions.delete(word);
  return positions;
}

/** Whether the words between two positions hold a coordination and no relation word. */
function onlyCoordinated(words: readonly string[], at: number, otherAt: number): boolean {
  const between = words.slice(Math.min(at, otherAt) + 1, Math.max(at, otherAt));
  return between.some((word) => coordinatingWords.has(word)) && !between.some((word) => relationWords.has(word));
}

/** The word before position `at`, articles skipped: what gives the word its role ("from" in "from the city"). */
function roleOf(words: readonly string[], at: number): string {
  let before = at - 1;
  while (before >= 0 && articles.has(words[before]!)) before -= 1;
  return before < 0 ? '' : words[before]!;
}

const articles: ReadonlySet<string> = new Set(['a', 'an', 'the']);

function distinctSorted(words: readonly string[], classOfWord: ReadonlyMap<string, string>): string {
  const classes = new Set<string>();
  for (const word of words) {
    const found = classOfWord.get(word);
    if (found !== undefined) classes.add(found);
  }
  return [...classes].sort().join(' ');
}
