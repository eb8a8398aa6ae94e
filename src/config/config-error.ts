/** One problem in a config file: where it is (`models.smart.deployments[0].provider`) and what to write instead. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Everything wrong with a config file, collected in one pass. `message` lists every issue on its
 * own line, so a single run of `tollgate serve` shows the whole list.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'TG_ERR_CONFIG_INVALID';
  readonly issues: readonly ConfigIssue[];
  /** The file (or other source) the config came from, when known. */
  readonly source: string | undefined;

  constructor(issues: readonly ConfigIssue[], source?: string) {
    super(formatConfigErrorMessage(issues, source));
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })));
    this.source = source;
  }
}

function formatConfigErrorMessage(issues: readonly ConfigIssue[], source: string | undefined): string {
  const where = source === undefined ? '' : ` in ${source}`;
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const lines = issues.map((issue) => `  - ${issue.path === '' ? '(top level)' : issue.path}: ${issue.message}`);
  return [`Invalid Tollgate config${where} (${count}):`, ...lines].join('\n');
}
