/**
 * Reads a point in time for `--since` / `--until`: an ISO date or date-time (`2026-11-01`,
 * `2026-11-01T12:00Z`), or an age before `now` (`30m`, `24h`, `7d`, `2w`).
 */
export function parseTimeArgument(text: string, now: number, flag: string): number {
  const relative = /^(\d+)\s*(s|m|h|d|w)$/.exec(text.trim());
  if (relative !== null) {
    const unitMs = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[relative[2] as 's' | 'm' | 'h' | 'd' | 'w'];
    return now - Number(relative[1]) * unitMs;
  }
  const absolute = Date.parse(text);
  if (!Number.isNaN(absolute)) return absolute;
  throw new Error(`${flag}: cannot read "${text}". Write an ISO date like 2026-11-01 or an age like 24h, 7d, 30m.`);
}
