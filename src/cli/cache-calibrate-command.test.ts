import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SEMANTIC_THRESHOLD } from '../pipeline/cache/semantic/default-threshold.js';

const entry = fileURLToPath(new URL('./tollgate-entry.ts', import.meta.url));
const qqpPath = '/work/shared/data/cache/qqp-val.csv';
const qqpPresent = existsSync(qqpPath);

function tollgate(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', entry, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number((error as { code?: number }).code ?? 1), stdout, stderr }),
    );
  });
}

interface CalibrationJson {
  pairs: number;
  duplicates: number;
  chosen: { threshold: number; hits: number; correctHits: number; precision: number } | null;
  defaultThreshold: { threshold: number; hits?: number; precision?: number };
  rows: { threshold: number }[];
}

const subjects = ['nginx', 'a Postgres replica', 'the CI runner', 'two-factor login', 'a Redis cluster', 'the VPN client', 'SSH keys', 'a cron job'];
const actions = ['configure', 'debug', 'monitor', 'back up', 'secure'];
const unrelated = ['Write a haiku about autumn leaves', 'Who painted the Mona Lisa?', 'Suggest a vegetarian lasagna recipe', 'Explain photosynthesis to a child', 'Plan a weekend trip to Lisbon'];

describe('tollgate cache calibrate', () => {
  let directory: string;
  let pairsPath: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'tollgate-calibrate-'));
    pairsPath = join(directory, 'pairs.csv');
    // 40 pairs of the same prompt (quoted, with commas and doubled quotes), labeled duplicate, and
    // 40 pairs of unrelated prompts, labeled not: every threshold in the sweep is exact.
    const rows = ['question1,question2,is_duplicate'];
    for (const subject of subjects) {
      for (const action of actions) {
        const prompt = `"How do I ${action} ${subject}, step by step, in ""production""?"`;
        rows.push(`${prompt},${prompt},1`);
        rows.push(`${prompt},${unrelated[rows.length % unrelated.length]},0`);
      }
    }
    writeFileSync(pairsPath, `${rows.join('\n')}\n`);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('prints the sweep and the chosen threshold as a table', async () => {
    const result = await tollgate(['cache', 'calibrate', '--pairs', pairsPath]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('80 pairs, 40 duplicates (labels 0/1, 1 is a duplicate)');
    expect(result.stdout).toMatch(/^threshold +hits +precision +recall +hit rate$/m);
    expect(result.stdout).toMatch(/^ {4}0\.500 +40 +1\.0000 +100\.0% +50\.0% +← chosen$/m);
    expect(result.stdout).toMatch(/^ {4}0\.750 +40 +1\.0000/m);
    expect(result.stdout).toContain('chosen threshold: 0.500: precision 1.0000 (40 of 40 hits), recall 100.0% of duplicates, hit rate 50.0% of all pairs');
    expect(result.stdout).toContain(`default threshold (DEFAULT_SEMANTIC_THRESHOLD): ${DEFAULT_SEMANTIC_THRESHOLD.toFixed(3)}: precision 1.0000`);
  });

  it('prints every row as JSON', async () => {
    const result = await tollgate(['cache', 'calibrate', '--pairs', pairsPath, '--format', 'json', '--target-precision', '0.95']);
    expect(result.code).toBe(0);
    const calibration = JSON.parse(result.stdout) as CalibrationJson & { targetPrecision: number };
    expect(calibration).toMatchObject({ pairs: 80, duplicates: 40, targetPrecision: 0.95, chosen: { threshold: 0.5, hits: 40, precision: 1 } });
    expect(calibration.rows).toHaveLength(101);
    expect(calibration.defaultThreshold).toMatchObject({ threshold: DEFAULT_SEMANTIC_THRESHOLD, hits: 40 });
  });

  it('names what is wrong: a missing file, a malformed row, a bad flag', async () => {
    const malformedPath = join(directory, 'malformed.csv');
    writeFileSync(malformedPath, 'q1,q2,label\na,b,1\nc,d\n');
    const [missing, malformed, precision, format, unknown, noPairs, noAction] = await Promise.all([
      tollgate(['cache', 'calibrate', '--pairs', join(directory, 'absent.csv')]),
      tollgate(['cache', 'calibrate', '--pairs', malformedPath]),
      tollgate(['cache', 'calibrate', '--pairs', pairsPath, '--target-precision', '99']),
      tollgate(['cache', 'calibrate', '--pairs', pairsPath, '--format', 'xml']),
      tollgate(['cache', 'calibrate', '--pairs', pairsPath, '--bogus']),
      tollgate(['cache', 'calibrate']),
      tollgate(['cache', 'purge']),
    ]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/--pairs: no such file ".*absent\.csv"/);
    expect(malformed.stderr).toContain('malformed.csv: line 3: expected 3 fields (text,text,label), found 2');
    expect(precision.stderr).toContain('--target-precision: expected a number above 0 and at most 1, e.g. 0.99, got "99"');
    expect(format.stderr).toContain('--format: expected "table" or "json", got "xml"');
    expect(unknown.stderr).toMatch(/Unknown option '--bogus'/);
    expect(noPairs.stderr).toContain('--pairs is required');
    expect(noAction.stderr).toContain('usage: tollgate cache calibrate --pairs FILE');
    for (const result of [malformed, precision, format, unknown, noPairs, noAction]) expect(result.code).toBe(1);
  });

  // The held-out measurement behind DEFAULT_SEMANTIC_THRESHOLD (see default-threshold.ts).
  it.skipIf(!qqpPresent)(
    qqpPresent
      ? 'on qqp-val, the default threshold keeps the precision default-threshold.ts documents'
      : `on qqp-val: skipped, ${qqpPath} is absent`,
    async () => {
      const result = await tollgate(['cache', 'calibrate', '--pairs', qqpPath, '--format', 'json', '--target-precision', '0.95']);
      expect(result.code).toBe(0);
      const calibration = JSON.parse(result.stdout) as CalibrationJson;
      expect(calibration.defaultThreshold.threshold).toBe(DEFAULT_SEMANTIC_THRESHOLD);
      expect(calibration.defaultThreshold.precision).toBeGreaterThanOrEqual(0.95);
      expect(calibration.chosen?.threshold).toBe(DEFAULT_SEMANTIC_THRESHOLD);
    },
  );
});

