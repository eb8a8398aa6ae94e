/**
 * Time limits on one upstream attempt, in milliseconds; `undefined` means no limit.
 *
 * Connect timeouts are not here: they belong to the HTTP dispatcher (undici's connect and
 * headers timeouts, set per provider with `timeout_ms`), which reports them as
 * `TG_ERR_UPSTREAM_TIMEOUT` or `TG_ERR_UPSTREAM_CONNECT` itself.
 */
export interface TimeoutPolicy {
  /**
   * Time to first token: from the start of the call until the first content part (text,
   * reasoning or tool-call delta). For `generate`, which shows its first token only with the whole
   * answer, it is the limit for the whole call when `totalMs` is not set.
   */
  readonly ttftMs?: number | undefined;
  /** The longest wait for the next part once the first part arrived (streams only). */
  readonly idleMs?: number | undefined;
  /** The whole attempt, from the start of the call to its last part or its answer. */
  readonly totalMs?: number | undefined;
}

/** Rejects a limit that is not a positive finite number of milliseconds, naming it. Returns a frozen policy. */
export function resolveTimeoutPolicy(partial: TimeoutPolicy = {}): TimeoutPolicy {
  for (const field of ['ttftMs', 'idleMs', 'totalMs'] as const) {
    const value = partial[field];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`Invalid timeout policy: ${field} must be a positive, finite number of milliseconds or undefined (no limit); got ${String(value)}.`);
    }
  }
  return Object.freeze({ ttftMs: partial.ttftMs, idleMs: partial.idleMs, totalMs: partial.totalMs });
}
