/**
 * `tollgate simulate --port N --host H`: runs the provider simulator until SIGINT/SIGTERM.
 * The CLI room calls `runSimulatorCli(process.argv.slice(3))` (argv after the command name).
 */
import { createProviderSimulator, type ProviderSimulatorOptions } from './provider-simulator.js';

export interface SimulatorCliArguments {
  readonly port: number;
  readonly host: string;
  readonly acceptAnyModel: boolean;
}

export interface SimulatorCliIo {
  readonly writeLine: (line: string) => void;
  /** Resolves when the process should stop; default: the first SIGINT or SIGTERM. */
  readonly untilStopped?: Promise<unknown>;
}

const usage = 'usage: tollgate simulate [--port 4010] [--host 127.0.0.1] [--accept-any-model]';

export function parseSimulatorCliArguments(argv: readonly string[]): SimulatorCliArguments {
  let port = 4010;
  let host = '127.0.0.1';
  let acceptAnyModel = false;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? '';
    const [flag, inlineValue] = argument.includes('=') ? argument.split('=', 2) : [argument, undefined];
    const takeValue = (): string => {
      const value = inlineValue ?? argv[++index];
      if (value === undefined || value === '') throw new Error(`${flag} needs a value\n${usage}`);
      return value;
    };
    if (flag === '--port') {
      port = Number(takeValue());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer in 0..65535\n${usage}`);
    } else if (flag === '--host') {
      host = takeValue();
    } else if (flag === '--accept-any-model') {
      acceptAnyModel = true;
    } else {
      throw new Error(`unknown argument ${argument}\n${usage}`);
    }
  }
  return { port, host, acceptAnyModel };
}

/** Starts the simulator, prints its URL, and closes it gracefully when stopped. */
export async function runSimulatorCli(
  argv: readonly string[],
  io: SimulatorCliIo = { writeLine: (line) => process.stdout.write(`${line}\n`) },
  options: ProviderSimulatorOptions = {},
): Promise<void> {
  const parsedArguments = parseSimulatorCliArguments(argv);
  const simulator = createProviderSimulator({ acceptAnyModel: parsedArguments.acceptAnyModel, log: io.writeLine, ...options });
  const address = await simulator.listen(parsedArguments.port, parsedArguments.host);
  io.writeLine(`[simulator] tollgate provider simulator listening on ${address.url} (Anthropic and Gemini clients: ${address.origin})`);
  await (io.untilStopped ?? waitForSignal());
  io.writeLine('[simulator] shutting down');
  await simulator.close();
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
