import { describe, expect, it } from 'vitest';
import { errorCodes, TollgateError, type ErrorCode } from '../../core/errors.js';
import { breakerOutcomeOf } from './breaker-outcome.js';
import { circuitBreakerError } from './circuit-breaker-error.js';

function failureWith(code: ErrorCode, isRetryable: boolean): TollgateError {
  return new TollgateError({ code, message: code, isRetryable });
}

describe('breakerOutcomeOf', () => {
  it('counts a connect error as a failure and as a connect error', () => {
    expect(breakerOutcomeOf(failureWith('TG_ERR_UPSTREAM_CONNECT', true))).toEqual({
      kind: 'failure',
      connectError: true,
      reason: 'TG_ERR_UPSTREAM_CONNECT (502)',
    });
  });

  it.each<ErrorCode>([
    'TG_ERR_UPSTREAM_RATE_LIMITED',
    'TG_ERR_UPSTREAM_OVERLOADED',
    'TG_ERR_UPSTREAM_SERVER',
    'TG_ERR_UPSTREAM_TIMEOUT',
    'TG_ERR_UPSTREAM_CONFLICT',
    'TG_ERR_UPSTREAM_PROTOCOL',
    'TG_ERR_STREAM_INTERRUPTED',
  ])('counts a retryable %s as a failure that is not a connect error', (code) => {
    expect(breakerOutcomeOf(failureWith(code, true))).toMatchObject({ kind: 'failure', connectError: false });
  });

  it.each<ErrorCode>(['TG_ERR_UPSTREAM_SERVER', 'TG_ERR_UPSTREAM_OVERLOADED', 'TG_ERR_STREAM_INTERRUPTED', 'TG_ERR_UPSTREAM_CONFLICT'])(
    'leaves %s to its producer: ignored when not marked retryable',
    (code) => {
      expect(breakerOutcomeOf(failureWith(code, false))).toEqual({ kind: 'ignored', reason: `${code} (${errorCodes[code].status}) is not retryable` });
    },
  );

  it.each<ErrorCode>(['TG_ERR_UPSTREAM_AUTH', 'TG_ERR_UPSTREAM_RATE_LIMITED', 'TG_ERR_UPSTREAM_NOT_FOUND'])(
    'counts the deployment-wide %s as a failure even though it is not retryable',
    (code) => {
      expect(breakerOutcomeOf(failureWith(code, false))).toMatchObject({ kind: 'failure', connectError: false });
    },
  );

  it.each<ErrorCode>([
    'TG_ERR_UPSTREAM_BAD_REQUEST',
    'TG_ERR_UPSTREAM_CONTEXT_LENGTH',
    'TG_ERR_UPSTREAM_CONTENT_POLICY',
    'TG_ERR_UPSTREAM_UNPROCESSABLE',
    'TG_ERR_INVALID_REQUEST',
    'TG_ERR_REQUEST_TIMEOUT',
    'TG_ERR_SHUTTING_DOWN',
    'TG_ERR_INTERNAL',
  ])('ignores %s: it says nothing about the deployment', (code) => {
    expect(breakerOutcomeOf(failureWith(code, false))).toMatchObject({ kind: 'ignored' });
  });

  it('ignores a client abort even if it were marked retryable', () => {
    expect(breakerOutcomeOf(failureWith('TG_ERR_CLIENT_ABORTED', true))).toEqual({
      kind: 'ignored',
      reason: 'TG_ERR_CLIENT_ABORTED (499) says nothing about the deployment',
    });
  });

  it("ignores the breaker's own rejection, which is retryable", () => {
    expect(breakerOutcomeOf(circuitBreakerError('openai/gpt-4o', 1_000))).toMatchObject({ kind: 'ignored' });
  });

  it('has a rule for every error code', () => {
    const kinds = (Object.keys(errorCodes) as ErrorCode[]).map((code) => breakerOutcomeOf(failureWith(code, true)).kind);
    expect(kinds.every((kind) => kind === 'failure' || kind === 'ignored')).toBe(true);
  });
});
