import { formatUsd } from '../core/money.js';
import type { LedgerReport, ReportGroup, ReportRequest, ReportTotals } from '../stores/ledger-store.js';

/**
 * The stable JSON shape of `tollgate report --format json` (documented in README.md, schema
 * `tollgate.report.v1`). Money appears twice: exact integer nanos and a USD decimal string.
 * Fields are only ever added, never renamed or removed, within one schema version.
 */
export interface ReportJson {
  readonly schema: 'tollgate.report.v1';
  readonly generatedAt: string;
  readonly window: { readonly since: string | null; readonly until: string | null };
  readonly totals: TotalsJson;
  readonly byDay: readonly GroupJson[];
  readonly byModel: readonly GroupJson[];
  readonly byUser: readonly GroupJson[];
  readonly byFeature: readonly GroupJson[];
  readonly topRequests: readonly RequestJson[];
}

/** Every nanos sum of `ReportTotals` again as a USD decimal string. */
export interface UsdFigures {
  readonly costUsd: string;
  readonly costAvoidedUsd: string;
  readonly savedByExactCacheUsd: string;
  readonly savedBySemanticCacheUsd: string;
  readonly savedByPromptCacheUsd: string;
}

export type TotalsJson = ReportTotals & UsdFigures;
export type GroupJson = ReportGroup & UsdFigures;
export type RequestJson = Omit<ReportRequest, 'timestamp'> & { readonly timestamp: string; readonly costUsd: string };

export function toReportJson(report: LedgerReport, generatedAt: number): ReportJson {
  return {
    schema: 'tollgate.report.v1',
    generatedAt: new Date(generatedAt).toISOString(),
    window: { since: isoOrNull(report.since), until: isoOrNull(report.until) },
    totals: withUsd(report.totals),
    byDay: report.byDay.map(withUsd),
    byModel: report.byModel.map(withUsd),
    byUser: report.byUser.map(withUsd),
    byFeature: report.byFeature.map(withUsd),
    topRequests: report.topRequests.map((request) => ({
      ...request,
      timestamp: new Date(request.timestamp).toISOString(),
      costUsd: formatUsd(request.costNanos),
    })),
  };
}

function withUsd<T extends ReportTotals>(totals: T): T & UsdFigures {
  return {
    ...totals,
    costUsd: formatUsd(totals.costNanos),
    costAvoidedUsd: formatUsd(totals.costAvoidedNanos),
    savedByExactCacheUsd: formatUsd(totals.savedByExactCacheNanos),
    savedBySemanticCacheUsd: formatUsd(totals.savedBySemanticCacheNanos),
    savedByPromptCacheUsd: formatUsd(totals.savedByPromptCacheNanos),
  };
}

function isoOrNull(value: number | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}
