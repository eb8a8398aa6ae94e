import { hash } from 'node:crypto';
import type { ChatRequestBody } from '../../core/chat-request.js';

/** The request header a client may set to keep its conversation on one deployment. */
export const sessionHeader = 'x-tollgate-session';

/** How many characters of the prompt's start a prefix sticky key covers by default. */
export const defaultPrefixChars = 2_000;

export type StickinessBy = 'session' | 'prefix';

export interface StickyKeySource {
  /** The client's session id, e.g. the `x-tollgate-session` header. */
  readonly sessionId?: string | undefined;
  readonly body: ChatRequestBody;
  /** Who is asking (tenant, API key id), so two tenants' equal session ids or prompts never share an assignment. */
  readonly scope?: string | undefined;
}

/** Deeper nesting than this in tools or content is not hashed (it is never the stable prefix anyway). */
const maxDepth = 16;

/**
 * A key for sticky routing, scoped to the logical model (`body.model`) and `scope`, hashed with
 * SHA-1 so an entry costs the same whatever the client sent.
 *
 * - `session`: the session id; `undefined` when the request has none (or an empty one).
 * - `prefix`: the first `prefixChars` characters of the prompt in the order providers cache it:
 *   leading system/developer messages, then the tools, then the other messages. Requests sharing
 *   a long stable prefix get the same key, so they reach the deployment whose prompt cache holds it.
 */
export function stickyKeyFor(source: StickyKeySource, by: StickinessBy, prefixChars: number = defaultPrefixChars): string | undefined {
  const scopeAndModel = `${source.scope ?? ''}\u0000${source.body.model}\u0000`;
  if (by === 'session') {
    if (source.sessionId === undefined || source.sessionId === '') return undefined;
    return `session:${hash('sha1', scopeAndModel + source.sessionId, 'base64url')}`;
  }
  if (!Number.isSafeInteger(prefixChars) || prefixChars < 1) {
    throw new RangeError(`prefixChars must be a positive integer, got ${prefixChars}`);
  }
  return `prefix:${hash('sha1', scopeAndModel + promptPrefix(source.body, prefixChars), 'base64url')}`;
}

interface PrefixBuffer {
  text: string;
  remaining: number;
}

/** The prompt's first `limit` characters, walked without serialising anything past the limit. */
function promptPrefix(body: ChatRequestBody, limit: number): string {
  const buffer: PrefixBuffer = { text: '', remaining: limit };
  const { messages } = body;
  let index = 0;
  for (; index < messages.length; index++) {
    const message = messages[index];
    if (message === undefined || (message.role !== 'system' && message.role !== 'developer')) break;
    appendValue(buffer, message, 0);
  }
  if (body.tools !== undefined && body.tools !== null) appendValue(buffer, body.tools, 0);
  for (; index < messages.length && buffer.remaining > 0; index++) appendValue(buffer, messages[index], 0);
  return buffer.text;
}

function appendValue(buffer: PrefixBuffer, value: unknown, depth: number): void {
  if (buffer.remaining <= 0 || depth > maxDepth) return;
  if (typeof value === 'string') {
    appendText(buffer, value);
    appendText(buffer, '\u0001');
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    appendText(buffer, `${value}\u0001`);
  } else if (value === null) {
    appendText(buffer, 'null\u0001');
  } else if (Array.isArray(value)) {
    appendText(buffer, '[');
    for (const item of value) {
      if (buffer.remaining <= 0) return;
      appendValue(buffer, item, depth + 1);
    }
    appendText(buffer, ']');
  } else if (typeof value === 'object') {
    appendText(buffer, '{');
    for (const [field, fieldValue] of Object.entries(value)) {
      if (buffer.remaining <= 0) return;
      if (fieldValue === undefined) continue;
      appendText(buffer, `${field}:`);
      appendValue(buffer, fieldValue, depth + 1);
    }
    appendText(buffer, '}');
  }
}

function appendText(buffer: PrefixBuffer, text: string): void {
  if (buffer.remaining <= 0) return;
  const taken = text.length > buffer.remaining ? text.slice(0, buffer.remaining) : text;
  buffer.text += taken;
  buffer.remaining -= taken.length;
}
