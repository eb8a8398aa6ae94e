import type { IncomingHttpHeaders } from 'node:http';
import type { RequestTags } from '../core/request-context.js';
import type { RequestAuthenticator } from './authenticate-request.js';
import { readRequestTags } from './request-tags.js';

/**
 * Authenticates the request (when an authenticator is configured) and builds its attribution
 * tags: a virtual key's owner (org, team, user) wins over the `x-tollgate-*` headers, which only
 * fill what the key leaves open.
 */
export async function authenticatedTags(
  authenticate: RequestAuthenticator | undefined,
  headers: IncomingHttpHeaders,
  model: string,
  bodyUser: string | null | undefined,
  endpoint: string,
): Promise<RequestTags> {
  const tags = readRequestTags(headers, bodyUser, endpoint);
  if (authenticate === undefined) return tags;
  const caller = await authenticate(headers, model);
  return {
    ...tags,
    virtualKeyId: caller.virtualKeyId,
    org: caller.org ?? tags.org,
    team: caller.team ?? tags.team,
    user: caller.user ?? tags.user,
    keyOwner: caller.virtualKeyId === undefined ? undefined : { org: caller.org, team: caller.team, user: caller.user },
  };
}
