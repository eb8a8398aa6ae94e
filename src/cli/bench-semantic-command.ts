import { runSemanticCacheBenchmark, type SemanticIndexKind } from '../testing/bench/semantic-cache-benchmark.js';
import { integerFlag, type Flags } from './main.js';

const indexChoices: Readonly<Record<string, readonly SemanticIndexKind[]>> = { memory: ['memory'], sqlite: ['sqlite'], both: ['memory', 'sqlite'] };

/**
 * `tollgate bench-semantic` (`npm run bench:semantic`): semantic cache lookups against a large
 * index, in memory and in SQLite (`--index memory|sqlite|both`, default both), with every entry
 * in one partition (the worst case) and spread over 100 tenants.
 */
export async function benchSemanticCommand(flags: Flags): Promise<number> {
  const choice = flags.index ?? 'both';
  const indexes = Object.hasOwn(indexChoices, choice) ? indexChoices[choice] : undefined;
  if (indexes === undefined) throw new Error(`--index: expected memory, sqlite or both, got "${flags.index}".`);
  await runSemanticCacheBenchmark({
    entries: integerFlag(flags, 'entries', 100_000, 1),
    lookups: integerFlag(flags, 'lookups', 2_000, 1),
    indexes,
    partitionCounts: [1, 100],
    write: (text) => process.stdout.write(text),
  });
  return 0;
}
