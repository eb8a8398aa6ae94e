import { runOverheadBenchmark } from '../testing/bench/overhead-benchmark.js';
import { integerFlag, type Flags } from './main.js';

/** `tollgate bench-overhead` (`npm run bench:overhead`): prints the gateway's added latency. */
export async function benchOverheadCommand(flags: Flags): Promise<number> {
  await runOverheadBenchmark({
    seconds: integerFlag(flags, 'seconds', 5, 1),
    concurrency: integerFlag(flags, 'concurrency', 32, 1),
    withLimits: flags['with-limits'] !== undefined,
    withCache: flags['with-cache'] !== undefined,
    write: (text) => process.stdout.write(text),
  });
  return 0;
}
