import { describe, expect, it } from 'vitest';
import { parseSimulatorCliArguments, runSimulatorCli } from './run-simulator-cli.js';

describe('parseSimulatorCliArguments', () => {
  it('reads --port, --host (both spellings) and defaults', () => {
    expect(parseSimulatorCliArguments([])).toEqual({ port: 4010, host: '127.0.0.1', acceptAnyModel: false });
    expect(parseSimulatorCliArguments(['--port', '9000', '--host=0.0.0.0', '--accept-any-model'])).toEqual({
      port: 9000,
      host: '0.0.0.0',
      acceptAnyModel: true,
    });
  });

  it('rejects bad input', () => {
    expect(() => parseSimulatorCliArguments(['--port', 'x'])).toThrow(/--port/);
    expect(() => parseSimulatorCliArguments(['--port'])).toThrow(/needs a value/);
    expect(() => parseSimulatorCliArguments(['--verbose'])).toThrow(/unknown argument/);
  });
});

describe('runSimulatorCli', () => {
  it('prints the URL, serves until stopped, then closes', async () => {
    const lines: string[] = [];
    let stop: () => void = () => {};
    const untilStopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let announced: (url: string) => void = () => {};
    const urlPrinted = new Promise<string>((resolve) => {
      announced = resolve;
    });
    const writeLine = (line: string) => {
      lines.push(line);
      const match = /listening on (\S+)/.exec(line);
      if (match?.[1] !== undefined) announced(match[1]);
    };
    const running = runSimulatorCli(['--port', '0'], { writeLine, untilStopped });
    const url = await urlPrinted;
    const response = await fetch(`${url}/models`, { headers: { authorization: 'Bearer sk-sim' } });
    expect(response.status).toBe(200);
    stop();
    await running;
    expect(lines.at(-1)).toBe('[simulator] shutting down');
    await expect(fetch(`${url}/models`)).rejects.toThrow();
  });
});
