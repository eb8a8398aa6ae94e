/**
 * Anthropic-shaped error replies: `{"type":"error","error":{"type","message"},"request_id"}`
 * plus the `request-id` header, with the error type Anthropic's API documents for each status
 * (400 invalid_request_error, 401 authentication_error, 402 billing_error, 403 permission_error,
 * 404 not_found_error, 413 request_too_large, 429 rate_limit_error, 500 api_error,
 * 504 timeout_error, 529 overloaded_error).
 */
import type { FaultErrorFamily } from './apply-fault.js';
import { randomIdentifier } from './completion-plan.js';
import type { StatusErrorOptions } from './openai-error.js';
import type { SeededRandom } from './seeded-random.js';
import type { ErrorReply } from './simulator-http.js';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

export interface AnthropicErrors extends FaultErrorFamily {
  /** Any Anthropic error; `headers` are added to `request-id`. */
  reply(status: number, type: AnthropicErrorType, message: string, headers?: Readonly<Record<string, string>>): ErrorReply;
  /** A fresh `req_…` id, shared by the body's `request_id` and the `request-id` header. */
  requestId(): string;
}

const statusTypes: ReadonlyMap<number, AnthropicErrorType> = new Map([
  [400, 'invalid_request_error'],
  [401, 'authentication_error'],
  [402, 'billing_error'],
  [403, 'permission_error'],
  [404, 'not_found_error'],
  [413, 'request_too_large'],
  [429, 'rate_limit_error'],
  [500, 'api_error'],
  [504, 'timeout_error'],
  [529, 'overloaded_error'],
]);

const defaultMessages: Readonly<Partial<Record<AnthropicErrorType, string>>> = {
  invalid_request_error: 'Invalid request (injected by the simulator).',
  authentication_error: 'invalid x-api-key',
  billing_error: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  api_error: 'Internal server error',
  timeout_error: 'Request timed out',
  overloaded_error: 'Overloaded',
};

/** `random` stamps request ids; `now` dates the `anthropic-ratelimit-*-reset` headers of a 429. */
export function createAnthropicErrors(random: SeededRandom, now: () => number): AnthropicErrors {
  function requestId(): string {
    return `req_011C${randomIdentifier(random, 20)}`;
  }
  function reply(status: number, type: AnthropicErrorType, message: string, headers: Readonly<Record<string, string>> = {}): ErrorReply {
    const id = requestId();
    return { status, body: { type: 'error', error: { type, message }, request_id: id }, headers: { ...headers, 'request-id': id } };
  }
  function forStatus(status: number, options: StatusErrorOptions): ErrorReply {
    const type = statusTypes.get(status) ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    if (type === 'not_found_error') return reply(status, type, options.message ?? `model: ${options.model}`);
    if (type === 'rate_limit_error') return rateLimited(options);
    return reply(status, type, options.message ?? defaultMessages[type] ?? `Simulated upstream failure with status ${status}.`);
  }
  function rateLimited(options: StatusErrorOptions): ErrorReply {
    const retryAfterSeconds = options.retryAfterSeconds ?? 1;
    const reset = new Date(now() + retryAfterSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const message =
      options.message ??
      'This request would exceed the rate limit for your organization (org-simulator) of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.';
    return reply(429, 'rate_limit_error', message, {
      'retry-after': String(Math.max(0, Math.ceil(retryAfterSeconds))),
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': reset,
    });
  }
  return {
    reply,
    requestId,
    forStatus,
    invalidRequest: (message) => reply(400, 'invalid_request_error', message),
  };
}
