import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WrkResult {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requestsPerSecond: number;
  readonly requests: number;
  readonly errors: number;
}

/** True when `wrk` (Debian package `wrk`) is on the PATH. */
export function wrkAvailable(): Promise<boolean> {
  return new Promise((resolve) => execFile('wrk', ['--version'], (error, stdout, stderr) => resolve(`${stdout}${stderr}`.includes('wrk'))));
}

/**
 * Closed-loop load with wrk (one thread, as in shared/bench-notes.md), POSTing `body`: a C load
 * generator leaves more of the two cores to the processes under test than a Node one does.
 */
export async function runWrk(options: {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly concurrency: number;
  readonly seconds: number;
  readonly scriptDirectory: string;
}): Promise<WrkResult> {
  const script = join(options.scriptDirectory, 'post.lua');
  const headerLines = Object.entries({ 'content-type': 'application/json', ...options.headers })
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
    .join('\n');
  writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(options.body)}\n${headerLines}\n`);
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      'wrk',
      ['-t1', `-c${options.concurrency}`, `-d${options.seconds}s`, '--latency', '-s', script, options.url],
      { timeout: (options.seconds + 30) * 1000 },
      (error, stdout) => (error === null ? resolve(stdout) : reject(error)),
    ),
  );
  const latency = (label: string) => {
    const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(output);
    if (match === null) throw new Error(`wrk printed no ${label}% latency:\n${output}`);
    const value = Number(match[1]);
    return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
  };
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? Number.NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const errors = non2xx + (socketErrors === null ? 0 : socketErrors.slice(1).reduce((sum, value) => sum + Number(value), 0));
  return {
    p50Ms: latency('50'),
    p99Ms: latency('99'),
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? Number.NaN),
    requests,
    errors,
  };
}
