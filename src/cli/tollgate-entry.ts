/** Process entry for running the CLI from source (`node --import tsx src/cli/tollgate-entry.ts …`). */
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2));
