import type { ConfigIssue } from './config-error.js';
import { formatConfigPath, type ConfigPathSegment } from './config-path.js';

/** Environment variables, e.g. `process.env`; injected so nothing else reads the process. */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface InterpolationResult {
  readonly value: unknown;
  readonly issues: readonly ConfigIssue[];
  /** Formatted paths of values that came (partly) from the environment, with the variables used. */
  readonly environmentPaths: ReadonlyMap<string, readonly string[]>;
}

const REFERENCE = /(\$?)\$\{([^{}]*)\}/g;
const NAME_AND_DEFAULT = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string value (not in keys) with the
 * environment's value. The default applies when the variable is unset or empty, as in a shell;
 * `$${NAME}` stays as the literal text `${NAME}`. A variable that is not set and has no default is
 * an issue at its path, and is replaced by an empty string so validation can carry on.
 */
export function interpolateEnvironment(value: unknown, environment: Environment): InterpolationResult {
  const issues: ConfigIssue[] = [];
  const environmentPaths = new Map<string, string[]>();

  function interpolateString(text: string, path: readonly ConfigPathSegment[]): string {
    if (!text.includes('${')) return text;
    const formattedPath = formatConfigPath(path);
    return text.replace(REFERENCE, (match, escape: string, inner: string) => {
      if (escape === '$') return match.slice(1);
      const reference = NAME_AND_DEFAULT.exec(inner);
      if (reference === null) {
        issues.push({
          path: formattedPath,
          message:
            `"\${${inner}}" is not a valid reference; write \${NAME} or \${NAME:-default} ` +
            '(NAME: letters, digits and _), or $${…} for literal text',
        });
        return '';
      }
      const [, name = '', fallback] = reference;
      environmentPaths.set(formattedPath, [...(environmentPaths.get(formattedPath) ?? []), name]);
      const found = environment[name];
      if (found !== undefined && (found !== '' || fallback === undefined)) return found;
      if (fallback !== undefined) return fallback;
      issues.push({
        path: formattedPath,
        message: `environment variable ${name} is not set (set it, or write \${${name}:-…} for a default)`,
      });
      return '';
    });
  }

  function visit(node: unknown, path: ConfigPathSegment[]): unknown {
    if (typeof node === 'string') return interpolateString(node, path);
    if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      const result: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(node)) {
        // defineProperty keeps a key named "__proto__" as data instead of setting the prototype.
        Object.defineProperty(result, key, {
          value: visit(entry, [...path, key]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return result;
    }
    return node;
  }

  return { value: visit(value, []), issues, environmentPaths };
}
