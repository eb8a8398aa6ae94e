/**
 * Cuts an encoded text to at most `maxTokens` ids the way Hugging Face truncation does: the text's
 * own tokens are cut from the end, and the special tokens the post-processor added around them
 * (`[CLS]` … `[SEP]`, `<s>` … `</s>`) are kept.
 *
 * `withSpecialTokens` is the text encoded with its special tokens, `plain` the same text without;
 * the specials are whatever surrounds `plain` in `withSpecialTokens`. When `plain` is not found
 * there (a post-processor that rewrites tokens), or the specials alone fill `maxTokens`, the first
 * `maxTokens` ids are kept.
 */
export function truncatedTokenIds(withSpecialTokens: readonly number[], plain: readonly number[], maxTokens: number): number[] {
  if (withSpecialTokens.length <= maxTokens) return [...withSpecialTokens];
  const prefixLength = offsetOf(plain, withSpecialTokens);
  const specialCount = withSpecialTokens.length - plain.length;
  if (prefixLength === -1 || specialCount >= maxTokens) return withSpecialTokens.slice(0, maxTokens);
  return [
    ...withSpecialTokens.slice(0, prefixLength),
    ...plain.slice(0, maxTokens - specialCount),
    ...withSpecialTokens.slice(prefixLength + plain.length),
  ];
}

/** Where `needle` first occurs in `haystack` as a contiguous run, or -1. */
function offsetOf(needle: readonly number[], haystack: readonly number[]): number {
  for (let start = 0; start + needle.length <= haystack.length; start += 1) {
    let matches = true;
    for (let index = 0; index < needle.length && matches; index += 1) matches = haystack[start + index] === needle[index];
    if (matches) return start;
  }
  return -1;
}