describe('tollgate cache calibrate --config (a configured embeddings model)', () => {
  it('calibrates the embedder the config names, through its provider', async () => {
    const { createProviderSimulator } = await import('../testing/simulator/provider-simulator.js');
    const simulator = createProviderSimulator({ acceptAnyModel: true });
    const { url } = await simulator.listen(0, '127.0.0.1');
    const directory = mkdtempSync(join(tmpdir(), 'tollgate-calibrate-config-'));
    try {
      const configPath = join(directory, 'tollgate.yaml');
      writeFileSync(
        configPath,
        [
          'providers:',
          `  openai: { kind: openai, base_url: "${url}", api_key: sk-test }`,
          'models:',
          '  gpt-4o-mini: openai',
          '  embedder: { provider: openai, model: text-embedding-3-small }',
          'cache:',
          '  exact: {}',
          '  semantic: { models: [gpt-4o-mini], embedder: { model: embedder, dimensions: 1536 } }',
          '',
        ].join('\n'),
      );
      const pairsPath = join(directory, 'pairs.csv');
      writeFileSync(pairsPath, ['How do I reset my password?,How do I reset my password?,1', 'Write a haiku,Who painted the Mona Lisa?,0', ''].join('\n'));
      const result = await tollgate(['cache', 'calibrate', '--pairs', pairsPath, '--config', configPath]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('provider:embedder:d1536');
    } finally {
      await simulator.close(0);
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('tollgate cache calibrate --onnx (a local ONNX model folder)', () => {
  // In-process: the flag parser in main.ts must list `onnx` before the command line accepts it.
  async function calibrateInProcess(flags: Record<string, string>): Promise<string> {
    const { cacheCalibrateCommand } = await import('./cache-calibrate-command.js');
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      expect(await cacheCalibrateCommand(flags)).toBe(0);
    } finally {
      write.mockRestore();
    }
    return written.join('');
  }

  it('calibrates the model in the folder', async () => {
    const { writeTinyOnnxModel } = await import('../testing/tiny-onnx-model.js');
    const directory = mkdtempSync(join(tmpdir(), 'tollgate-calibrate-onnx-'));
    try {
      const folder = join(directory, 'tiny-bert');
      mkdirSync(folder);
      writeTinyOnnxModel(folder);
      const pairsPath = join(directory, 'pairs.csv');
      writeFileSync(
        pairsPath,
        ['How do I reset my password?,how do i reset my password,1', 'Write a poem about cats,write a poem about a cat,1', 'play with the dog,the weather today,0', ''].join('\n'),
      );
      const calibration = JSON.parse(await calibrateInProcess({ pairs: pairsPath, onnx: folder, format: 'json' })) as CalibrationJson & { embedder: string };
      expect(calibration.embedder).toMatch(/^onnx:tiny-bert:[0-9a-f]{12}:d8:mean:t512$/);
      expect(calibration).toMatchObject({ pairs: 3, duplicates: 2 });
      await expect(calibrateInProcess({ pairs: pairsPath, onnx: join(directory, 'absent') })).rejects.toThrow(/the model folder .*absent does not exist/);
      await expect(calibrateInProcess({ pairs: pairsPath, onnx: folder, config: 'tollgate.yaml' })).rejects.toThrow('--config and --onnx each name an embedder; give one of them.');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
