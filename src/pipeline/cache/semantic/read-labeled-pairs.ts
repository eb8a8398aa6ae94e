import { CsvSyntaxError, parseCsvRecords } from './parse-csv-records.js';

/** Two prompts and whether a person judged them to ask the same thing. */
export interface LabeledPair {
  readonly first: string;
  readonly second: string;
  readonly duplicate: boolean;
  /** The 1-based line of the CSV record, for messages. */
  readonly line: number;
}

/**
 * How the third column was read:
 * - `binary`: every label is 0 or 1 (Quora Question Pairs' `is_duplicate`); 1 is a duplicate.
 * - `similarity-score`: labels from 0 to 5 (STS-B's score); a pair is a duplicate when its score is
 *   at least `duplicateScore` (4.0: "mostly equivalent, some unimportant details differ" and up,
 *   in STS-B's annotation guide).
 */
export type LabelScale = 'binary' | 'similarity-score';

export interface LabeledPairs {
  readonly pairs: readonly LabeledPair[];
  readonly scale: LabelScale;
}

/** On the 0–5 similarity scale, the lowest score that counts as a duplicate. */
export const duplicateScore = 4.0;

/** A labeled-pairs file that cannot be used, naming the line. */
export class LabeledPairsError extends Error {
  override readonly name = 'LabeledPairsError';
}

/**
 * Reads labeled pairs from CSV text with three columns: text, text, label. A first record whose
 * label is not a number is a header and is skipped. The scale is decided by the labels (see
 * `LabelScale`): all 0 or 1 is binary, otherwise every label must lie from 0 to 5. Throws a
 * `LabeledPairsError` naming the line for a CSV syntax error, a record without exactly three
 * fields, an empty text, or a label that is not a number or is out of range.
 */
export function readLabeledPairs(csvText: string): LabeledPairs {
  let records;
  try {
    records = parseCsvRecords(csvText);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new LabeledPairsError(error.message);
    throw error;
  }
  if (records.length > 0 && !isNumber(records[0]!.fields[2])) records = records.slice(1);
  if (records.length === 0) throw new LabeledPairsError('no labeled pairs: expected CSV rows of text,text,label');

  const scored: { first: string; second: string; label: number; line: number }[] = [];
  for (const { line, fields } of records) {
    if (fields.length !== 3) throw new LabeledPairsError(`line ${line}: expected 3 fields (text,text,label), found ${fields.length}`);
    const [first, second, label] = fields as [string, string, string];
    if (first.trim() === '' || second.trim() === '') throw new LabeledPairsError(`line ${line}: empty text in field ${first.trim() === '' ? 1 : 2}`);
    if (!isNumber(label)) throw new LabeledPairsError(`line ${line}: the label "${label}" is not a number`);
    scored.push({ first, second, label: Number(label), line });
  }

  const scale: LabelScale = scored.every(({ label }) => label === 0 || label === 1) ? 'binary' : 'similarity-score';
  const outOfRange = scored.find(({ label }) => label < 0 || label > 5);
  if (outOfRange !== undefined) {
    throw new LabeledPairsError(`line ${outOfRange.line}: the label ${outOfRange.label} is neither 0/1 nor a similarity score from 0 to 5`);
  }
  const pairs = scored.map(({ first, second, label, line }) => ({
    first,
    second,
    duplicate: scale === 'binary' ? label === 1 : label >= duplicateScore,
    line,
  }));
  return { pairs, scale };
}

function isNumber(text: string | undefined): text is string {
  return text !== undefined && text.trim() !== '' && Number.isFinite(Number(text));
}
