import type { z } from 'zod';

export interface SchemaProblem {
  /** The field at fault, e.g. `messages[0].content[1].source.type`; empty for the whole body. */
  readonly path: string;
  readonly message: string;
}

type Issue = z.core.$ZodIssue;

/**
 * Turns a zod issue into one sentence naming the field. Unions (a block is one of several types,
 * content is a string or an array) report the branch that got furthest, so the client reads
 * `"messages[0].content[0].text" must be a string`, not "invalid input".
 */
export function describeSchemaIssue(issue: Issue, basePath: readonly PropertyKey[] = []): SchemaProblem {
  const segments = [...basePath, ...issue.path];
  const path = formatPath(segments);
  const where = path === '' ? 'The request' : `"${path}"`;
  switch (issue.code) {
    case 'invalid_union': {
      if (issue.errors.length === 0) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        return { path, message: `${where} must be one of ${options.map((option) => JSON.stringify(option)).join(', ')}.` };
      }
      const deepest = deepestIssue(issue.errors);
      if (deepest !== undefined && deepest.path.length > 0) return describeSchemaIssue(deepest, segments);
      const expected = issue.errors.flat().flatMap((branch) => (branch.code === 'invalid_type' ? [typeName(branch.expected)] : []));
      if (expected.length === 0) return deepest === undefined ? { path, message: `${where} is invalid.` } : describeSchemaIssue(deepest, segments);
      return { path, message: `${where} must be ${expected.map(article).join(' or ')}, not ${describeValue(issue.input)}.` };
    }
    case 'invalid_type':
      if (issue.input === undefined) return { path, message: `${where} is required.` };
      return { path, message: `${where} must be ${article(typeName(issue.expected))}, not ${describeValue(issue.input)}.` };
    case 'invalid_value':
      return { path, message: `${where} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}.` };
    case 'too_small':
      return { path, message: `${where} ${issue.origin === 'array' ? 'must not be empty' : `must be at least ${String(issue.minimum)}`}.` };
    case 'too_big':
      return { path, message: `${where} must be at most ${String(issue.maximum)}.` };
    default:
      return { path, message: `${where}: ${issue.message}.` };
  }
}

function deepestIssue(branches: readonly (readonly Issue[])[]): Issue | undefined {
  let deepest: Issue | undefined;
  for (const branch of branches) {
    for (const issue of branch) if (deepest === undefined || issue.path.length > deepest.path.length) deepest = issue;
  }
  return deepest;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) text += typeof segment === 'number' ? `[${segment}]` : text === '' ? String(segment) : `.${String(segment)}`;
  return text;
}

function typeName(expected: string): string {
  if (expected === 'int') return 'integer';
  if (expected === 'record') return 'object';
  return expected;
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'a fractional number';
  return article(typeof value);
}
