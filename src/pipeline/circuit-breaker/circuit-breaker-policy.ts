/** When a deployment's circuit opens and how long it stays open. All durations are milliseconds. */
export interface CircuitBreakerPolicy {
  /** The rolling window the error ratio is measured over (10 buckets of `windowMs / 10`). */
  readonly windowMs: number;
  /** The ratio rule only applies once the window holds at least this many requests. */
  readonly minimumRequests: number;
  /** Opens when failures / requests ≥ this ratio (and requests ≥ `minimumRequests`). In (0, 1]. */
  readonly errorRatio: number;
  /** Opens after this many connect errors in a row, even below `minimumRequests`. */
  readonly consecutiveConnectErrors: number;
  /** How long an open circuit rejects before one probe may go through; also how long a probe may stay unrecorded. */
  readonly cooldownMs: number;
}

export const defaultCircuitBreakerPolicy: CircuitBreakerPolicy = Object.freeze({
  windowMs: 30_000,
  minimumRequests: 20,
  errorRatio: 0.5,
  consecutiveConnectErrors: 5,
  cooldownMs: 30_000,
});

type PolicyField = keyof CircuitBreakerPolicy;

interface FieldRule {
  readonly accepts: (value: number) => boolean;
  readonly expected: string;
}

function isWholeNumberAtLeast(minimum: number): FieldRule {
  return {
    accepts: (value) => Number.isSafeInteger(value) && value >= minimum,
    expected: `a whole number ≥ ${minimum}`,
  };
}

const fieldRules: Readonly<Record<PolicyField, FieldRule>> = Object.freeze({
  // At least one millisecond per bucket.
  windowMs: isWholeNumberAtLeast(10),
  minimumRequests: isWholeNumberAtLeast(1),
  errorRatio: {
    accepts: (value: number) => Number.isFinite(value) && value > 0 && value <= 1,
    expected: 'a number greater than 0 and at most 1',
  },
  consecutiveConnectErrors: isWholeNumberAtLeast(1),
  cooldownMs: isWholeNumberAtLeast(1),
});

/**
 * Fills unset fields with the defaults and rejects a bad value when the breaker is built, naming
 * the field. Unknown fields are rejected too: a typo such as `cooldown` must not silently fall
 * back to the default. Returns a frozen policy.
 */
export function resolveCircuitBreakerPolicy(partial: Partial<CircuitBreakerPolicy> = {}): CircuitBreakerPolicy {
  for (const field of Object.keys(partial)) {
    if (!Object.hasOwn(fieldRules, field)) {
      const known = Object.keys(fieldRules).join(', ');
      throw new TypeError(`circuit breaker policy: unknown field "${field}" (known fields: ${known})`);
    }
  }
  const resolved: { -readonly [Field in PolicyField]: number } = { ...defaultCircuitBreakerPolicy };
  for (const field of Object.keys(fieldRules) as PolicyField[]) {
    const value: unknown = partial[field];
    if (value === undefined) continue;
    const rule = fieldRules[field];
    if (typeof value !== 'number' || !rule.accepts(value)) {
      throw new RangeError(`circuit breaker policy: ${field} must be ${rule.expected}, got ${describeValue(value)}`);
    }
    resolved[field] = value;
  }
  return Object.freeze(resolved);
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
