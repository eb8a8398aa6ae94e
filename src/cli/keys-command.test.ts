import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('./tollgate-entry.ts', import.meta.url));

function tollgate(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', entry, ...args], (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number((error as { code?: number }).code ?? 1), stdout, stderr }),
    );
  });
}

describe('tollgate keys', () => {
  let directory: string;
  let configPath: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'tollgate-keys-'));
    configPath = join(directory, 'tollgate.yaml');
    writeFileSync(configPath, 'providers:\n  openai: { kind: openai, api_key: sk-x }\nmodels:\n  gpt-4o-mini: openai\nstore: { kind: sqlite, path: ./tollgate.db }\n');
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('creates a key shown once, lists it without the secret, and revokes it', async () => {
    const created = await tollgate(['keys', 'create', '--config', configPath, '--models', 'gpt-4o-mini', '--team', 'search', '--expires', '30d']);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { key: string; id: string; team: string; expiresAt: number; allowedModels: string[] };
    expect(key.key).toMatch(/^tg-[A-Za-z0-9_-]{40}$/);
    expect(key).toMatchObject({ team: 'search', allowedModels: ['gpt-4o-mini'] });
    expect(key.expiresAt - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(created.stderr).toMatch(/shown only now/);

    const listed = await tollgate(['keys', 'list', '--config', configPath]);
    expect(listed.stdout).toContain(key.id);
    expect(listed.stdout).not.toContain(key.key);
    // The database file holds the hash, never the secret.
    for (const file of ['tollgate.db', 'tollgate.db-wal']) {
      const path = join(directory, file);
      if (existsSync(path)) expect(readFileSync(path).includes(Buffer.from(key.key))).toBe(false);
    }

    const revoked = await tollgate(['keys', 'revoke', '--config', configPath, key.id]);
    expect(revoked.stdout).toContain(`revoked ${key.id}`);
    const listedAgain = JSON.parse((await tollgate(['keys', 'list', '--config', configPath])).stdout) as { id: string; revokedAt: number | null }[];
    expect(listedAgain.find((entry) => entry.id === key.id)?.revokedAt).not.toBeNull();
  });

  it('gives a key its own budgets and rate limits, and names a bad one', async () => {
    const limits = '{"budgets":[{"limit_usd":5,"window":"daily"}],"rate_limits":{"requests_per_minute":60}}';
    const created = await tollgate(['keys', 'create', '--config', configPath, '--models', '*', '--limits', limits]);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ budgets: [{ limit_usd: 5, window: 'daily' }], rateLimits: [{ requests_per_minute: 60 }] });
    const bad = await tollgate(['keys', 'create', '--config', configPath, '--models', '*', '--limits', '{"budgets":[{"limit_usd":5,"window":"weekly"}]}']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--limits: budgets\.0\.window/);
  });

  it('says what is missing', async () => {
    const result = await tollgate(['keys', 'create', '--config', configPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--models is required/);
  });
});
