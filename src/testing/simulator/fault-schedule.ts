/**
 * Fault injection: which requests fail, and how.
 *
 * Faults come from rules given at construction or through the control API, or from the
 * per-request `x-simulator-fault` header (which wins over the rules). Header syntax is
 * `;`-separated `key=value` pairs:
 *   status=503 | status=429;retry_after=2 | delay_ms=500 | cut_after_chunks=3 | connection=reset
 * and pairs combine, e.g. `delay_ms=200;status=500`.
 */
import type { ParseResult } from './chat-request.js';
import { isRecord } from './chat-request.js';
import { globToMatcher } from './simulator-models.js';
import { simulatorError } from './openai-error.js';
import type { SeededRandom } from './seeded-random.js';

export interface SimulatedFault {
  /** Extra wait before the first byte of the response. */
  readonly delayMs?: number;
  /** Answer with this HTTP status and the called API's error body of its class (OpenAI, Anthropic or Gemini). */
  readonly status?: number;
  /** For 429: the `retry-after` (and `retry-after-ms`) header value. */
  readonly retryAfterSeconds?: number;
  readonly message?: string;
  /**
   * Destroy the socket after this many SSE frames (or half of a JSON body), without the stream's
   * end; with `status` on an Anthropic stream, send an `event: error` after them instead.
   */
  readonly cutAfterChunks?: number;
  /** Destroy the socket before any response byte. */
  readonly resetConnection?: boolean;
}

export interface FaultRule {
  /** Model name or glob (`gpt-4o*`); absent matches every model. */
  readonly model?: string;
  /** Apply to the next N matching requests, then expire. Absent means forever. */
  readonly times?: number;
  /** Chance in [0, 1] that a matching request gets the fault (seeded random). */
  readonly probability?: number;
  readonly fault: SimulatedFault;
}

export interface FaultSchedule {
  /** The fault for this request, consuming one use of the matching rule. */
  next(model: string): SimulatedFault | undefined;
  replace(rules: readonly FaultRule[]): void;
  rules(): readonly FaultRule[];
}

interface ActiveRule {
  readonly rule: FaultRule;
  readonly matches: (model: string) => boolean;
  remaining: number;
}

export function createFaultSchedule(initialRules: readonly FaultRule[], random: SeededRandom): FaultSchedule {
  let active: ActiveRule[] = [];
  function replace(rules: readonly FaultRule[]): void {
    active = rules.map((rule) => ({
      rule,
      matches: rule.model === undefined ? () => true : globToMatcher(rule.model),
      remaining: rule.times ?? Number.POSITIVE_INFINITY,
    }));
  }
  replace(initialRules);
  return {
    next(model) {
      for (const entry of active) {
        if (entry.remaining <= 0 || !entry.matches(model)) continue;
        if (entry.rule.probability !== undefined && random.next() >= entry.rule.probability) continue;
        entry.remaining -= 1;
        return entry.rule.fault;
      }
      return undefined;
    },
    replace,
    rules: () => active.filter((entry) => entry.remaining > 0).map((entry) => ({ ...entry.rule, times: finiteOrUndefined(entry.remaining) })),
  };
}

function finiteOrUndefined(value: number): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}

export function parseFaultHeader(headerValue: string): ParseResult<SimulatedFault> {
  const fault: Record<string, number | boolean | string> = {};
  for (const pair of headerValue.split(';')) {
    const trimmed = pair.trim();
    if (trimmed === '') continue;
    const separator = trimmed.indexOf('=');
    const key = (separator === -1 ? trimmed : trimmed.slice(0, separator)).trim();
    const value = separator === -1 ? '' : trimmed.slice(separator + 1).trim();
    const number = Number(value);
    const numeric = value !== '' && Number.isFinite(number) && number >= 0;
    if (key === 'status' && numeric && Number.isInteger(number) && number >= 400 && number <= 599) fault.status = number;
    else if (key === 'retry_after' && numeric) fault.retryAfterSeconds = number;
    else if (key === 'delay_ms' && numeric) fault.delayMs = number;
    else if (key === 'cut_after_chunks' && numeric && Number.isInteger(number)) fault.cutAfterChunks = number;
    else if (key === 'connection' && value === 'reset') fault.resetConnection = true;
    else if (key === 'message' && value !== '') fault.message = value;
    else return invalidFault(`Unrecognised x-simulator-fault entry "${trimmed}".`);
  }
  return { ok: true, value: fault };
}

/** Accepts `[rule, …]` or `{"rules": [rule, …]}` (the control API body). */
export function parseFaultRules(body: unknown): ParseResult<FaultRule[]> {
  const list = isRecord(body) ? body.rules : body;
  if (!Array.isArray(list)) return invalidFault('Expected an array of fault rules or {"rules": [...]}.');
  const rules: FaultRule[] = [];
  for (const [index, candidate] of list.entries()) {
    if (!isRecord(candidate) || !isRecord(candidate.fault)) return invalidFault(`rules[${index}].fault must be an object.`);
    const { model, times, probability, fault } = candidate;
    if (model !== undefined && typeof model !== 'string') return invalidFault(`rules[${index}].model must be a string.`);
    if (times !== undefined && !(typeof times === 'number' && Number.isInteger(times) && times >= 0)) {
      return invalidFault(`rules[${index}].times must be a non-negative integer.`);
    }
    if (probability !== undefined && !(typeof probability === 'number' && probability >= 0 && probability <= 1)) {
      return invalidFault(`rules[${index}].probability must be a number in [0, 1].`);
    }
    const parsedFault = parseFaultObject(fault);
    if (parsedFault === undefined) return invalidFault(`rules[${index}].fault has an unknown field or a wrong type.`);
    rules.push({ model, times, probability, fault: parsedFault });
  }
  return { ok: true, value: rules };
}

const numericFaultFields = ['delayMs', 'status', 'retryAfterSeconds', 'cutAfterChunks'] as const;

function parseFaultObject(fault: Record<string, unknown>): SimulatedFault | undefined {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fault)) {
    const isNumericField = (numericFaultFields as readonly string[]).includes(key);
    if (isNumericField && typeof value === 'number' && Number.isFinite(value) && value >= 0) result[key] = value;
    else if (key === 'resetConnection' && typeof value === 'boolean') result[key] = value;
    else if (key === 'message' && typeof value === 'string') result[key] = value;
    else return undefined;
  }
  return result as SimulatedFault;
}

function invalidFault(message: string): ParseResult<never> {
  return { ok: false, error: simulatorError(400, message, { type: 'invalid_request_error' }) };
}
