import { describe, expect, it } from 'vitest';
import { TollgateError, type ErrorCode, type TollgateErrorOptions } from '../../core/errors.js';
import { NoStaticAnswerError } from './static-answer-call.js';
import { classifyFinalFailure, userPresentableError, type FinalFailureKind, type LadderSummary } from './user-presentable-error.js';

const ladder: LadderSummary = { logicalModel: 'gpt-4o', attempts: 4, triedModels: ['gpt-4o', 'gpt-4o-mini', 'tollgate-faq'] };

function failure(code: ErrorCode, extra: Partial<TollgateErrorOptions> = {}): TollgateError {
  return new TollgateError({ code, message: `upstream said ${code}`, ...extra });
}

const unavailable = 'The assistant is temporarily unavailable. Please try again in a minute.';
const tooMany = 'The assistant is receiving too many requests right now. Please try again in a minute.';
const cannotProcess = "The assistant couldn't process this request. Please check it and try again.";

describe('userPresentableError: mapping table', () => {
  it.each<[string, TollgateError, number, FinalFailureKind, string]>([
    ['overloaded', failure('TG_ERR_UPSTREAM_OVERLOADED', { isRetryable: true }), 503, 'unavailable', unavailable],
    ['upstream 5xx', failure('TG_ERR_UPSTREAM_SERVER', { status: 500, isRetryable: true }), 503, 'unavailable', unavailable],
    ['upstream timeout', failure('TG_ERR_UPSTREAM_TIMEOUT', { isRetryable: true }), 503, 'unavailable', unavailable],
    ['connection failure', failure('TG_ERR_UPSTREAM_CONNECT', { isRetryable: true }), 503, 'unavailable', unavailable],
    ['stream interrupted', failure('TG_ERR_STREAM_INTERRUPTED'), 503, 'unavailable', unavailable],
    ['protocol error', failure('TG_ERR_UPSTREAM_PROTOCOL'), 503, 'unavailable', unavailable],
    ['provider auth (operator problem)', failure('TG_ERR_UPSTREAM_AUTH'), 503, 'unavailable', unavailable],
    ['request timeout', failure('TG_ERR_REQUEST_TIMEOUT'), 503, 'unavailable', unavailable],
    ['shutting down', failure('TG_ERR_SHUTTING_DOWN'), 503, 'unavailable', unavailable],
    ['a retryable 409', failure('TG_ERR_UPSTREAM_CONFLICT', { isRetryable: true }), 503, 'unavailable', unavailable],
    ['rate limited', failure('TG_ERR_UPSTREAM_RATE_LIMITED', { isRetryable: true }), 429, 'rate-limited', tooMany],
    ['bad request', failure('TG_ERR_UPSTREAM_BAD_REQUEST'), 400, 'client', cannotProcess],
    ['invalid request', failure('TG_ERR_INVALID_REQUEST'), 400, 'client', cannotProcess],
    ['unknown model', failure('TG_ERR_UNKNOWN_MODEL'), 404, 'client', cannotProcess],
    ['upstream not found', failure('TG_ERR_UPSTREAM_NOT_FOUND'), 404, 'client', cannotProcess],
    ['unprocessable', failure('TG_ERR_UPSTREAM_UNPROCESSABLE'), 422, 'client', cannotProcess],
    [
      'context too long',
      failure('TG_ERR_UPSTREAM_CONTEXT_LENGTH'),
      400,
      'client',
      'The conversation is too long for the assistant. Please shorten it or start a new conversation.',
    ],
    ['content policy', failure('TG_ERR_UPSTREAM_CONTENT_POLICY'), 400, 'client', "The assistant can't help with this request. Please rephrase it and try again."],
    ['client aborted', failure('TG_ERR_CLIENT_ABORTED'), 499, 'aborted', 'The request was cancelled before the assistant could answer.'],
    ['internal bug', failure('TG_ERR_INTERNAL'), 500, 'internal', 'The assistant ran into an unexpected problem. Please try again later.'],
    ['the FAQ miss alone', new NoStaticAnswerError('no FAQ entry matches'), 503, 'unavailable', unavailable],
  ])('%s → %i', (_name, lastError, status, kind, sentence) => {
    expect(classifyFinalFailure(lastError).kind).toBe(kind);
    const presented = userPresentableError(lastError, ladder);
    expect(presented).toBeInstanceOf(TollgateError);
    expect(presented.status).toBe(status);
    expect(presented.code).toBe(lastError.code);
    expect(presented.message.startsWith(`${sentence} (Technical detail: `)).toBe(true);
  });
});

