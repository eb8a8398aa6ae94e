import { z } from 'zod';
import { TollgateError } from '../../core/errors.js';
import { describeSchemaIssue } from './describe-schema-issue.js';

/**
 * A small, lenient schema of the Anthropic Messages request: only the fields the front door
 * translates are checked, every object stays loose. Content blocks are checked per type, so a bad
 * block is rejected here with its path rather than half-translated later.
 */
const cacheControlSchema = z.looseObject({ type: z.string() }).nullable().optional();

const textBlockSchema = z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: cacheControlSchema });

const imageBlockSchema = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string().min(1) }),
    z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
  ]),
  cache_control: cacheControlSchema,
});

const documentBlockSchema = z.looseObject({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('base64'), media_type: z.literal('application/pdf'), data: z.string().min(1) }),
    z.looseObject({ type: z.literal('text'), data: z.string() }),
  ]),
  title: z.string().nullable().optional(),
  cache_control: cacheControlSchema,
});

const toolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControlSchema,
});

const toolResultBlockSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlockSchema, imageBlockSchema]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControlSchema,
});

const thinkingBlockSchema = z.looseObject({ type: z.literal('thinking'), thinking: z.string() });
const redactedThinkingBlockSchema = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });

const contentBlockSchema = z.discriminatedUnion('type', [
  textBlockSchema,
  imageBlockSchema,
  documentBlockSchema,
  toolUseBlockSchema,
  toolResultBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
]);

const messageSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});

const toolSchema = z.looseObject({
  type: z.string().optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.string() }).optional(),
  strict: z.boolean().optional(),
  cache_control: cacheControlSchema,
});

const disableParallel = { disable_parallel_tool_use: z.boolean().optional() };
const toolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), ...disableParallel }),
  z.looseObject({ type: z.literal('any'), ...disableParallel }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), ...disableParallel }),
  z.looseObject({ type: z.literal('none') }),
]);

const requestFields = {
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  system: z.union([z.string(), z.array(textBlockSchema)]).optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  top_k: z.int().min(0).optional(),
  stream: z.boolean().optional(),
  metadata: z.looseObject({ user_id: z.string().nullable().optional() }).optional(),
  thinking: z.looseObject({ type: z.string(), budget_tokens: z.int().min(1).optional() }).optional(),
};

const messagesRequestSchema = z.looseObject({ ...requestFields, max_tokens: z.int().min(1) });
/** `count_tokens` takes the same body without `max_tokens`. */
const countTokensRequestSchema = z.looseObject({ ...requestFields, max_tokens: z.int().min(1).optional() });

export type AnthropicRequest = z.infer<typeof countTokensRequestSchema>;
export type AnthropicMessageParam = z.infer<typeof messageSchema>;
export type AnthropicContentBlockParam = z.infer<typeof contentBlockSchema>;
export type AnthropicToolParam = z.infer<typeof toolSchema>;
export type AnthropicToolChoiceParam = z.infer<typeof toolChoiceSchema>;
export type AnthropicTextBlockParam = z.infer<typeof textBlockSchema>;
export type AnthropicImageBlockParam = z.infer<typeof imageBlockSchema>;
export type AnthropicDocumentBlockParam = z.infer<typeof documentBlockSchema>;
export type AnthropicToolResultBlockParam = z.infer<typeof toolResultBlockSchema>;

/** The top-level fields the front door translates; any other field is ignored with a warning. */
export const translatedRequestFields: ReadonlySet<string> = new Set([...Object.keys(requestFields), 'max_tokens']);

/**
 * Parses and validates an Anthropic Messages body, or throws a 400 naming the field.
 * `requireMaxTokens` is true for `/v1/messages`, false for `/v1/messages/count_tokens`.
 */
export function parseAnthropicRequest(bytes: Uint8Array, options: { readonly requireMaxTokens: boolean }): AnthropicRequest {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new TollgateError({
      code: 'TG_ERR_INVALID_JSON',
      message: `The request body is not valid JSON (${error instanceof Error ? error.message : 'parse error'}). Send a JSON object with "model", "max_tokens" and "messages".`,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message: 'The request body must be a JSON object with "model", "max_tokens" and "messages".' });
  }
  const schema = options.requireMaxTokens ? messagesRequestSchema : countTokensRequestSchema;
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const problem = issue === undefined ? { path: '', message: 'The request is invalid.' } : describeSchemaIssue(issue);
  throw new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message: problem.message, param: problem.path || undefined });
}
