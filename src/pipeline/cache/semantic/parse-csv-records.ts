/** One CSV record: its fields and the 1-based line on which it starts. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/** A CSV text that cannot be read, naming the line. */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`line ${line}: ${detail}`);
  }
}

/**
 * Parses CSV as RFC 4180 writes it: fields separated by commas; a field in double quotes may hold
 * commas, line breaks and doubled quotes (`""` is one `"`); records end at LF or CRLF. A leading
 * byte-order mark is ignored, and so are empty lines. A quote inside an unquoted field is kept as
 * text; text after a closing quote, or a quote left open at the end, is a `CsvSyntaxError`.
 */
export function parseCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (position < text.length) {
    const recordLine = line;
    const fields: string[] = [];
    let atRecordEnd = false;
    while (!atRecordEnd) {
      let field = '';
      if (text[position] === '"') {
        const quoteLine = line;
        position += 1;
        for (;;) {
          const quote = text.indexOf('"', position);
          if (quote === -1) throw new CsvSyntaxError(quoteLine, 'a quoted field is never closed');
          field += text.slice(position, quote);
          line += countLineBreaks(text, position, quote);
          position = quote + 1;
          if (text[position] !== '"') break;
          field += '"';
          position += 1;
        }
        const next = text[position];
        if (next !== undefined && next !== ',' && next !== '\n' && !(next === '\r' && text[position + 1] === '\n')) {
          throw new CsvSyntaxError(line, `unexpected text after a closing quote in field ${fields.length + 1}`);
        }
      } else {
        let end = position;
        while (end < text.length && text[end] !== ',' && text[end] !== '\n' && !(text[end] === '\r' && text[end + 1] === '\n')) end += 1;
        field = text.slice(position, end);
        position = end;
      }
      fields.push(field);
      if (text[position] === ',') {
        position += 1;
      } else {
        position += text[position] === '\r' ? 2 : 1;
        line += 1;
        atRecordEnd = true;
      }
    }
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
  }
  return records;
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let index = text.indexOf('\n', from); index !== -1 && index < to; index = text.indexOf('\n', index + 1)) count += 1;
  return count;
}
