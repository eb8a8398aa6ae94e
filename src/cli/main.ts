import { parseArgs } from 'node:util';
import { reportCommand } from './report-command.js';
import { serveCommand } from './serve-command.js';

const usage = `tollgate: a self-hosted, cost-aware LLM gateway

Usage:
  tollgate serve --config FILE [--port N] [--host H]     run the gateway
  tollgate report --config FILE [--since T] [--until T] [--format table|json] [--top N]
                                                         spend from the ledger (T: 2026-11-01 or 24h, 7d)
  tollgate simulate [--port N] [--host H] [--accept-any-model]
                                                         run the provider simulator (a test instrument)
  tollgate demo [--requests N] [--concurrency N]         simulator + gateway + sample workload + report
  tollgate bench-semantic [--entries N] [--lookups N] [--index memory|sqlite|both]
                                                         semantic cache lookups against a large index
  tollgate bench-overhead [--seconds N] [--with-limits] [--with-cache]
                                                        measure the gateway's added latency
  tollgate bench-failover [--requests N] [--ttft-ms N]   failover success rate and added time to first token
  tollgate keys create --config FILE --models a,b|* [--name N] [--team T] [--user U] [--org O] [--expires 30d]
  tollgate keys list --config FILE | keys revoke --config FILE <id>
                                                         virtual keys (the secret is shown once)
  tollgate cache calibrate --pairs FILE [--target-precision 0.99] [--format table|json] [--config FILE | --onnx FOLDER]
                                                         semantic-cache threshold from labeled pairs (CSV text,text,label)
  tollgate help                                          this text
`;

/** Runs one CLI command; resolves with the process exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(parseFlags(rest, { config: 'string', port: 'string', host: 'string' }));
      case 'report':
        return await reportCommand(parseFlags(rest, { config: 'string', since: 'string', until: 'string', format: 'string', top: 'string' }));
      case 'simulate': {
        const { runSimulatorCli } = await import('../testing/simulator/run-simulator-cli.js');
        await runSimulatorCli(rest);
        return 0;
      }
      case 'demo': {
        const { demoCommand } = await import('./demo-command.js');
        return await demoCommand(parseFlags(rest, { requests: 'string', concurrency: 'string' }));
      }
      case 'bench-overhead': {
        const { benchOverheadCommand } = await import('./bench-overhead-command.js');
        return await benchOverheadCommand(parseFlags(rest, { seconds: 'string', concurrency: 'string', 'with-limits': 'boolean', 'with-cache': 'boolean' }));
      }
      case 'bench-semantic': {
        const { benchSemanticCommand } = await import('./bench-semantic-command.js');
        return await benchSemanticCommand(parseFlags(rest, { entries: 'string', lookups: 'string', index: 'string' }));
      }
      case 'bench-failover': {
        const { benchFailoverCommand } = await import('./bench-failover-command.js');
        return await benchFailoverCommand(parseFlags(rest, { requests: 'string', concurrency: 'string', 'ttft-ms': 'string' }));
      }
      case 'keys': {
        const { keysCommand } = await import('./keys-command.js');
        const [action, ...keyArgs] = rest;
        const { values, positionals } = parseArgs({
          args: keyArgs,
          options: { config: { type: 'string' }, name: { type: 'string' }, team: { type: 'string' }, user: { type: 'string' }, org: { type: 'string' }, models: { type: 'string' }, expires: { type: 'string' }, limits: { type: 'string' } },
          strict: true,
          allowPositionals: true,
        });
        return await keysCommand(action, values as Flags, positionals);
      }
      case 'cache': {
        const { cacheCalibrateCommand } = await import('./cache-calibrate-command.js');
        const [action, ...cacheArgs] = rest;
        if (action !== 'calibrate') throw new Error('usage: tollgate cache calibrate --pairs FILE [--target-precision 0.99] [--format table|json] [--config FILE | --onnx FOLDER]');
        return await cacheCalibrateCommand(parseFlags(cacheArgs, { pairs: 'string', 'target-precision': 'string', format: 'string', config: 'string', onnx: 'string' }));
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(usage);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`tollgate: unknown command "${command}".\n\n${usage}`);
        return 2;
    }
  } catch (error) {
    process.stderr.write(`tollgate ${command ?? ''}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

export type Flags = Readonly<Record<string, string | undefined>>;

function parseFlags(args: readonly string[], options: Readonly<Record<string, 'string' | 'boolean'>>): Flags {
  const { values } = parseArgs({
    args: [...args],
    options: Object.fromEntries(Object.entries(options).map(([name, type]) => [name, { type }])),
    strict: true,
    allowPositionals: false,
  });
  // A boolean flag given reads as "true"; absent, as undefined.
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value === true ? 'true' : value])) as Flags;
}

/** Reads a positive integer flag, naming the flag and the fix when it is not one. */
export function integerFlag(flags: Flags, name: string, fallback: number, minimum = 0): number {
  const text = flags[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) throw new Error(`--${name}: expected an integer ≥ ${minimum}, got "${text}".`);
  return value;
}

/** The flag's value, or an error naming the flag when it is missing. */
export function requiredFlag(flags: Flags, name: string, example: string): string {
  const value = flags[name];
  if (value === undefined || value === '') throw new Error(`--${name} is required, e.g. --${name} ${example}`);
  return value;
}
