import { describe, expect, it } from 'vitest';
import { createFaultSchedule, parseFaultHeader, parseFaultRules } from './fault-schedule.js';
import { createSeededRandom } from './seeded-random.js';

describe('parseFaultHeader', () => {
  it.each([
    ['status=503', { status: 503 }],
    ['status=429;retry_after=2', { status: 429, retryAfterSeconds: 2 }],
    ['delay_ms=500', { delayMs: 500 }],
    ['cut_after_chunks=3', { cutAfterChunks: 3 }],
    ['connection=reset', { resetConnection: true }],
    [' delay_ms=10 ; status=500 ', { delayMs: 10, status: 500 }],
  ])('reads %s', (header, expected) => {
    expect(parseFaultHeader(header)).toEqual({ ok: true, value: expected });
  });

  it.each(['status=200', 'status=abc', 'cut_after_chunks=1.5', 'connection=close', 'explode=1'])('rejects %s', (header) => {
    expect(parseFaultHeader(header).ok).toBe(false);
  });
});

describe('createFaultSchedule', () => {
  it('matches by model glob and expires after `times` uses', () => {
    const schedule = createFaultSchedule([{ model: 'gpt-4o*', times: 2, fault: { status: 500 } }], createSeededRandom(1));
    expect(schedule.next('o1')).toBeUndefined();
    expect(schedule.next('gpt-4o-mini')).toEqual({ status: 500 });
    expect(schedule.rules()).toEqual([{ model: 'gpt-4o*', times: 1, fault: { status: 500 } }]);
    expect(schedule.next('gpt-4o')).toEqual({ status: 500 });
    expect(schedule.next('gpt-4o')).toBeUndefined();
    expect(schedule.rules()).toEqual([]);
  });

  it('uses the first matching rule and honours probability', () => {
    const schedule = createFaultSchedule(
      [
        { probability: 0, fault: { status: 400 } },
        { fault: { delayMs: 5 } },
      ],
      createSeededRandom(1),
    );
    expect(schedule.next('any')).toEqual({ delayMs: 5 });
  });
});

describe('parseFaultRules', () => {
  it('accepts a bare array or {rules} and rejects wrong types', () => {
    const rule = { model: 'o1', times: 1, fault: { status: 429, retryAfterSeconds: 1 } };
    expect(parseFaultRules([rule])).toEqual({ ok: true, value: [{ ...rule, probability: undefined }] });
    expect(parseFaultRules({ rules: [rule] }).ok).toBe(true);
    expect(parseFaultRules({ rules: [{ ...rule, probability: 2 }] }).ok).toBe(false);
    expect(parseFaultRules([{ fault: { explode: true } }]).ok).toBe(false);
    expect(parseFaultRules('nope').ok).toBe(false);
  });
});
