/**
 * Deterministic, English-looking completion text, produced as real o200k tokens.
 *
 * A pool of sentences is generated from a small grammar and tokenized once when the
 * generator is built; a completion is a seeded pick of pooled sentences, so requests never
 * tokenize generated text. Each sentence is stored as its token strings (with a leading
 * space variant for non-initial positions), so `tokens.length` is the real token count of
 * the text and streaming can cut at token boundaries without re-encoding.
 */
import { decode, encode } from 'gpt-tokenizer';
import { createSeededRandom, type SeededRandom } from './seeded-random.js';

/** A text as its tokens: `tokens.join('')` is the text, `tokens.length` its token count. */
export interface TokenizedText {
  readonly tokens: readonly string[];
}

export interface TextLengthBounds {
  readonly minimumTokens: number;
  readonly maximumTokens: number;
}

export interface TextGenerator {
  /** Whole sentences whose total length is a seeded value within the bounds (when possible). */
  generate(random: SeededRandom, bounds: TextLengthBounds): TokenizedText;
  /** One sentence, for short string values in JSON output. */
  sentence(random: SeededRandom): string;
}

const openings = ['In practice,', 'However,', 'For example,', 'As a result,', 'In most cases,', 'Overall,', 'At the same time,', 'Fortunately,', 'In short,'];
const determiners = ['the', 'one', 'this', 'every', 'our', 'each', 'that'];
const adjectives = ['simple', 'reliable', 'careful', 'modern', 'small', 'practical', 'steady', 'useful', 'quiet', 'efficient', 'clear', 'robust', 'familiar', 'gradual'];
const nouns = ['system', 'team', 'result', 'approach', 'request', 'garden', 'river', 'budget', 'library', 'question', 'process', 'design', 'market', 'teacher', 'network', 'journey', 'answer', 'village'];
const pluralNouns = ['ideas', 'details', 'changes', 'people', 'tools', 'stories', 'results', 'questions', 'patterns', 'costs', 'options', 'seasons'];
const verbs = ['improves', 'supports', 'reduces', 'depends on', 'describes', 'connects', 'requires', 'shapes', 'explains', 'handles', 'reveals', 'balances', 'follows'];
const prepositions = ['with', 'across', 'through', 'without', 'during', 'beyond', 'around', 'for'];
const adverbs = ['quickly', 'carefully', 'often', 'rarely', 'gently', 'clearly', 'over time', 'in the end'];

const pooledSentenceCount = 384;
const poolSeed = 0x51a7e5;

interface PooledSentence {
  readonly initial: readonly string[];
  readonly following: readonly string[];
}

export function createTextGenerator(): TextGenerator {
  const poolRandom = createSeededRandom(poolSeed);
  const pool: PooledSentence[] = [];
  for (let index = 0; index < pooledSentenceCount; index++) {
    const text = composeSentence(poolRandom);
    pool.push({ initial: toTokenStrings(text), following: toTokenStrings(` ${text}`) });
  }

  return {
    generate(random, bounds) {
      const target = random.integer(bounds.minimumTokens, bounds.maximumTokens);
      const tokens: string[] = [];
      while (tokens.length < target) {
        const sentence = random.pick(pool);
        const pieces = tokens.length === 0 ? sentence.initial : sentence.following;
        const wouldOverflow = tokens.length + pieces.length > bounds.maximumTokens;
        if (wouldOverflow && tokens.length >= bounds.minimumTokens) break;
        for (const piece of pieces) tokens.push(piece);
      }
      return { tokens };
    },
    sentence: composeSentence,
  };
}

/** Splits text into its o200k tokens' strings (for JSON content and tool arguments). */
export function tokenizeText(text: string): TokenizedText {
  return { tokens: toTokenStrings(text) };
}

function toTokenStrings(text: string): string[] {
  return encode(text).map((id) => decode([id]));
}

function composeSentence(random: SeededRandom): string {
  const words: string[] = [];
  if (random.next() < 0.3) words.push(random.pick(openings));
  words.push(random.pick(determiners), random.pick(adjectives), random.pick(nouns), random.pick(verbs));
  if (random.next() < 0.5) words.push(random.pick(adjectives), random.pick(pluralNouns));
  else words.push('the', random.pick(nouns));
  if (random.next() < 0.6) words.push(random.pick(prepositions), random.pick(determiners), random.pick(nouns));
  if (random.next() < 0.4) words.push(random.pick(adverbs));
  const sentence = `${words.join(' ')}.`;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
