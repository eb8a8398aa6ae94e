import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLedgerEntry } from '../stores/ledger-entry-fixture.js';
import { openSqliteLedgerStore } from '../stores/sqlite/sqlite-ledger-store.js';
import type { ReportJson } from './report-json.js';

const entry = fileURLToPath(new URL('./tollgate-entry.ts', import.meta.url));

function tollgate(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', entry, ...args], (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number((error as { code?: number }).code ?? 1), stdout, stderr }),
    );
  });
}

describe('tollgate report', () => {
  let directory: string;
  let configPath: string;
  const day1 = Date.parse('2026-11-20T10:00:00Z');
  const day2 = Date.parse('2026-11-21T10:00:00Z');

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'tollgate-report-'));
    configPath = join(directory, 'tollgate.yaml');
    writeFileSync(configPath, 'providers:\n  openai: { kind: openai, api_key: sk-x }\nmodels:\n  gpt-4o: openai\nstore: { kind: sqlite, path: ./ledger.db }\n');
    const store = openSqliteLedgerStore({ path: join(directory, 'ledger.db') });
    await store.append([
      makeLedgerEntry({ requestId: 'a', timestamp: day1, logicalModel: 'gpt-4o', user: 'ann', feature: 'chat', inputTokens: 100, outputTokens: 10, costNanos: 350_000 }),
      makeLedgerEntry({ requestId: 'b', timestamp: day2, logicalModel: 'gpt-4o-mini', user: 'bob', feature: 'chat', inputTokens: 50, cacheReadTokens: 400, outputTokens: 5, costNanos: 10_500, costAvoidedNanos: 2_000, cacheStatus: 'miss' }),
      makeLedgerEntry({ requestId: 'c', timestamp: day2, logicalModel: 'local', user: 'bob', feature: null, inputTokens: 20, outputTokens: 20, costNanos: null, priceUnknown: true }),
      makeLedgerEntry({ requestId: 'd', timestamp: day1 + 1, logicalModel: 'gpt-4o', user: 'ann', feature: 'chat', costNanos: 0, priceUnknown: false, costAvoidedNanos: 350_000, cacheStatus: 'hit' }),
      makeLedgerEntry({ requestId: 'e', timestamp: day1 + 2, logicalModel: 'gpt-4o', user: 'ann', feature: 'chat', costNanos: 0, priceUnknown: false, costAvoidedNanos: 125_000, cacheStatus: 'semantic-hit', cacheSimilarity: 0.96 }),
    ]);
    await store.close();
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('prints the documented JSON whose totals equal the rows', async () => {
    const result = await tollgate(['report', '--config', configPath, '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ReportJson;
    expect(report.schema).toBe('tollgate.report.v1');
    expect(report.totals).toMatchObject({ requests: 5, attempts: 5, costNanos: 360_500, costUsd: '0.000360500', unpricedAttempts: 1, inputTokens: 170, outputTokens: 35 });
    expect(report.byDay.map((group) => [group.key, group.costNanos])).toEqual([
      ['2026-11-20', 350_000],
      ['2026-11-21', 10_500],
    ]);
    expect(report.byUser.map((group) => group.key)).toEqual(['ann', 'bob']);
    expect(report.byFeature.find((group) => group.key === null)?.unpricedAttempts).toBe(1);
    expect(report.topRequests[0]).toMatchObject({ requestId: 'a', costUsd: '0.000350000' });
  });

  it('says in JSON what each kind of cache saved, adding up to the cost avoided', async () => {
    const result = await tollgate(['report', '--config', configPath, '--format', 'json']);
    const report = JSON.parse(result.stdout) as ReportJson;
    expect(report.totals).toMatchObject({
      costAvoidedNanos: 477_000,
      costAvoidedUsd: '0.000477000',
      savedByExactCacheNanos: 350_000,
      savedByExactCacheUsd: '0.000350000',
      savedBySemanticCacheNanos: 125_000,
      savedBySemanticCacheUsd: '0.000125000',
      savedByPromptCacheNanos: 2_000,
      savedByPromptCacheUsd: '0.000002000',
    });
    expect(report.byDay.map((group) => [group.key, group.savedByExactCacheUsd, group.savedBySemanticCacheUsd, group.savedByPromptCacheUsd])).toEqual([
      ['2026-11-20', '0.000350000', '0.000125000', '0.000000000'],
      ['2026-11-21', '0.000000000', '0.000000000', '0.000002000'],
    ]);
  });

  it('honours --since and prints a table by default', async () => {
    const json = await tollgate(['report', '--config', configPath, '--format', 'json', '--since', '2026-11-21']);
    expect((JSON.parse(json.stdout) as ReportJson).totals.requests).toBe(2);
    const table = await tollgate(['report', '--config', configPath]);
    expect(table.stdout).toMatch(/By model[\s\S]*gpt-4o[\s\S]*Most expensive requests/);
    expect(table.stdout).toMatch(/1 attempt\(s\) had no known price/);
    expect(table.stdout).toMatch(/Savings\n.*\n.*\n\s*exact cache hits\s+\$0\.00035\n\s*semantic cache hits\s+\$0\.000125\n\s*provider prompt caching\s+\$0\.000002\n/);
  });

  it('names the flag and the fix for bad input', async () => {
    const badFormat = await tollgate(['report', '--config', configPath, '--format', 'xml']);
    expect(badFormat.code).toBe(1);
    expect(badFormat.stderr).toMatch(/--format: expected "table" or "json", got "xml"/);
    const missing = await tollgate(['report']);
    expect(missing.stderr).toMatch(/--config is required/);
  });
});
