import type { IncomingHttpHeaders } from 'node:http';
import type { RequestTags } from '../core/request-context.js';

const maxTagLength = 256;

/** Attribution tags from `x-tollgate-user|team|feature` headers; the OpenAI `user` field fills `user`. */
export function readRequestTags(headers: IncomingHttpHeaders, bodyUser: string | null | undefined, endpoint: string): RequestTags {
  return {
    virtualKeyId: undefined,
    org: undefined,
    team: readTag(headers['x-tollgate-team']),
    user: readTag(headers['x-tollgate-user']) ?? readTag(bodyUser ?? undefined),
    feature: readTag(headers['x-tollgate-feature']),
    endpoint,
    session: readTag(headers['x-tollgate-session']),
  };
}

function readTag(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, maxTagLength);
}
