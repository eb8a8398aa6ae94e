import { runFailoverBenchmark } from '../testing/bench/failover-benchmark.js';
import { integerFlag, type Flags } from './main.js';

/** `tollgate bench-failover` (`npm run bench:failover`): failover success rate and added time to first token. */
export async function benchFailoverCommand(flags: Flags): Promise<number> {
  await runFailoverBenchmark({
    requests: integerFlag(flags, 'requests', 1000, 1),
    concurrency: integerFlag(flags, 'concurrency', 50, 1),
    ttftTimeoutMs: integerFlag(flags, 'ttft-ms', 200, 1),
    write: (text) => process.stdout.write(text),
  });
  return 0;
}
