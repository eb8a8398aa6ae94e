/**
 * Google-shaped error replies: `{"error":{"code","message","status"[,"details"]}}`, with the
 * canonical status names the Gemini API uses (400 INVALID_ARGUMENT, 401 UNAUTHENTICATED,
 * 403 PERMISSION_DENIED, 404 NOT_FOUND, 429 RESOURCE_EXHAUSTED, 500 INTERNAL, 503 UNAVAILABLE,
 * 504 DEADLINE_EXCEEDED). A 429 carries the retry delay the way Google does, as a
 * `google.rpc.RetryInfo` detail rather than a `retry-after` header.
 */
import type { FaultErrorFamily } from './apply-fault.js';
import type { StatusErrorOptions } from './openai-error.js';
import type { ErrorReply } from './simulator-http.js';

const statusNames: ReadonlyMap<number, string> = new Map([
  [400, 'INVALID_ARGUMENT'],
  [401, 'UNAUTHENTICATED'],
  [403, 'PERMISSION_DENIED'],
  [404, 'NOT_FOUND'],
  [409, 'ABORTED'],
  [429, 'RESOURCE_EXHAUSTED'],
  [499, 'CANCELLED'],
  [500, 'INTERNAL'],
  [501, 'UNIMPLEMENTED'],
  [503, 'UNAVAILABLE'],
  [504, 'DEADLINE_EXCEEDED'],
]);

const defaultMessages: ReadonlyMap<number, string> = new Map([
  [400, 'Request contains an invalid argument.'],
  [401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.'],
  [403, 'The caller does not have permission'],
  [500, 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'],
  [503, 'The model is overloaded. Please try again later.'],
  [504, 'Deadline expired before operation could complete.'],
]);

export function geminiError(code: number, message: string, details?: readonly object[]): ErrorReply {
  const status = statusNames.get(code) ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  const error = details === undefined ? { code, message, status } : { code, message, status, details };
  return { status: code, body: { error }, headers: {} };
}

export function geminiModelNotFound(model: string, method: string, version = 'v1beta'): ErrorReply {
  return geminiError(
    404,
    `models/${model} is not found for API version ${version}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
  );
}

/** What the API answers when neither `x-goog-api-key` nor `?key=` is given. */
export function geminiMissingKey(): ErrorReply {
  return geminiError(
    403,
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  );
}

function geminiRateLimited(model: string, retryAfterSeconds: number, message: string | undefined): ErrorReply {
  return geminiError(
    429,
    message ??
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
    [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_paid_tier_requests',
            quotaId: 'GenerateRequestsPerMinutePerProjectPerModel',
            quotaDimensions: { location: 'global', model },
          },
        ],
      },
      { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfterSeconds}s` },
    ],
  );
}

export const geminiFaultErrors: FaultErrorFamily = {
  forStatus(status: number, options: StatusErrorOptions): ErrorReply {
    if (status === 404) return options.message === undefined ? geminiModelNotFound(options.model, 'generateContent') : geminiError(404, options.message);
    if (status === 429) return geminiRateLimited(options.model, options.retryAfterSeconds ?? 1, options.message);
    return geminiError(status, options.message ?? defaultMessages.get(status) ?? `Simulated upstream failure with status ${status}.`);
  },
  invalidRequest: (message) => geminiError(400, message),
};
