import { createHash } from 'node:crypto';
import type { ChatRequestBody } from '../../core/chat-request.js';

/**
 * Fields that never change what the model answers: how the answer is delivered (`stream`,
 * `stream_options`) and who it is attributed to (`user`, `metadata`, `store`). Every other field,
 * known or not (tools, tool_choice, response_format, temperature, top_p, seed, stop, max_tokens,
 * n, logprobs, Anthropic extensions, …), is part of the key, so any change to it misses.
 */
const deliveryOnlyFields: ReadonlySet<string> = new Set(['stream', 'stream_options', 'user', 'metadata', 'store']);

/** JSON with object keys sorted at every depth; arrays keep their order (it is meaningful). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/** SHA-256 (hex) of the request's canonical form: the same request, however its JSON was spelled, hashes the same. */
export function canonicalRequestHash(body: ChatRequestBody): string {
  const kept = Object.fromEntries(Object.entries(body).filter(([field]) => !deliveryOnlyFields.has(field)));
  return createHash('sha256').update(canonicalJson(kept)).digest('hex');
}
