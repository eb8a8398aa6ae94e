/**
 * The static-answer rung of the degradation ladder: match a user's message against a configured
 * FAQ list by keywords, so that when every model is down the user may still get a useful answer.
 *
 * Matching rules (all decided here, once):
 * - Text and keywords are normalised the same way: Unicode compatibility-folded, diacritics
 *   removed, lower-cased, `n't` contractions joined (`don't` → `dont`), every other non-letter,
 *   non-digit character treated as a word break. `Café!` matches the keyword `cafe`.
 * - A keyword matches whole words only (`card` does not match `cards` or `discard`). A keyword of
 *   several words is a phrase: its words must appear consecutively, in order, within one clause.
 * - Clauses are separated by `.`, `,`, `;`, `:`, `!` or `?` followed by a space or the end of the
 *   text (so `v1.2` stays one clause). Phrases and the negation guard never cross a clause break.
 * - Negation guard: an occurrence of a keyword does not count when one of `negationWords` appears
 *   within the `negationWindow` (4) words before it in the same clause. It is a safety net, so
 *   "how do I not get charged" does not receive the "how to get charged" answer. A keyword that
 *   itself starts with a negation (`not working`) is unaffected by its own words. A keyword counts
 *   when any of its occurrences is not negated.
 * - An entry's score is the number of its keywords that count. It matches when the score reaches
 *   `minimumMatches`, which defaults to every keyword for entries of one or two keywords and to two
 *   for longer lists (one shared word such as "account" is too weak a signal on its own).
 * - The highest score wins; ties go to the entry listed first.
 */

export interface FaqEntry {
  readonly id: string;
  /** Words or multi-word phrases; matched as described above. */
  readonly keywords: readonly string[];
  /** The answer shown to the user, verbatim. */
  readonly answer: string;
  /** How many keywords must count; a positive integer up to `keywords.length`. See the defaults above. */
  readonly minimumMatches?: number;
}

export interface FaqMatch {
  readonly id: string;
  readonly answer: string;
  /** The entry's keywords that counted, as configured and in the entry's order. */
  readonly matched: readonly string[];
  /** How many keywords counted (`matched.length`). */
  readonly score: number;
}

export interface FaqMatcher {
  match(text: string): FaqMatch | undefined;
}

/** Words that, shortly before a keyword, cancel it. Written as normalisation leaves them (`don't` → `dont`). */
export const negationWords: ReadonlySet<string> = new Set([
  'no', 'not', 'never', 'nor', 'without', 'cannot',
  'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'cant', 'wont',
  'wouldnt', 'shouldnt', 'couldnt', 'havent', 'hasnt', 'hadnt',
]);

/** How many words before a keyword the negation guard looks at. */
export const negationWindow = 4;

interface CompiledKeyword {
  readonly keyword: string;
  readonly words: readonly string[];
}

interface CompiledEntry {
  readonly id: string;
  readonly answer: string;
  readonly keywords: readonly CompiledKeyword[];
  readonly minimumMatches: number;
}

interface Word {
  readonly text: string;
  readonly clause: number;
}

/** Builds a matcher; rejects an invalid FAQ list here, once, with a message naming the entry. */
export function createFaqMatcher(entries: readonly FaqEntry[]): FaqMatcher {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new TypeError('FAQ list: at least one entry is required');
  }
  const seenIds = new Set<string>();
  const compiled = entries.map((entry, index) => compileEntry(entry, index, seenIds));

  return {
    match: function matchFaq(text) {
      const words = textWords(text);
      if (words.length === 0) return undefined;
      let best: FaqMatch | undefined;
      for (const entry of compiled) {
        const matched = entry.keywords.filter((keyword) => keywordCounts(words, keyword.words)).map((keyword) => keyword.keyword);
        if (matched.length < entry.minimumMatches) continue;
        if (best === undefined || matched.length > best.score) {
          best = { id: entry.id, answer: entry.answer, matched, score: matched.length };
        }
      }
      return best;
    },
  };
}

function compileEntry(entry: FaqEntry, index: number, seenIds: Set<string>): CompiledEntry {
  const where = `FAQ entry #${index + 1}${typeof entry?.id === 'string' && entry.id.trim() !== '' ? ` ("${entry.id}")` : ''}`;
  if (typeof entry !== 'object' || entry === null) throw new TypeError(`${where}: must be an object`);
  if (typeof entry.id !== 'string' || entry.id.trim() === '') throw new TypeError(`${where}: id must be a non-empty string`);
  if (seenIds.has(entry.id)) throw new TypeError(`${where}: duplicate id "${entry.id}"; ids must be unique`);
  seenIds.add(entry.id);
  if (typeof entry.answer !== 'string' || entry.answer.trim() === '') throw new TypeError(`${where}: answer must be a non-empty string`);
  if (!Array.isArray(entry.keywords) || entry.keywords.length === 0) throw new TypeError(`${where}: keywords must be a non-empty list`);

  const seenKeywords = new Map<string, string>();
  const keywords = entry.keywords.map((keyword): CompiledKeyword => {
    if (typeof keyword !== 'string') throw new TypeError(`${where}: every keyword must be a string`);
    const words = keywordWords(keyword);
    if (words.length === 0) throw new TypeError(`${where}: keyword "${keyword}" has no letters or digits`);
    const key = words.join(' ');
    const earlier = seenKeywords.get(key);
    if (earlier !== undefined) throw new TypeError(`${where}: keywords "${earlier}" and "${keyword}" are the same after normalisation`);
    seenKeywords.set(key, keyword);
    return { keyword, words };
  });

  const defaultMinimum = keywords.length <= 2 ? keywords.length : 2;
  const minimumMatches = entry.minimumMatches ?? defaultMinimum;
  if (!Number.isInteger(minimumMatches) || minimumMatches < 1 || minimumMatches > keywords.length) {
    throw new RangeError(`${where}: minimumMatches must be an integer from 1 to ${keywords.length} (its keyword count), got ${String(entry.minimumMatches)}`);
  }
  return { id: entry.id, answer: entry.answer, keywords, minimumMatches };
}

function keywordCounts(words: readonly Word[], keyword: readonly string[]): boolean {
  for (let start = 0; start + keyword.length <= words.length; start += 1) {
    if (occursAt(words, keyword, start) && !negatedAt(words, start)) return true;
  }
  return false;
}

function occursAt(words: readonly Word[], keyword: readonly string[], start: number): boolean {
  const clause = words[start]?.clause;
  return keyword.every((text, offset) => {
    const word = words[start + offset];
    return word !== undefined && word.text === text && word.clause === clause;
  });
}

function negatedAt(words: readonly Word[], start: number): boolean {
  const clause = words[start]?.clause;
  for (let index = start - 1; index >= 0 && index >= start - negationWindow; index -= 1) {
    const word = words[index];
    if (word === undefined || word.clause !== clause) return false;
    if (negationWords.has(word.text)) return true;
  }
  return false;
}

/** Compatibility-folds, strips diacritics, lower-cases and joins `n't` contractions. */
function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/n['\u2019]t(?![\p{L}\p{N}])/gu, 'nt');
}

function splitWords(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
}

function keywordWords(keyword: string): string[] {
  return splitWords(fold(keyword));
}

function textWords(text: string): Word[] {
  const words: Word[] = [];
  fold(text)
    .split(/[.,;:!?]+(?=\s|$)/u)
    .forEach((clauseText, clause) => {
      for (const word of splitWords(clauseText)) words.push({ text: word, clause });
    });
  return words;
}
