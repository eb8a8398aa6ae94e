/**
 * The words of a prompt as the semantic cache compares them:
 * - Unicode NFKC (full-width letters, ligatures and other compatibility forms folded), lower-cased;
 * - an apostrophe between letters removed, so `don't` → `dont` and `it’s` → `its`;
 * - a comma grouping thousands removed and a decimal point between digits kept, so
 *   `1,000.50` → `1000.50` and `v1.2` stays one word;
 * - every other character that is not a letter, a digit or a combining mark is a word break.
 */
export function normalisedWords(text: string): string[] {
  const words = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/(\p{L})['’‘ʼ`](?=\p{L})/gu, '$1')
    .replace(/(\d),(?=\d{3}(?!\d))/g, '$1')
    .replace(/(?<!\d)\.|\.(?!\d)/g, ' ')
    .split(/[^\p{L}\p{N}\p{M}.]+/u);
  return words.filter((word) => word !== '');
}
