import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface EnsureNginxOptions {
  /** Told what is done (lookups, apt-get runs and their outcome). */
  readonly log: (line: string) => void;
  /** The environment to search `PATH` in and to run apt-get with. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

interface CommandResult {
  readonly exitCode: number | null;
  readonly output: string;
}

/** Debian puts nginx in /usr/sbin, which a non-login `PATH` may lack. */
const extraDirectories = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** The nginx binary on `PATH` (or in the sbin directories), or `undefined`. */
export function findNginx(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const directories = [...(env['PATH'] ?? '').split(delimiter).filter((directory) => directory !== ''), ...extraDirectories];
  for (const directory of directories) {
    const candidate = join(directory, 'nginx');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next directory.
    }
  }
  return undefined;
}

/**
 * Returns the nginx binary, installing it with apt-get when it is missing: `apt-get update`, then
 * `apt-get install -y nginx-light`, falling back to the `nginx` package. Throws with apt-get's
 * output when neither installs, so a test fails with the reason instead of skipping.
 */
export async function ensureNginx(options: EnsureNginxOptions): Promise<string> {
  const env = { ...(options.env ?? process.env), DEBIAN_FRONTEND: 'noninteractive' };
  const found = findNginx(env);
  if (found !== undefined) {
    options.log(`nginx: using ${found}`);
    return found;
  }
  options.log('nginx: not installed; running apt-get update');
  const transcript: string[] = [];
  const update = await runCommand('apt-get', ['update'], env);
  transcript.push(`$ apt-get update (exit ${String(update.exitCode)})\n${update.output}`);
  for (const packageName of ['nginx-light', 'nginx']) {
    options.log(`nginx: apt-get install -y ${packageName}`);
    const install = await runCommand('apt-get', ['install', '-y', '--no-install-recommends', packageName], env);
    transcript.push(`$ apt-get install -y ${packageName} (exit ${String(install.exitCode)})\n${install.output}`);
    const installed = install.exitCode === 0 ? findNginx(env) : undefined;
    if (installed !== undefined) {
      options.log(`nginx: installed ${packageName} at ${installed}`);
      return installed;
    }
    options.log(`nginx: installing ${packageName} failed (exit ${String(install.exitCode)})`);
  }
  throw new Error(`nginx is not installed and apt-get could not install it:\n${transcript.map(lastLines).join('\n')}`);
}

function runCommand(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const append = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.once('error', (error) => resolve({ exitCode: null, output: `${output}${error.message}\n` }));
    child.once('close', (exitCode) => resolve({ exitCode, output }));
  });
}

function lastLines(text: string): string {
  return text.split('\n').slice(-40).join('\n');
}
