import type { z } from 'zod';
import { didYouMean } from './closest-match.js';
import type { ConfigIssue } from './config-error.js';
import { formatConfigPath } from './config-path.js';

type ZodIssue = z.core.$ZodIssue;

/**
 * Turns zod's issues into config issues: a readable path, what was found ("got 70000",
 * "missing") and the schema's advice on what to write. Values that came from the environment
 * are named by variable, never echoed, as they may be secrets. Parse with `reportInput: true`.
 */
export function configIssuesFromZod(
  issues: readonly ZodIssue[],
  environmentPaths: ReadonlyMap<string, readonly string[]>,
): ConfigIssue[] {
  const result: ConfigIssue[] = [];

  function describe(input: unknown, path: string): string {
    const variables = environmentPaths.get(path);
    if (variables !== undefined) return `got the value of ${variables.map((name) => `\${${name}}`).join(', ')}`;
    if (input === undefined) return 'missing';
    if (input === null) return 'got an empty value';
    if (typeof input === 'string') return `got ${JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input)}`;
    if (Array.isArray(input)) return input.length === 0 ? 'got an empty list' : 'got a list';
    if (typeof input === 'object') return 'got a mapping';
    return `got ${String(input)}`;
  }

  function visit(issue: ZodIssue, prefix: readonly PropertyKey[]): void {
    const segments = [...prefix, ...issue.path];
    const path = formatConfigPath(segments);
    if (issue.code === 'invalid_union') {
      if (issue.discriminator !== undefined) {
        // The issue sits at `….kind`; its input is the whole mapping.
        const value = isRecord(issue.input) ? issue.input[issue.discriminator] : undefined;
        const options = 'options' in issue ? (issue.options ?? []).map(String) : [];
        result.push({ path, message: `${describe(value, path)}; ${issue.message}${didYouMean(String(value), options)}` });
        return;
      }
      // Report the branch that matched the value's type (text or mapping), with its precise paths.
      const matching = issue.errors.filter(
        (branch) => !branch.some((nested) => nested.path.length === 0 && nested.code === 'invalid_type'),
      );
      const [only] = matching;
      if (matching.length === 1 && only !== undefined) {
        for (const nested of only) visit(nested, segments);
        return;
      }
    }
    if (issue.code === 'invalid_key') {
      const advice = issue.issues[0]?.message ?? issue.message;
      result.push({ path, message: `the key ${JSON.stringify(String(issue.input))} is not allowed; ${advice}` });
      return;
    }
    if (issue.code === 'custom' || issue.code === 'unrecognized_keys') {
      result.push({ path, message: issue.message });
      return;
    }
    result.push({ path, message: `${describe(issue.input, path)}; ${issue.message}` });
  }

  for (const issue of issues) visit(issue, []);
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
