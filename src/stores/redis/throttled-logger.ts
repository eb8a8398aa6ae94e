import type { Logger } from '../../core/logger.js';

export interface ThrottledLoggerOptions {
  readonly logger: Logger;
  /** At most one line per message text in this many milliseconds. */
  readonly intervalMs: number;
  readonly now: () => number;
}

/**
 * Wraps a logger so a failure repeated on every call (a dead Redis) logs once per interval per
 * message, with how many lines were held back since. Memory is bounded by the distinct message
 * texts, which are fixed strings at the call sites, never request input.
 */
export function createThrottledLogger(options: ThrottledLoggerOptions): Logger {
  const { logger, intervalMs, now } = options;
  if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new RangeError(`intervalMs must be a non-negative number, got ${intervalMs}`);
  const lastLoggedAt = new Map<string, number>();
  const suppressed = new Map<string, number>();

  function throttle(level: keyof Logger) {
    return function throttledLog(message: string, fields?: Readonly<Record<string, unknown>>): void {
      const at = now();
      const last = lastLoggedAt.get(message);
      if (last !== undefined && at - last < intervalMs) {
        suppressed.set(message, (suppressed.get(message) ?? 0) + 1);
        return;
      }
      const held = suppressed.get(message) ?? 0;
      lastLoggedAt.set(message, at);
      suppressed.delete(message);
      logger[level](message, held > 0 ? { ...fields, suppressed: held } : fields);
    };
  }

  return { info: throttle('info'), warn: throttle('warn'), error: throttle('error') };
}
