import { TollgateError } from '../core/errors.js';

/**
 * Parses a request body that must be a JSON object, or throws a 400 that says what to send
 * (`requiredFields`, e.g. `"model" and "messages"`).
 */
export function parseJsonObject(bytes: Buffer, requiredFields: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new TollgateError({
      code: 'TG_ERR_INVALID_JSON',
      message: `The request body is not valid JSON (${error instanceof Error ? error.message : 'parse error'}). Send a JSON object with ${requiredFields}.`,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message: `The request body must be a JSON object with ${requiredFields}.` });
  }
  return value as Record<string, unknown>;
}
