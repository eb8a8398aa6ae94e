import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { createConfigSchema, MINIMAL_EXAMPLE } from './config-schema.js';
import { deepFreeze } from './deep-freeze.js';
import { interpolateEnvironment, type Environment } from './interpolate-environment.js';
import { parseYaml } from './parse-yaml.js';
import { findPriceConflicts } from './price-overrides.js';
import type { TollgateConfig } from './tollgate-config.js';
import { configIssuesFromZod } from './zod-issues.js';

export interface ParseConfigOptions {
  /** Environment variables for `${NAME}` references, e.g. `process.env`. */
  readonly env: Environment;
  /** Where relative paths in the config (such as `store.path`) are resolved from. */
  readonly baseDirectory: string;
  /** Names the config's origin in error messages, e.g. the file path. */
  readonly source?: string;
}

export interface LoadConfigFileOptions {
  readonly env: Environment;
}

/**
 * Validates config text once: YAML, then `${ENV}` interpolation, then the schema. Returns the
 * normalised, deep-frozen config, or throws one `ConfigError` listing every issue found.
 */
export function parseConfig(text: string, options: ParseConfigOptions): TollgateConfig {
  const parsed = parseYaml(text);
  if (!parsed.ok) throw new ConfigError([parsed.issue], options.source);
  if (parsed.value === null || parsed.value === undefined) {
    throw new ConfigError(
      [{ path: '', message: `the config is empty; write at least providers: and models:, e.g. ${MINIMAL_EXAMPLE}` }],
      options.source,
    );
  }

  const interpolated = interpolateEnvironment(parsed.value, options.env);
  const providerIds = providerIdsIn(interpolated.value);
  const schema = createConfigSchema({ providerIds, modelNames: sectionKeys(interpolated.value, 'models'), baseDirectory: options.baseDirectory });
  const result = schema.safeParse(interpolated.value, { reportInput: true });
  // A missing variable is reported once, by interpolation, not again as an empty value.
  const interpolationPaths = new Set(interpolated.issues.map((issue) => issue.path));
  const schemaIssues = result.success
    ? findPriceConflicts(result.data.models)
    : configIssuesFromZod(result.error.issues, interpolated.environmentPaths);
  const issues: ConfigIssue[] = [
    ...interpolated.issues,
    ...schemaIssues.filter((issue) => !interpolationPaths.has(issue.path)),
  ];
  if (issues.length > 0 || !result.success) throw new ConfigError(issues, options.source);
  return deepFreeze(result.data);
}

/** Reads and validates a config file; relative paths in it resolve against the file's directory. */
export async function loadConfigFile(path: string, options: LoadConfigFileOptions): Promise<TollgateConfig> {
  const absolutePath = resolve(path);
  let text: string;
  try {
    text = await readFile(absolutePath, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new ConfigError(
      [{ path: '', message: `cannot read the config file (${reason}); create it or pass the path of an existing file` }],
      absolutePath,
    );
  }
  return parseConfig(text, { env: options.env, baseDirectory: dirname(absolutePath), source: absolutePath });
}

function sectionKeys(value: unknown, section: string): string[] {
  if (value === null || typeof value !== 'object' || !(section in value)) return [];
  const entries = (value as Record<string, unknown>)[section];
  return entries !== null && typeof entries === 'object' && !Array.isArray(entries) ? Object.keys(entries) : [];
}

function providerIdsIn(value: unknown): string[] {
  if (value === null || typeof value !== 'object' || !('providers' in value)) return [];
  const providers = value.providers;
  return providers !== null && typeof providers === 'object' && !Array.isArray(providers) ? Object.keys(providers) : [];
}
