import type { IncomingHttpHeaders } from 'node:http';
import { TollgateError } from '../core/errors.js';

/** What a virtual key lookup answers (implemented over the key store in `sdk/`). */
export type KeyLookupResult =
  | {
      readonly ok: true;
      readonly key: {
        readonly id: string;
        readonly org: string | null;
        readonly team: string | null;
        readonly user: string | null;
        readonly allowedModels: readonly string[] | null;
      };
    }
  | { readonly ok: false; readonly reason: 'unknown' | 'revoked' | 'expired' | 'malformed' };

/** Who a request is attributed to after authentication. */
export interface AuthenticatedCaller {
  readonly virtualKeyId: string | undefined;
  readonly org: string | undefined;
  readonly team: string | undefined;
  readonly user: string | undefined;
}

export interface RequestAuthenticatorOptions {
  readonly lookup: (secret: string) => Promise<KeyLookupResult>;
  /** When false, requests without a Tollgate key pass (attributed by headers only). */
  readonly requireVirtualKey: boolean;
}

const virtualKeyPrefix = 'tg-';
const anonymous: AuthenticatedCaller = Object.freeze({ virtualKeyId: undefined, org: undefined, team: undefined, user: undefined });

/** The presented key from `Authorization: Bearer …` or `x-api-key`, if any. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && /^bearer\s+/i.test(authorization)) return authorization.replace(/^bearer\s+/i, '').trim() || undefined;
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.trim() !== '' ? apiKey.trim() : undefined;
}

/**
 * Authenticates a request by its virtual key (`tg-…`), checks the key may use the model, and says
 * who the request is attributed to. A key the gateway does not recognise is a 401 with the reason;
 * a request without a Tollgate key is a 401 only when keys are required. Never a 5xx for bad input.
 */
export function createRequestAuthenticator(options: RequestAuthenticatorOptions) {
  return async function authenticateRequest(headers: IncomingHttpHeaders, model: string): Promise<AuthenticatedCaller> {
    const secret = presentedKey(headers);
    if (secret === undefined || !secret.startsWith(virtualKeyPrefix)) {
      if (!options.requireVirtualKey) return anonymous;
      throw new TollgateError({
        code: 'TG_ERR_AUTH_REQUIRED',
        message: 'This gateway requires a virtual key: send Authorization: Bearer tg-… (create one with `tollgate keys create`).',
      });
    }
    const result = await options.lookup(secret);
    if (!result.ok) {
      const why = { unknown: 'is not known', revoked: 'was revoked', expired: 'has expired', malformed: 'is malformed' }[result.reason];
      throw new TollgateError({ code: 'TG_ERR_INVALID_API_KEY', message: `The virtual key ${why}.` });
    }
    const key = result.key;
    if (key.allowedModels !== null && !key.allowedModels.includes(model)) {
      throw new TollgateError({
        code: 'TG_ERR_MODEL_NOT_ALLOWED',
        message: `The virtual key ${key.id} may not use the model "${model}". It may use: ${key.allowedModels.join(', ') || '(none)'}.`,
        param: 'model',
      });
    }
    return { virtualKeyId: key.id, org: key.org ?? undefined, team: key.team ?? undefined, user: key.user ?? undefined };
  };
}

export type RequestAuthenticator = ReturnType<typeof createRequestAuthenticator>;
