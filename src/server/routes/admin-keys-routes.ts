import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import { TollgateError, toTollgateError } from '../../core/errors.js';
import { describeValidationIssue } from '../chat-request-schema.js';
import { parseJsonObject } from '../parse-json-object.js';
import { readRequestBody } from '../read-request-body.js';
import { writeErrorResponse } from '../write-error.js';

/** A key as the admin API shows it: never the secret, never its hash. */
export interface AdministeredKey {
  readonly id: string;
  readonly prefix: string;
  readonly name: string | null;
  readonly org: string | null;
  readonly team: string | null;
  readonly user: string | null;
  readonly allowedModels: readonly string[] | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly expiresAt: number | null;
  readonly createdAt: number;
  readonly revokedAt: number | null;
  /** The key's own budgets and rate limits, as given at creation. */
  readonly budgets: readonly unknown[];
  readonly rateLimits: readonly unknown[];
}

export interface NewAdministeredKey {
  readonly name: string | null;
  readonly org: string | null;
  readonly team: string | null;
  readonly user: string | null;
  readonly allowedModels: readonly string[] | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly expiresAt: number | null;
  /** Validated where keys are stored (see `validateKeyLimits` in sdk/): a 400 names the bad field. */
  readonly budgets?: unknown;
  readonly rateLimits?: unknown;
}

/** What the admin API needs from the key store (wired in `sdk/`). */
export interface KeyAdministration {
  create(key: NewAdministeredKey): Promise<{ readonly key: AdministeredKey; readonly secret: string }>;
  list(): Promise<readonly AdministeredKey[]>;
  revoke(id: string): Promise<boolean>;
}

const createKeySchema = z.strictObject({
  name: z.string().min(1).optional(),
  org: z.string().min(1).optional(),
  team: z.string().min(1).optional(),
  user: z.string().min(1).optional(),
  allowed_models: z.union([z.array(z.string().min(1)), z.null()]),
  tags: z.record(z.string(), z.string()).optional(),
  expires_at: z.string().datetime({ offset: true }).optional(),
  budgets: z.unknown().optional(),
  rate_limits: z.unknown().optional(),
});

/** True when the request carries the master key (`Authorization: Bearer …`), compared in constant time. */
export function hasMasterKey(request: IncomingMessage, masterKey: string | undefined): boolean {
  if (masterKey === undefined) return false;
  const presented = /^bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim() ?? '';
  const expected = Buffer.from(masterKey);
  const actual = Buffer.from(presented);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * `/admin/keys` behind the master key: `POST` creates a key and shows its secret once, `GET`
 * lists keys (never secrets or hashes), `DELETE /admin/keys/{id}` revokes.
 */
export function adminKeysRoute(options: { readonly administration: KeyAdministration; readonly masterKey: string | undefined; readonly clock: Clock; readonly maxBodyBytes: number }) {
  return async function adminKeys(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      if (options.masterKey === undefined) {
        request.resume();
        throw new TollgateError({ code: 'TG_ERR_ADMIN_AUTH', message: 'The admin API is off: set auth.master_key in the config to use it.', status: 403 });
      }
      if (!hasMasterKey(request, options.masterKey)) {
        request.resume();
        throw new TollgateError({ code: 'TG_ERR_ADMIN_AUTH', message: 'The admin API needs the master key: Authorization: Bearer <auth.master_key>.' });
      }
      const path = (request.url ?? '').split('?')[0] ?? '';
      if (request.method === 'GET' && path === '/admin/keys') {
        writeJson(response, 200, { object: 'list', data: await options.administration.list() });
      } else if (request.method === 'POST' && path === '/admin/keys') {
        const body = parseJsonObject(await readRequestBody(request, options.maxBodyBytes), '"allowed_models" (a list, or null for every model)');
        const parsed = createKeySchema.safeParse(body, { reportInput: true });
        if (!parsed.success) {
          const { message, param } = describeValidationIssue(parsed.error.issues[0]);
          throw new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message, param });
        }
        const input = parsed.data;
        const created = await options.administration.create({
          name: input.name ?? null,
          org: input.org ?? null,
          team: input.team ?? null,
          user: input.user ?? null,
          allowedModels: input.allowed_models,
          tags: input.tags ?? {},
          expiresAt: input.expires_at === undefined ? null : Date.parse(input.expires_at),
          budgets: input.budgets,
          rateLimits: input.rate_limits,
        });
        writeJson(response, 201, { key: created.secret, ...created.key, note: 'The key is shown only now; store it safely.' });
      } else if (request.method === 'DELETE' && path.startsWith('/admin/keys/')) {
        const id = decodeURIComponent(path.slice('/admin/keys/'.length));
        if (!(await options.administration.revoke(id))) throw new TollgateError({ code: 'TG_ERR_NOT_FOUND', message: `No virtual key with id "${id}".` });
        writeJson(response, 200, { id, revoked: true });
      } else {
        request.resume();
        throw new TollgateError({ code: 'TG_ERR_METHOD_NOT_ALLOWED', message: 'Use GET or POST /admin/keys, or DELETE /admin/keys/{id}.' });
      }
    } catch (error) {
      writeErrorResponse(response, toTollgateError(error));
    }
  };
}

function writeJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  response.end(body);
}
