import { spawn, type ChildProcess } from 'node:child_process';

export interface ReadyProcess {
  readonly child: ChildProcess;
  readonly url: string;
  stop(): Promise<number | null>;
}

/**
 * Starts a Node process and waits for the line `READY <url>` or `… listening on <url>` on its
 * stdout (at most `timeoutMs`).
 */
export function spawnReadyProcess(args: readonly string[], options: { readonly timeoutMs?: number; readonly env?: NodeJS.ProcessEnv } = {}): Promise<ReadyProcess> {
  const child = spawn(process.execPath, [...process.execArgv, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process ${args.join(' ')} did not become ready: ${errors || output}`));
    }, options.timeoutMs ?? 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString()).slice(-4000);
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(?:READY|listening on) (http:\/\/\S+)/.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve({
        child,
        url: match[1] as string,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done(child.exitCode);
            child.once('exit', (code) => done(code));
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process ${args.join(' ')} exited with ${String(code)} before it was ready: ${errors || output}`));
    });
  });
}
