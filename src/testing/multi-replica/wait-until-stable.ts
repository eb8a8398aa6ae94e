import { isDeepStrictEqual } from 'node:util';

export interface WaitUntilStableOptions<Figures> {
  /** Besides not changing, what the figures must show to count as settled (e.g. nothing reserved). */
  readonly settled?: (figures: Figures) => boolean;
  /** How long the figures must stay the same (default 1000). */
  readonly stableForMs?: number;
  /** Gives up after this long and returns the last reading (default 30000). */
  readonly timeoutMs?: number;
  /** Pause between readings (default 100). */
  readonly intervalMs?: number;
}

export interface StableFigures<Figures> {
  readonly figures: Figures;
  readonly waitedMs: number;
  /** True when the figures never settled within the timeout; `figures` is then the last reading. */
  readonly timedOut: boolean;
}

/**
 * Reads figures until they stop changing (and satisfy `settled`), for quiescence after load:
 * in-flight settles and batched ledger writes land a little after the clients are done. It waits
 * for stability, never for the figures a test expects, so a wrong but stable figure still fails.
 */
export async function waitUntilStable<Figures>(read: () => Promise<Figures>, options: WaitUntilStableOptions<Figures> = {}): Promise<StableFigures<Figures>> {
  const stableForMs = options.stableForMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 100;
  const started = Date.now();
  let figures = await read();
  let unchangedSince = Date.now();
  for (;;) {
    const now = Date.now();
    if (now - unchangedSince >= stableForMs && (options.settled?.(figures) ?? true)) return { figures, waitedMs: now - started, timedOut: false };
    if (now - started >= timeoutMs) return { figures, waitedMs: now - started, timedOut: true };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const next = await read();
    if (!isDeepStrictEqual(next, figures)) {
      figures = next;
      unchangedSince = Date.now();
    }
  }
}
