import { parseDocument, type YAMLError } from 'yaml';
import type { ConfigIssue } from './config-error.js';

export type YamlParseResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly issue: ConfigIssue };

/**
 * `${VAR}` is not valid YAML inside a flow mapping (`{ api_key: ${OPENAI_API_KEY} }`: the braces
 * are flow indicators). Before parsing, each `${…}` is swapped for private-use characters of the
 * same length, which YAML reads as ordinary text, and swapped back in the parsed strings. Line and
 * column numbers in syntax errors stay exact, and environment values are never seen by the YAML
 * parser, so they cannot change the file's structure.
 */
const REFERENCE = /\$\{([^{}\n]*)\}/g;
const OPEN = '\uE000\uE001';
const CLOSE = '\uE002';
const RESERVED = /[\uE000-\uE002]/;
const MASKED = /\uE000\uE001|\uE002/g;

const syntaxFixes: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  DUPLICATE_KEY: 'remove or rename one of the two entries with this key',
  BAD_INDENT: 'line up the indentation with the entries around it, and close every { or [',
  MISSING_CHAR: 'close the quote or bracket that was opened',
  BLOCK_AS_IMPLICIT_KEY: 'put a nested mapping on its own indented lines, or quote a value that contains ": "',
  MULTILINE_IMPLICIT_KEY: 'keep each key on one line and indent nested entries consistently',
};
const DEFAULT_FIX =
  'check the indentation (spaces only) and quote values that contain ": ", " #", or start with a special character';

/** Parses YAML text into plain values; the first syntax error (later ones usually follow from it) becomes an issue. */
export function parseYaml(text: string): YamlParseResult {
  const reserved = RESERVED.exec(text);
  if (reserved !== null) {
    const { line, col } = lineAndColumn(text, reserved.index);
    return failure(line, col, 'the file contains a private-use character (U+E000–U+E002) that Tollgate reserves; delete it');
  }
  const masked = text.replace(REFERENCE, (_match, inner: string) => `${OPEN}${inner}${CLOSE}`);
  const document = parseDocument(masked, { uniqueKeys: true, prettyErrors: true });
  const [firstError] = document.errors;
  if (firstError !== undefined) return syntaxFailure(text, firstError);
  try {
    return { ok: true, value: unmask(document.toJS({ maxAliasCount: 100 })) };
  } catch (error) {
    // Unresolved or excessive aliases throw only when the document is turned into values.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, issue: { path: '', message: `YAML error: ${message}; define each &anchor before its *alias` } };
  }
}

function syntaxFailure(text: string, error: YAMLError): YamlParseResult {
  const { line, col } = error.linePos?.[0] ?? lineAndColumn(text, error.pos[0]);
  const summary = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const source = text.split('\n')[line - 1]?.trim() ?? '';
  const fix = syntaxFixes[error.code] ?? DEFAULT_FIX;
  return failure(line, col, `YAML syntax error: ${summary.replace(MASKED, restore)} (in \`${source}\`); ${fix}`);
}

function failure(line: number, column: number, message: string): YamlParseResult {
  return { ok: false, issue: { path: `line ${line}, column ${column}`, message } };
}

/** 1-based, like the YAML library's `linePos`. */
function lineAndColumn(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index).split('\n');
  return { line: before.length, col: (before.at(-1)?.length ?? 0) + 1 };
}

function restore(marker: string): string {
  return marker === CLOSE ? '}' : '${';
}

function unmask(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(MASKED, restore);
  if (Array.isArray(value)) return value.map(unmask);
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      // defineProperty keeps a key named "__proto__" as data instead of setting the prototype.
      Object.defineProperty(result, key.replace(MASKED, restore), {
        value: unmask(entry),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  }
  return value;
}
