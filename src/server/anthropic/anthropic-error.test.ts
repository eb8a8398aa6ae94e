import { describe, expect, it } from 'vitest';
import { errorCodes, TollgateError, type ErrorCode } from '../../core/errors.js';
import { anthropicErrorType, anthropicStatus, toAnthropicErrorBody } from './anthropic-error.js';

describe('Anthropic error mapping', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [405, 'invalid_request_error'],
    [409, 'invalid_request_error'],
    [413, 'request_too_large'],
    [422, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [502, 'api_error'],
    [503, 'overloaded_error'],
    [504, 'api_error'],
    [529, 'overloaded_error'],
  ])('status %i → %s', (status, type) => {
    expect(anthropicErrorType(status)).toBe(type);
  });

  it.each([
    ['TG_ERR_UNKNOWN_MODEL', 404, 'not_found_error'],
    ['TG_ERR_BODY_TOO_LARGE', 413, 'request_too_large'],
    ['TG_ERR_UPSTREAM_RATE_LIMITED', 429, 'rate_limit_error'],
    ['TG_ERR_UPSTREAM_OVERLOADED', 503, 'overloaded_error'],
    ['TG_ERR_UPSTREAM_AUTH', 502, 'api_error'],
    ['TG_ERR_STREAM_INTERRUPTED', 502, 'api_error'],
    ['TG_ERR_CLIENT_ABORTED', 400, 'invalid_request_error'],
  ] as const)('%s → HTTP %i %s', (code: ErrorCode, status, type) => {
    const error = new TollgateError({ code, message: 'm' });
    expect(anthropicStatus(error)).toBe(status);
    expect(toAnthropicErrorBody(error)).toEqual({ type: 'error', error: { type, message: 'm' } });
  });

  it('never maps a Tollgate error code to a 5xx for a 4xx status', () => {
    for (const [code, definition] of Object.entries(errorCodes)) {
      const type = anthropicErrorType(anthropicStatus(new TollgateError({ code: code as ErrorCode, message: 'm' })));
      expect(type === 'api_error' || type === 'overloaded_error', code).toBe(definition.status >= 500);
    }
  });

  it('adds the request id when given', () => {
    expect(toAnthropicErrorBody(new TollgateError({ code: 'TG_ERR_INTERNAL', message: 'boom' }), 'req-1')).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'boom' },
      request_id: 'req-1',
    });
  });
});
