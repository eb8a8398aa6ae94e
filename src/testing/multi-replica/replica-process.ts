import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { killOnExit } from './kill-on-exit.js';

/** The CLI entry run from source, as `node --import tsx src/cli/tollgate-entry.ts …`. */
export const tollgateEntry = fileURLToPath(new URL('../../cli/tollgate-entry.ts', import.meta.url));
/** The repository root, so `--import tsx` resolves from its node_modules. */
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ReplicaProcessOptions {
  readonly configPath: string;
  /** 0 lets the replica pick a free port; a restart passes the port it had. */
  readonly port: number;
  /** How long until `/readyz` answers 200 (default 30000). */
  readonly readyTimeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface ReplicaProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** The last lines the replica logged (its JSON log goes to stderr). */
  logTail(): string;
  /** SIGTERM, then the exit code once the replica has drained and flushed (SIGKILL and `null` after `timeoutMs`, default 30000). */
  stop(timeoutMs?: number): Promise<number | null>;
}

const LOG_TAIL_CHARACTERS = 16_000;

/** Spawns `tollgate serve` and resolves once it says where it listens and its `/readyz` answers 200. */
export async function startReplicaProcess(options: ReplicaProcessOptions): Promise<ReplicaProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', tollgateEntry, 'serve', '--config', options.configPath, '--port', String(options.port), '--host', '127.0.0.1'],
    { cwd: repositoryRoot, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const forget = killOnExit(child);
  let logs = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    logs = (logs + chunk.toString()).slice(-LOG_TAIL_CHARACTERS);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(forget);
  const logTail = () => logs;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  try {
    const url = await listeningUrl(child, exited, deadline);
    await waitUntilReady(url, child, deadline);
    const port = Number(new URL(url).port);
    return {
      url,
      port,
      pid: child.pid,
      logTail,
      stop: (timeoutMs = 30_000) => stopReplica(child, exited, timeoutMs),
    };
  } catch (error) {
    await stopReplica(child, exited, 5_000);
    throw new Error(`replica (${options.configPath}, port ${options.port}) did not become ready: ${error instanceof Error ? error.message : String(error)}\n${logTail()}`);
  }
}

function listeningUrl(child: ChildProcess, exited: Promise<number | null>, deadline: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error('no "listening on" line in time')), Math.max(0, deadline - Date.now()));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve(match[1]);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)} before listening`));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, deadline: number): Promise<void> {
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${String(child.exitCode ?? child.signalCode)}) before it was ready`);
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      const body = await response.text();
      if (response.status === 200) return;
      lastProblem = `/readyz answered ${response.status}: ${body}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`not ready in time (${lastProblem})`);
}

async function stopReplica(child: ChildProcess, exited: Promise<number | null>, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  return timedOut ? null : code;
}
