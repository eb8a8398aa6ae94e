import { runSemanticCacheBenchmark } from '../testing/bench/semantic-cache-benchmark.js';
import { integerFlag, type Flags } from './main.js';

/** `tollgate bench-semantic` (`npm run bench:semantic`): semantic cache lookups against a large index. */
export async function benchSemanticCommand(flags: Flags): Promise<number> {
  await runSemanticCacheBenchmark({
    entries: integerFlag(flags, 'entries', 100_000, 1),
    lookups: integerFlag(flags, 'lookups', 2_000, 1),
    write: (text) => process.stdout.write(text),
  });
  return 0;
}
