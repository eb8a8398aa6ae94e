import { describe, expect, it } from 'vitest';
import { errorCodes, TollgateError, type ErrorCode } from '../../core/errors.js';
import { errorClassOf, type ErrorClass } from './error-class.js';

const expected: Record<ErrorCode, ErrorClass> = {
  TG_ERR_INVALID_JSON: 'invalid-request',
  TG_ERR_INVALID_REQUEST: 'invalid-request',
  TG_ERR_UNSUPPORTED_PARAMETER: 'invalid-request',
  TG_ERR_BODY_TOO_LARGE: 'invalid-request',
  TG_ERR_UNSUPPORTED_MEDIA_TYPE: 'invalid-request',
  TG_ERR_UNKNOWN_MODEL: 'not-found',
  TG_ERR_NOT_FOUND: 'not-found',
  TG_ERR_METHOD_NOT_ALLOWED: 'invalid-request',
  TG_ERR_AUTH_REQUIRED: 'auth',
  TG_ERR_INVALID_API_KEY: 'auth',
  TG_ERR_MODEL_NOT_ALLOWED: 'invalid-request',
  TG_ERR_ADMIN_AUTH: 'auth',
  TG_ERR_REQUEST_TIMEOUT: 'timeout',
  TG_ERR_BUDGET_EXCEEDED: 'rate-limit',
  TG_ERR_RATE_LIMITED: 'rate-limit',
  TG_ERR_UNPRICED_MODEL: 'invalid-request',
  TG_ERR_STORE_UNAVAILABLE: 'internal',
  TG_ERR_SHUTTING_DOWN: 'internal',
  TG_ERR_CLIENT_ABORTED: 'aborted',
  TG_ERR_UPSTREAM_BAD_REQUEST: 'invalid-request',
  TG_ERR_UPSTREAM_CONTEXT_LENGTH: 'context-window',
  TG_ERR_UPSTREAM_CONTENT_POLICY: 'content-policy',
  TG_ERR_UPSTREAM_NOT_FOUND: 'not-found',
  TG_ERR_UPSTREAM_CONFLICT: 'server',
  TG_ERR_UPSTREAM_UNPROCESSABLE: 'invalid-request',
  TG_ERR_UPSTREAM_AUTH: 'auth',
  TG_ERR_UPSTREAM_RATE_LIMITED: 'rate-limit',
  TG_ERR_UPSTREAM_OVERLOADED: 'overload',
  TG_ERR_UPSTREAM_SERVER: 'server',
  TG_ERR_UPSTREAM_TIMEOUT: 'timeout',
  TG_ERR_UPSTREAM_CONNECT: 'connect',
  TG_ERR_CIRCUIT_OPEN: 'overload',
  TG_ERR_UPSTREAM_PROTOCOL: 'server',
  TG_ERR_STREAM_INTERRUPTED: 'stream-interrupted',
  TG_ERR_INTERNAL: 'internal',
};

describe('errorClassOf', () => {
  it('has an expectation for exactly the codes in errorCodes', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(errorCodes).sort());
  });

  it.each(Object.keys(errorCodes) as ErrorCode[])('classifies %s', (code) => {
    const error = new TollgateError({ code, message: 'x' });
    expect(errorClassOf(error)).toBe(expected[code]);
  });

  it('reads only the code, not the status or retryability', () => {
    const overridden = new TollgateError({ code: 'TG_ERR_UPSTREAM_SERVER', message: 'x', status: 504, isRetryable: false, upstream: { status: 504, body: undefined } });
    expect(errorClassOf(overridden)).toBe('server');
  });
});
