import { personsOf, reorderedPairs, swappedWords, tensesOf } from './framing-conflicts.js';
import { numberMentions, quantitiesDiffer, type NumberMentions } from './number-mentions.js';
import { normalisedWords } from './normalised-words.js';
import {
  commonWords,
  directionalWords,
  minimumBaseLength,
  negatingPrefixes,
  negationWords,
  opposingWords,
  particleFamilies,
} from './polarity-vocabulary.js';

/**
 * The semantic cache's veto: two prompts can be very similar as vectors and still ask opposite
 * things ("how do I turn X off" / "how do I turn X on"). A conflict means "never serve one's answer
 * for the other", whatever the similarity. It errs towards conflict: a false conflict costs a cache
 * miss, a missed one serves a wrong answer.
 *
 * Two prompts conflict when, after normalisation (`normalisedWords`; `non X` read as one word):
 * - `negation`: they hold different numbers of negating words (`not`, `dont`, `never`, `without` …);
 * - `quantity`: they mention different numbers (`5 items` / `6 items`, `five` = `5`, see `numberMentions`);
 * - `opposing-words`: both use a family of opposing words and use different sides of it
 *   (`on`/`off`/`enable`/`disable`, `add`/`remove`, `before`/`after`, `min`/`max` …, see
 *   `polarity-vocabulary.ts`); the sides are compared as sets, so "pros and cons" matches
 *   "advantages and disadvantages" but not "advantages";
 * - `negating-prefix`: one has a word, the other the word with a negating prefix and not the word
 *   itself (`lock`/`unlock`, `legal`/`illegal`);
 * - `symbols`: they hold different symbols that normalisation drops but that change meaning in
 *   technical prompts: `#` or `+` right after a letter or digit (`C++` / `C#`), and operators made
 *   of `= < > | !` (`a = b` / `a == b`, `x > y` / `x < y`, `||`), and symbols standing alone
 *   between spaces (`# and ##` / `() and (,)`), compared as lists; decoration attached to words
 *   (`*bold*`, backticks, `@`, quotes, brackets, sentence punctuation) is ignored;
 * - `direction`: the same two words, once each in both and at most five words apart, in opposite
 *   orders with the same directional word (`to`, `into`, `than`, `from`, `over` …) between them in both ("convert km to miles" / "convert miles to km",
 *   "is A faster than B" / "is B faster than A"; but "from X to Y" / "to Y from X" agree);
 * - `perspective`: they refer to different grammatical persons (`my painting` / `your painting`,
 *   `how do you` / `how do I`; see `personOfWord`), the asker alone counting as no one
 *   (`how to` / `how do I` agree);
 * - `tense`: one is framed in the past or as a hypothetical and the other is not, or not the
 *   same way (`how did you become` / `how can I become`, `would` / `should`; see `tenseOfWord`);
 * - `order`: two content words occur once in each, in opposite orders, wherever they are
 *   ("import from Canada, sell in India" / "import from India, sell in Canada"; see `swappedWords`).
 */
export type PolarityConflictKind = 'negation' | 'quantity' | 'opposing-words' | 'negating-prefix' | 'symbols' | 'direction' | 'perspective' | 'tense' | 'order';

export interface PolarityConflict {
  readonly kind: PolarityConflictKind;
  /** What differs, for logs and tests, e.g. `switch: on vs off`. */
  readonly detail: string;
}

/** Whether serving one prompt's answer for the other would risk answering the opposite question. */
export function polarityConflict(first: string, second: string): boolean {
  return findPolarityConflict(first, second) !== undefined;
}

/** The first conflict found (in the order listed above), or undefined. */
export function findPolarityConflict(first: string, second: string): PolarityConflict | undefined {
  const one = readPolarity(first);
  const other = readPolarity(second);
  if (one.negations !== other.negations) {
    return { kind: 'negation', detail: `${one.negations} vs ${other.negations} negating words` };
  }
  if (quantitiesDiffer(one.numbers, other.numbers)) {
    return { kind: 'quantity', detail: `[${one.numbers.values.join(', ')}] vs [${other.numbers.values.join(', ')}]` };
  }
  for (const [family, used] of one.families) {
    const otherUsed = other.families.get(family);
    if (otherUsed !== undefined && !sameSet(used.sides, otherUsed.sides)) {
      return { kind: 'opposing-words', detail: `${family}: ${[...used.words].join(' ')} vs ${[...otherUsed.words].join(' ')}` };
    }
  }
  const prefixed = prefixedOpposite(one.vocabulary, other.vocabulary) ?? prefixedOpposite(other.vocabulary, one.vocabulary);
  if (prefixed !== undefined) return { kind: 'negating-prefix', detail: prefixed };
  if (one.symbols !== other.symbols) return { kind: 'symbols', detail: `"${one.symbols}" vs "${other.symbols}"` };
  const reversed = reversedDirection(one.words, other.words);
  if (reversed !== undefined) return { kind: 'direction', detail: reversed };
  const [persons, otherPersons] = [personsOf(one.words), personsOf(other.words)];
  if (persons !== otherPersons) return { kind: 'perspective', detail: `[${persons}] vs [${otherPersons}]` };
  const [tenses, otherTenses] = [tensesOf(one.words), tensesOf(other.words)];
  if (tenses !== otherTenses) return { kind: 'tense', detail: `[${tenses}] vs [${otherTenses}]` };
  const swapped = swappedWords(one.words, other.words);
  if (swapped !== undefined) return { kind: 'order', detail: swapped };
  return undefined;
}

