import { z } from 'zod';
import type { EmbeddingRequestBody } from '../core/embedding-call.js';
import { TollgateError } from '../core/errors.js';
import { describeValidationIssue } from './chat-request-schema.js';
import { parseJsonObject } from './parse-json-object.js';

/** Only the fields Tollgate reads; everything else passes through to the provider untouched. */
const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.int()).min(1), z.array(z.array(z.int()).min(1)).min(1)]),
  dimensions: z.int().min(1).optional(),
  user: z.string().optional(),
});

/** Parses and validates an embeddings body, or throws a 400 naming the field and the fix. */
export function parseEmbeddingsRequest(bytes: Buffer): EmbeddingRequestBody {
  const value = parseJsonObject(bytes, '"model" and "input"');
  const result = embeddingsRequestSchema.safeParse(value, { reportInput: true });
  if (result.success) return value as EmbeddingRequestBody;
  const { message, param } = describeValidationIssue(result.error.issues[0]);
  throw new TollgateError({
    code: 'TG_ERR_INVALID_REQUEST',
    message: param === 'input' ? `"input" must be a string, an array of strings, or an array (of arrays) of token ids.` : message,
    param,
  });
}
