import { formatUsdShort } from '../core/money.js';
import type { LedgerReport, ReportGroup, ReportTotals } from '../stores/ledger-store.js';

/** Renders the report as plain-text tables for a terminal. */
export function formatReportTable(report: LedgerReport): string {
  const totals = report.totals;
  const lines: string[] = [];
  const window = `${report.since === null ? 'the beginning' : new Date(report.since).toISOString()} → ${report.until === null ? 'now' : new Date(report.until).toISOString()}`;
  lines.push(`Tollgate spend report (${window})`, '');
  lines.push(
    table(
      ['requests', 'attempts', 'errors', 'input tok', 'cached tok', 'output tok', 'reasoning tok', 'cost', 'saved', 'unpriced'],
      [[
        count(totals.requests),
        count(totals.attempts),
        count(totals.errors),
        count(totals.inputTokens),
        count(totals.cacheReadTokens),
        count(totals.outputTokens),
        count(totals.reasoningTokens),
        formatUsdShort(totals.costNanos),
        formatUsdShort(totals.costAvoidedNanos),
        count(totals.unpricedAttempts),
      ]],
    ),
  );
  lines.push('', 'Savings', savingsTable(totals));
  for (const [title, groups] of [
    ['By day (UTC)', report.byDay],
    ['By model', report.byModel],
    ['By user', report.byUser],
    ['By feature', report.byFeature],
  ] as const) {
    lines.push('', title, groupTable(groups));
  }
  lines.push('', 'Most expensive requests');
  lines.push(
    table(
      ['request id', 'time (UTC)', 'model', 'user', 'feature', 'in tok', 'out tok', 'cost'],
      report.topRequests.map((request) => [
        request.requestId,
        new Date(request.timestamp).toISOString().replace('T', ' ').slice(0, 19),
        request.logicalModel,
        request.user ?? '-',
        request.feature ?? '-',
        count(request.inputTokens),
        count(request.outputTokens),
        formatUsdShort(request.costNanos),
      ]),
    ),
  );
  if (totals.unpricedAttempts > 0) {
    lines.push('', `Note: ${totals.unpricedAttempts} attempt(s) had no known price and are not in the cost totals (see the ledger's price_unknown flag).`);
  }
  return lines.join('\n') + '\n';
}

/** Where the totals' `saved` figure came from: one row per kind of caching, then their sum. */
function savingsTable(totals: ReportTotals): string {
  return table(
    ['source', 'saved'],
    [
      ['exact cache hits', formatUsdShort(totals.savedByExactCacheNanos)],
      ['semantic cache hits', formatUsdShort(totals.savedBySemanticCacheNanos)],
      ['provider prompt caching', formatUsdShort(totals.savedByPromptCacheNanos)],
      ['total', formatUsdShort(totals.costAvoidedNanos)],
    ],
  );
}

function groupTable(groups: readonly ReportGroup[]): string {
  return table(
    ['', 'requests', 'input tok', 'output tok', 'cost', 'unpriced'],
    groups.map((group) => [
      group.key ?? '(untagged)',
      count(group.requests),
      count(group.inputTokens + group.cacheReadTokens + group.cacheWriteTokens),
      count(group.outputTokens + group.reasoningTokens),
      formatUsdShort(group.costNanos),
      count(group.unpricedAttempts),
    ]),
  );
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '  (no rows)';
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const render = (row: readonly string[]) =>
    '  ' + row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  return [render(header), '  ' + widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(render)].join('\n');
}