interface FamilyUse {
  readonly sides: Set<0 | 1>;
  readonly words: Set<string>;
}

interface PolarityReading {
  readonly words: readonly string[];
  readonly vocabulary: ReadonlySet<string>;
  readonly negations: number;
  readonly numbers: NumberMentions;
  /** Each family of opposing words used: which sides, through which words. */
  readonly families: ReadonlyMap<string, FamilyUse>;
  /** The meaningful symbols, sorted, as one string. */
  readonly symbols: string;
}

function readPolarity(text: string): PolarityReading {
  const clauses = text.split(/[.,;:!?]+(?=\s|$)|[\r\n]+/).map((clause) => joinNon(normalisedWords(clause)));
  const words = clauses.flat();
  const families = new Map<string, FamilyUse>();
  const use = (family: string, side: 0 | 1, word: string): void => {
    const used = families.get(family) ?? { sides: new Set<0 | 1>(), words: new Set<string>() };
    used.sides.add(side);
    used.words.add(word);
    families.set(family, used);
  };
  for (const clause of clauses) {
    clause.forEach((word, index) => {
      const opposing = opposingWords.get(word);
      if (opposing !== undefined) use(opposing.family, opposing.side, word);
      for (const particle of particleFamilies) {
        if (word === particle.particle && followsVerb(clause, index, particle.verbs)) use(particle.family, particle.side, word);
      }
    });
  }
  return {
    words,
    vocabulary: new Set(words),
    negations: words.filter((word) => negationWords.has(word)).length,
    numbers: numberMentions(words),
    families,
    symbols: meaningfulSymbolsOf(text),
  };
}

const meaningfulSymbols = /(?<=[\p{L}\p{N}])[#+]+|[=<>|!]*[=<>|][=<>|!]*/gu;
/** A run of symbols standing alone between spaces (`#` and `##`, `()` and `(,)`), unless it is only operators, sentence punctuation, quotes or dashes. */
const standaloneSymbols = /(?<!\S)[^\p{L}\p{N}\s]+(?!\S)/gu;
const sentencePunctuation = /^[.,;:!?'"“”‘’`\-–—…]+$/u;

function meaningfulSymbolsOf(text: string): string {
  const normalised = text.normalize('NFKC');
  // Operator characters are read by `meaningfulSymbols` already; what is left must be more than punctuation.
  const standalone = (normalised.match(standaloneSymbols) ?? []).filter((run) => {
    const rest = run.replace(/[=<>|!]/g, '');
    return rest !== '' && !sentencePunctuation.test(rest);
  });
  return [...(normalised.match(meaningfulSymbols) ?? []), ...standalone].sort().join(' ');
}

/** `non profit` → `nonprofit`, so the hyphenated and the joined spellings read alike. */
function joinNon(words: string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < words.length; index += 1) {
    const next = words[index + 1];
    if (words[index] === 'non' && next !== undefined) {
      joined.push(`non${next}`);
      index += 1;
    } else {
      joined.push(words[index]!);
    }
  }
  return joined;
}

/** Whether one of the three words before `index` is one of `verbs`, with no `on`/`off`/`in`/`out` between. */
function followsVerb(clause: readonly string[], index: number, verbs: ReadonlySet<string>): boolean {
  for (let back = index - 1; back >= Math.max(0, index - 3); back -= 1) {
    const word = clause[back]!;
    if (verbs.has(word)) return true;
    if (word === 'on' || word === 'off' || word === 'in' || word === 'out') return false;
  }
  return false;
}

function prefixedOpposite(words: ReadonlySet<string>, otherWords: ReadonlySet<string>): string | undefined {
  for (const word of words) {
    if (otherWords.has(word)) continue;
    for (const prefix of negatingPrefixes) {
      const base = word.slice(prefix.length);
      if (word.startsWith(prefix) && base.length >= minimumBaseLength && otherWords.has(base) && !words.has(base)) {
        return `${word} vs ${base}`;
      }
    }
  }
  return undefined;
}

/** How far apart (in words) two words may be for the direction rule: "is python much faster than java" is 5. */
const directionReach = 5;

function reversedDirection(words: readonly string[], otherWords: readonly string[]): string | undefined {
  for (const { x, y, xAt, yAt, otherXAt, otherYAt } of reorderedPairs(words, otherWords)) {
    if (Math.abs(xAt - yAt) > directionReach || Math.abs(otherXAt - otherYAt) > directionReach) continue;
    const between = new Set(words.slice(Math.min(xAt, yAt) + 1, Math.max(xAt, yAt)).filter((word) => directionalWords.has(word)));
    const otherBetween = otherWords.slice(Math.min(otherXAt, otherYAt) + 1, Math.max(otherXAt, otherYAt));
    const common = otherBetween.find((word) => between.has(word));
    if (common !== undefined) return `"${x}" and "${y}" swap around "${common}"`;
  }
  return undefined;
}

function sameSet<Value>(first: ReadonlySet<Value>, second: ReadonlySet<Value>): boolean {
  return first.size === second.size && [...first].every((value) => second.has(value));
}