describe('userPresentableError: message and fields', () => {
  it('puts the technical detail after the sentence: model, attempts, tried models, code, status and message', () => {
    const lastError = failure('TG_ERR_UPSTREAM_OVERLOADED', { upstream: { status: 529, body: { error: 'overloaded' } } });
    expect(userPresentableError(lastError, ladder).message).toBe(
      `${unavailable} (Technical detail: model "gpt-4o", 4 attempts across gpt-4o, gpt-4o-mini, tollgate-faq; ` +
        'last error TG_ERR_UPSTREAM_OVERLOADED (HTTP 503, upstream HTTP 529): upstream said TG_ERR_UPSTREAM_OVERLOADED)',
    );
  });

  it('says one attempt and no model in the singular', () => {
    const message = userPresentableError(failure('TG_ERR_INVALID_REQUEST'), { logicalModel: 'm', attempts: 1, triedModels: [] }).message;
    expect(message).toContain('model "m", 1 attempt across no model;');
  });

  it('keeps retryAfterMs and turns it into the wait the user is told', () => {
    const presented = userPresentableError(failure('TG_ERR_UPSTREAM_RATE_LIMITED', { retryAfterMs: 29_001 }), ladder);
    expect(presented.retryAfterMs).toBe(29_001);
    expect(presented.message).toMatch(/^The assistant is receiving too many requests right now\. Please try again in 30 seconds\. /);
  });

  it('speaks in minutes from two minutes on, and never says zero seconds', () => {
    expect(userPresentableError(failure('TG_ERR_UPSTREAM_OVERLOADED', { retryAfterMs: 150_000 }), ladder).message).toContain('try again in 3 minutes.');
    expect(userPresentableError(failure('TG_ERR_UPSTREAM_OVERLOADED', { retryAfterMs: 1 }), ladder).message).toContain('try again in 1 second.');
  });

  it('drops retryAfterMs from client errors, where waiting does not help', () => {
    const presented = userPresentableError(failure('TG_ERR_UPSTREAM_BAD_REQUEST', { retryAfterMs: 5_000 }), ladder);
    expect(presented.retryAfterMs).toBeUndefined();
  });

  it('keeps param, upstream details, isRetryable and the original error as cause', () => {
    const lastError = failure('TG_ERR_UPSTREAM_BAD_REQUEST', { param: 'messages', upstream: { status: 400, body: { x: 1 } } });
    const presented = userPresentableError(lastError, ladder);
    expect(presented.param).toBe('messages');
    expect(presented.upstream).toEqual({ status: 400, body: { x: 1 } });
    expect(presented.isRetryable).toBe(false);
    expect(presented.cause).toBe(lastError);
    expect(presented.toOpenAIBody().error.type).toBe('invalid_request_error');
  });
});

describe('userPresentableError: with every failure of the ladder', () => {
  const rateLimited = failure('TG_ERR_UPSTREAM_RATE_LIMITED', { isRetryable: true, retryAfterMs: 10_000 });
  const overloaded = failure('TG_ERR_UPSTREAM_OVERLOADED', { isRetryable: true });
  const miss = new NoStaticAnswerError('no FAQ entry matches the last user message');

  it('answers 429 only when every model failure was a rate limit (the FAQ miss does not count)', () => {
    const presented = userPresentableError(rateLimited, { ...ladder, failures: [rateLimited, rateLimited, miss] });
    expect(presented.status).toBe(429);
  });

  it('answers 503 when a rate limit came last but another model was down', () => {
    const presented = userPresentableError(rateLimited, { ...ladder, failures: [overloaded, rateLimited] });
    expect(presented.status).toBe(503);
    expect(presented.code).toBe('TG_ERR_UPSTREAM_RATE_LIMITED');
    expect(presented.retryAfterMs).toBe(10_000);
  });

  it('looks past the FAQ miss to the last model failure', () => {
    const presented = userPresentableError(miss, { ...ladder, failures: [overloaded, rateLimited, miss] });
    expect(presented.code).toBe('TG_ERR_UPSTREAM_RATE_LIMITED');
    expect(presented.status).toBe(503);
    expect(presented.cause).toBe(rateLimited);
    expect(presented.message).toContain('last error TG_ERR_UPSTREAM_RATE_LIMITED');
  });
});
