/** Structured log lines. Never pass secrets (API keys, provider keys) in `fields`. */
export interface Logger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export const silentLogger: Logger = Object.freeze({ info() {}, warn() {}, error() {} });

/** One JSON object per line on the given stream (stderr by default in the CLI). */
export function createJsonLogger(write: (line: string) => void, clock: { now(): number }): Logger {
  const log = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) =>
    write(JSON.stringify({ time: new Date(clock.now()).toISOString(), level, message, ...fields }) + '\n');
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
