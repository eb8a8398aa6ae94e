import type { Clock } from '../../core/clock.js';

/** What the balancer knows about one deployment right now. */
export interface DeploymentLoad {
  readonly inFlight: number;
  /** EWMA of successful calls' latency; `undefined` until the first one finishes. */
  readonly ewmaLatencyMs: number | undefined;
  /** `clock.monotonic()` time until which the deployment is skipped; `-Infinity` when never cooled down. */
  readonly coolingDownUntilMonotonic: number;
}

/**
 * How a call ended. Only successes feed the latency EWMA: a deployment that fails fast (a 500 in
 * 10 ms, a refused connection) must not look like the fastest one. Failures, aborts included,
 * still end the in-flight count.
 */
export type CallOutcome = { readonly latencyMs: number } | { readonly failed: true };

/** Ends one in-flight call. Idempotent: only the first call counts, so a `finally` can always call it. */
export type FinishCall = (outcome: CallOutcome) => void;

export interface DeploymentLoadStats {
  readonly key: string;
  readonly inFlight: number;
  readonly ewmaLatencyMs: number | undefined;
  /** Wall-clock epoch ms (`clock.now()` scale) when the cool-down ends; `undefined` when not cooling down. */
  readonly coolingDownUntil: number | undefined;
}

export interface DeploymentLoadsOptions {
  readonly clock: Clock;
  /** Weight of the newest latency sample, in (0, 1]. */
  readonly ewmaAlpha: number;
  /** Upper bound on one cool-down, whatever the upstream's `retry-after` said. */
  readonly maxCoolDownMs: number;
  /** Cool-down used when a 429 came without a usable `retry-after`. */
  readonly defaultCoolDownMs: number;
}

export interface DeploymentLoads {
  /** Marks a call to `key` as started; call the returned function once it ends. */
  begin(key: string): FinishCall;
  /**
   * Skips `key` until now + `retryAfterMs`, bounded to [0, maxCoolDownMs]; `undefined`, `NaN` or
   * negative values use `defaultCoolDownMs`. A cool-down never shortens one already running.
   * Returns the cool-down applied, in ms, so the caller can report when it was capped.
   */
  coolDown(key: string, retryAfterMs: number | undefined): number;
  coolingDown(key: string): boolean;
  /** The live record for `key`, or `undefined` when the key was never begun nor cooled down. */
  load(key: string): DeploymentLoad | undefined;
  stats(): readonly DeploymentLoadStats[];
}

interface LoadRecord {
  inFlight: number;
  ewmaLatencyMs: number | undefined;
  coolingDownUntilMonotonic: number;
}

/**
 * In-flight counts, latency EWMAs and 429 cool-downs per deployment key. Holds one small record
 * per key ever begun or cooled down; keys come from configuration, so that is bounded by it.
 * Durations are measured on `clock.monotonic()`, immune to wall-clock jumps.
 */
export function createDeploymentLoads(options: DeploymentLoadsOptions): DeploymentLoads {
  const { clock, ewmaAlpha, maxCoolDownMs, defaultCoolDownMs } = options;
  if (!(ewmaAlpha > 0 && ewmaAlpha <= 1)) throw new RangeError(`load balancer ewmaAlpha must be in (0, 1], got ${ewmaAlpha}`);
  requireDuration('maxCoolDownMs', maxCoolDownMs);
  requireDuration('defaultCoolDownMs', defaultCoolDownMs);
  const records = new Map<string, LoadRecord>();

  function recordFor(key: string): LoadRecord {
    let record = records.get(key);
    if (record === undefined) {
      record = { inFlight: 0, ewmaLatencyMs: undefined, coolingDownUntilMonotonic: -Infinity };
      records.set(key, record);
    }
    return record;
  }

  return {
    begin(key) {
      const record = recordFor(key);
      record.inFlight += 1;
      let finished = false;
      return function finishCall(outcome) {
        if (finished) return;
        finished = true;
        record.inFlight -= 1;
        if (!('latencyMs' in outcome)) return;
        const sample = outcome.latencyMs;
        // A non-finite or negative measurement is a caller bug; it must not poison the average forever.
        if (!(sample >= 0 && sample < Infinity)) return;
        record.ewmaLatencyMs =
          record.ewmaLatencyMs === undefined ? sample : record.ewmaLatencyMs + ewmaAlpha * (sample - record.ewmaLatencyMs);
      };
    },
    coolDown(key, retryAfterMs) {
      const requested = retryAfterMs !== undefined && retryAfterMs >= 0 ? retryAfterMs : defaultCoolDownMs;
      const applied = Math.min(requested, maxCoolDownMs);
      const record = recordFor(key);
      record.coolingDownUntilMonotonic = Math.max(record.coolingDownUntilMonotonic, clock.monotonic() + applied);
      return applied;
    },
    coolingDown(key) {
      const record = records.get(key);
      return record !== undefined && clock.monotonic() < record.coolingDownUntilMonotonic;
    },
    load(key) {
      return records.get(key);
    },
    stats() {
      const monotonicNow = clock.monotonic();
      const wallNow = clock.now();
      const rows: DeploymentLoadStats[] = [];
      for (const [key, record] of records) {
        const cooling = monotonicNow < record.coolingDownUntilMonotonic;
        rows.push({
          key,
          inFlight: record.inFlight,
          ewmaLatencyMs: record.ewmaLatencyMs,
          coolingDownUntil: cooling ? wallNow + (record.coolingDownUntilMonotonic - monotonicNow) : undefined,
        });
      }
      return rows;
    },
  };
}

function requireDuration(name: string, value: number): void {
  if (!(value >= 0 && value < Infinity)) throw new RangeError(`load balancer ${name} must be a finite number ≥ 0, got ${value}`);
}
