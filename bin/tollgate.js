#!/usr/bin/env node
// The `tollgate` command. Runs the compiled CLI from dist/ (built by `npm ci` via `prepare`).
import { runCli } from '../dist/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
