import { loadConfigFile } from '../config/load-config.js';
import { systemClock } from '../core/clock.js';
import { openSqliteLedgerStore } from '../stores/sqlite/sqlite-ledger-store.js';
import { openPostgresLedgerStore } from '../stores/postgres/postgres-ledger-store.js';
import { integerFlag, requiredFlag, type Flags } from './main.js';
import { parseTimeArgument } from './parse-duration.js';
import { toReportJson } from './report-json.js';
import { formatReportTable } from './report-table.js';

/** `tollgate report`: spend by day, model, user and feature, and the most expensive requests. */
export async function reportCommand(flags: Flags): Promise<number> {
  const format = flags['format'] ?? 'table';
  if (format !== 'table' && format !== 'json') throw new Error(`--format: expected "table" or "json", got "${format}".`);
  const now = systemClock.now();
  const since = flags['since'] === undefined ? undefined : parseTimeArgument(flags['since'], now, '--since');
  const until = flags['until'] === undefined ? undefined : parseTimeArgument(flags['until'], now, '--until');
  const top = integerFlag(flags, 'top', 10, 1);
  const config = await loadConfigFile(requiredFlag(flags, 'config', 'tollgate.yaml'), { env: process.env });
  if (config.store.kind === 'memory') throw new Error('store.kind is "memory": that ledger lives only inside a running gateway. Use store: { kind: sqlite, path: … } or kind: scale-out to report on it.');
  const store =
    config.store.kind === 'sqlite'
      ? openSqliteLedgerStore({ path: config.store.path })
      : await openPostgresLedgerStore({ url: config.store.postgresUrl, schema: config.store.postgresSchema });
  try {
    const report = await store.report({ since, until, top });
    process.stdout.write(format === 'json' ? JSON.stringify(toReportJson(report, now), null, 2) + '\n' : formatReportTable(report));
    return 0;
  } finally {
    await store.close();
  }
}
