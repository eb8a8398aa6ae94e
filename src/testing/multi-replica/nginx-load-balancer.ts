import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNginx } from './ensure-nginx.js';
import { findFreePort } from './find-free-port.js';
import { killOnExit } from './kill-on-exit.js';
import { nginxConfig, nginxHealthPath } from './nginx-config.js';

export interface NginxLoadBalancerOptions {
  /** The replicas' ports on 127.0.0.1. */
  readonly upstreamPorts: readonly number[];
  readonly workers?: number;
  /** How long nginx may take to answer after it was started (default 10000). */
  readonly startTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface NginxLoadBalancer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Holds the config, pid, error log and temp files. */
  readonly directory: string;
  /** The error log so far (warnings included), for failure messages. */
  errorLog(): string;
  /** Stops nginx (SIGQUIT: finish what is in flight, then exit) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Installs nginx if needed and runs it in the foreground as a child process, in front of the
 * replicas, on a free port of 127.0.0.1. Resolves once nginx answers its own health path.
 */
export async function startNginxLoadBalancer(options: NginxLoadBalancerOptions): Promise<NginxLoadBalancer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const binary = await ensureNginx({ log });
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-nginx-'));
  // Workers drop root privileges; they must still reach the temp directories nginx creates here.
  chmodSync(directory, 0o755);
  const port = await findFreePort();
  const configPath = join(directory, 'nginx.conf');
  const errorLogPath = join(directory, 'error.log');
  writeFileSync(configPath, nginxConfig({ directory, listenPort: port, upstreamPorts: options.upstreamPorts, workers: options.workers }));
  const child = spawn(binary, ['-p', directory, '-c', configPath, '-e', errorLogPath, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const forget = killOnExit(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(forget);
  const errorLog = () => (existsSync(errorLogPath) ? readFileSync(errorLogPath, 'utf8') : '') + stderr;
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(`${url}${nginxHealthPath}`, child, options.startTimeoutMs ?? 10_000);
  } catch (error) {
    await stopChild(child, exited);
    const errors = errorLog();
    rmSync(directory, { recursive: true, force: true });
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nnginx error log:\n${errors}`);
  }
  log(`nginx: listening on ${url}, upstreams ${options.upstreamPorts.join(', ')}`);
  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    directory,
    errorLog,
    stop() {
      stopping ??= stopChild(child, exited).then(() => rmSync(directory, { recursive: true, force: true }));
      return stopping;
    },
  };
}

async function waitUntilAnswering(healthUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`nginx exited (${String(child.exitCode ?? child.signalCode)}) before it answered`);
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
      lastProblem = `status ${response.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not answer ${healthUrl} within ${timeoutMs} ms (${lastProblem})`);
}

/** SIGQUIT (graceful), then SIGKILL if nginx is still there after 10 s. */
async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGQUIT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
