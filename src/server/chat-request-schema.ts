import { z } from 'zod';
import type { ChatRequestBody } from '../core/chat-request.js';
import { TollgateError } from '../core/errors.js';
import { parseJsonObject } from './parse-json-object.js';

/**
 * A small, lenient schema of only the fields Tollgate reads. Unknown fields pass through untouched
 * to the provider (`.loose()`), and so do unknown message roles and content part types.
 */
const messageSchema = z.looseObject({
  role: z.string().min(1),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
});

const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullable().optional() }).nullable().optional(),
  n: z.int().min(1).max(128).nullable().optional(),
  max_tokens: z.int().min(1).nullable().optional(),
  max_completion_tokens: z.int().min(1).nullable().optional(),
  user: z.string().nullable().optional(),
  tools: z.array(z.looseObject({ type: z.string() })).nullable().optional(),
});

/** Parses and validates a chat-completions body, or throws a 400 naming the field and the fix. */
export function parseChatRequest(bytes: Buffer): ChatRequestBody {
  const value = parseJsonObject(bytes, '"model" and "messages"');
  const result = chatRequestSchema.safeParse(value, { reportInput: true });
  if (result.success) return value as ChatRequestBody;
  const { message, param } = describeValidationIssue(result.error.issues[0]);
  throw new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message, param });
}

/** A zod issue as a sentence naming the field, and the field's path as OpenAI's `param`. */
export function describeValidationIssue(issue: z.core.$ZodIssue | undefined): { message: string; param: string | undefined } {
  if (issue === undefined) return { message: 'The request is invalid.', param: undefined };
  const path = formatPath(issue.path);
  return { message: describeIssue(path, issue), param: path || undefined };
}

function describeIssue(path: string, issue: z.core.$ZodIssue): string {
  const where = path === '' ? 'The request' : `"${path}"`;
  if (issue.code === 'invalid_type') {
    const received = (issue as { input?: unknown }).input;
    if (received === undefined) return `${where} is required.`;
    return `${where} must be ${article(issue.expected)}, not ${describeValue(received)}.`;
  }
  if (issue.code === 'too_small') return `${where} ${issue.origin === 'array' ? 'must not be empty' : `must be at least ${String(issue.minimum)}`}.`;
  if (issue.code === 'too_big') return `${where} must be at most ${String(issue.maximum)}.`;
  return `${where}: ${issue.message}.`;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const segment of path) text += typeof segment === 'number' ? `[${segment}]` : text === '' ? String(segment) : `.${String(segment)}`;
  return text;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return article(typeof value);
}
