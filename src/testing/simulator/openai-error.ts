/**
 * OpenAI-shaped error responses: `{"error":{"message","type","param","code"}}`.
 * Messages, types and codes follow what api.openai.com returns for each class.
 */
export interface OpenAiErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string | null;
  };
}

export interface SimulatorError {
  readonly status: number;
  readonly body: OpenAiErrorBody;
  readonly headers: Readonly<Record<string, string>>;
}

export interface SimulatorErrorDetails {
  readonly type?: string;
  readonly param?: string | null;
  readonly code?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

export function simulatorError(status: number, message: string, details: SimulatorErrorDetails = {}): SimulatorError {
  return {
    status,
    body: {
      error: {
        message,
        type: details.type ?? 'invalid_request_error',
        param: details.param ?? null,
        code: details.code ?? null,
      },
    },
    headers: details.headers ?? {},
  };
}

export function modelNotFoundError(model: string): SimulatorError {
  return simulatorError(404, `The model \`${model}\` does not exist or you do not have access to it.`, {
    type: 'invalid_request_error',
    code: 'model_not_found',
  });
}

export function invalidApiKeyError(): SimulatorError {
  return simulatorError(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    { type: 'invalid_request_error', code: 'invalid_api_key' },
  );
}

export interface StatusErrorOptions {
  readonly model: string;
  readonly retryAfterSeconds?: number;
  readonly message?: string;
}

/**
 * The error a real provider would send for an injected HTTP status, including the
 * rate-limit headers for 429 (`retry-after`, `retry-after-ms`, `x-ratelimit-*`).
 */
export function errorForStatus(status: number, options: StatusErrorOptions): SimulatorError {
  const { model, message } = options;
  switch (status) {
    case 400:
      return simulatorError(400, message ?? 'Invalid request (injected by the simulator).', { type: 'invalid_request_error' });
    case 401:
      return simulatorError(401, message ?? 'Incorrect API key provided: sk-sim***. You can find your API key at https://platform.openai.com/account/api-keys.', {
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      });
    case 403:
      return simulatorError(403, message ?? 'You are not allowed to sample from this model', { type: 'invalid_request_error' });
    case 404:
      return modelNotFoundError(model);
    case 429:
      return rateLimitError(model, options.retryAfterSeconds ?? 1, message);
    case 500:
      return simulatorError(500, message ?? 'The server had an error while processing your request. Sorry about that!', { type: 'server_error' });
    case 503:
      return simulatorError(
        503,
        message ?? 'That model is currently overloaded with other requests. You can retry your request, or contact us through our help center at help.openai.com if the error persists.',
        { type: 'server_error' },
      );
    default:
      return simulatorError(status, message ?? `Simulated upstream failure with status ${status}.`, {
        type: status >= 500 ? 'server_error' : 'invalid_request_error',
      });
  }
}

function rateLimitError(model: string, retryAfterSeconds: number, message: string | undefined): SimulatorError {
  const retryAfterMs = Math.round(retryAfterSeconds * 1000);
  return simulatorError(
    429,
    message ??
      `Rate limit reached for ${model} in organization org-simulator on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${retryAfterMs}ms. Visit https://platform.openai.com/account/rate-limits to learn more.`,
    {
      type: 'requests',
      code: 'rate_limit_exceeded',
      headers: {
        'retry-after': String(Math.max(0, Math.ceil(retryAfterSeconds))),
        'retry-after-ms': String(retryAfterMs),
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-limit-tokens': '30000',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-requests': `${retryAfterMs}ms`,
        'x-ratelimit-reset-tokens': `${retryAfterMs}ms`,
      },
    },
  );
}
