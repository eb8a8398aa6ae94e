import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsvRecords } from './parse-csv-records.js';

describe('parseCsvRecords', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and numbers each record’s first line', () => {
    const text = 'a,b,c\n"one, two","say ""hi""",3\n"multi\nline",x,\n';
    expect(parseCsvRecords(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['one, two', 'say "hi"', '3'] },
      { line: 3, fields: ['multi\nline', 'x', ''] },
    ]);
  });

  it('accepts CRLF, a byte-order mark, empty lines and a missing final newline', () => {
    expect(parseCsvRecords('\ufeffa,b\r\n\r\n"c\r\nd",e')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['c\r\nd', 'e'] },
    ]);
  });

  it('keeps a quote inside an unquoted field as text', () => {
    expect(parseCsvRecords('5" screen,ok')).toEqual([{ line: 1, fields: ['5" screen', 'ok'] }]);
  });

  it('names the line of a quote never closed, or of text after a closing quote', () => {
    expect(() => parseCsvRecords('a,b\nc,"open\nstill open')).toThrow(new CsvSyntaxError(2, 'a quoted field is never closed'));
    expect(() => parseCsvRecords('a,b\n"x"y,z')).toThrow(/^line 2: unexpected text after a closing quote in field 1$/);
  });
});
