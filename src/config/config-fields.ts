import { z } from 'zod';
import { didYouMean } from './closest-match.js';

// Building blocks for the config schema. Each field's error message says what to write; the
// issue formatter puts what was found ("got 70000", "missing") in front of it.

/**
 * Numbers may come from the environment as text (`port: ${PORT:-4000}`), so a string that is
 * entirely a decimal number is read as that number before validation.
 */
function numberFromText(value: unknown): unknown {
  return typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
}

export function integerField(options: { readonly minimum: number; readonly maximum?: number; readonly fix: string }) {
  let schema = z.number({ error: options.fix }).int().min(options.minimum);
  if (options.maximum !== undefined) schema = schema.max(options.maximum);
  return z.preprocess(numberFromText, schema);
}

/** USD per million tokens; the cap keeps every price well inside integer nano-dollars. */
export const usdPerMTokField = z.preprocess(
  numberFromText,
  z.number({ error: 'write a price in USD per million tokens from 0 to 1000000, e.g. 2.5' }).min(0).max(1_000_000),
);

export function nonEmptyText(fix: string) {
  return z.string({ error: fix }).min(1);
}

export const httpUrlField = z.url({
  protocol: /^https?$/,
  error: 'write an http(s) URL, e.g. https://api.openai.com/v1 or http://127.0.0.1:8000/v1',
});

/** Ids of providers and other things referenced elsewhere: no `/`, since prices are keyed `provider/model`. */
export function idField(what: string) {
  return z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
    error: `write a ${what} id made of letters, digits, "-", "_" and "." (no "/" or spaces)`,
  });
}

/**
 * A mapping that accepts only the listed keys; an unknown key is reported with the allowed ones
 * and, for a likely typo, the key that was probably meant.
 */
export function strictMapping<Shape extends z.ZodRawShape>(shape: Shape, fix: string) {
  const allowedKeys = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, allowedKeys) : fix),
  });
}

export function unknownKeysMessage(keys: readonly string[], allowedKeys: readonly string[]): string {
  const named = keys.map((key) => `"${key}"${didYouMean(key, allowedKeys)}`).join(', ');
  return `unknown key${keys.length === 1 ? '' : 's'} ${named}; the keys allowed here are: ${allowedKeys.join(', ')}`;
}

/** A reference to one of `candidates` (e.g. a provider id), reported with the list and a likely match. */
export function referenceField(what: string, section: string, candidates: readonly string[]) {
  return z.string({ error: `write the id of a ${what} defined under ${section}:` }).refine(
    // When the section itself is missing or broken, that is reported there; don't repeat it here.
    (value) => candidates.length === 0 || candidates.includes(value),
    {
      error: (issue) => {
        const value = String(issue.input);
        const suggestion = didYouMean(value, candidates);
        const choices = `write one of: ${candidates.join(', ')} (or add it under ${section}:)`;
        return `${JSON.stringify(value)} is not a configured ${what}${suggestion}; ${choices}`;
      },
    },
  );
}

/**
 * For checks across a mapping's fields ("free: true or prices, not both"): run them only once
 * the fields themselves are valid, so a typo in a key is not also reported as a missing value.
 */
export const whenFieldsAreValid = {
  when: (payload: { readonly issues: readonly unknown[] }) => payload.issues.length === 0,
};
