import { runDemo } from '../testing/demo/run-demo.js';
import { integerFlag, type Flags } from './main.js';

/** `tollgate demo`: the simulator, the gateway, a 600-request sample workload, and the report. */
export async function demoCommand(flags: Flags): Promise<number> {
  return runDemo({
    requests: integerFlag(flags, 'requests', 600, 1),
    concurrency: integerFlag(flags, 'concurrency', 16, 1),
    write: (text) => process.stdout.write(text),
    isTty: process.stdout.isTTY === true,
  });
}
