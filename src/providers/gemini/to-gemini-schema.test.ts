import { describe, expect, it } from 'vitest';
import { toGeminiSchema } from './to-gemini-schema.js';

describe('toGeminiSchema', () => {
  it('keeps what Gemini accepts, recursively', () => {
    const schema = {
      type: 'object',
      description: 'An order',
      properties: {
        items: { type: 'array', minItems: 1, maxItems: 5, items: { type: 'object', properties: { sku: { type: 'string', pattern: '^[A-Z]+$' } } } },
        placed: { type: 'string', format: 'date-time' },
        quantity: { type: 'integer', format: 'int32', minimum: 1, maximum: 9 },
      },
      required: ['items'],
      propertyOrdering: ['items', 'placed', 'quantity'],
    };
    expect(toGeminiSchema(schema)).toStrictEqual({ schema, removed: [] });
  });

  it('rewrites nullable types, const and null alternatives into Gemini terms', () => {
    const { schema, removed } = toGeminiSchema({
      type: 'object',
      properties: {
        nickname: { type: ['string', 'null'] },
        id: { type: ['string', 'integer'] },
        kind: { const: 'order' },
        note: { anyOf: [{ type: 'string', maxLength: 80 }, { type: 'null' }] },
        either: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      },
    });
    expect(schema).toStrictEqual({
      type: 'object',
      properties: {
        nickname: { type: 'string', nullable: true },
        id: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
        kind: { enum: ['order'] },
        note: { nullable: true, type: 'string', maxLength: 80 },
        either: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      },
    });
    expect(removed).toStrictEqual([]);
  });

  it('removes what Gemini rejects and names each keyword once', () => {
    const { schema, removed } = toGeminiSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        email: { type: 'string', format: 'email' },
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        child: { $ref: '#/$defs/node' },
        meta: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
      },
      $defs: { node: { type: 'object' } },
      additionalProperties: false,
    });
    expect(schema).toStrictEqual({
      type: 'object',
      properties: {
        email: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
        child: {},
        meta: { type: 'object', properties: { a: { type: 'string' } } },
      },
    });
    expect(removed).toStrictEqual(['$schema', 'format: email', 'uniqueItems', '$ref', 'additionalProperties', '$defs']);
  });

  it('leaves parameters out for a function that takes no arguments', () => {
    expect(toGeminiSchema({ type: 'object', properties: {} })).toStrictEqual({ schema: undefined, removed: [] });
    expect(toGeminiSchema({ type: 'object' })).toStrictEqual({ schema: undefined, removed: [] });
    expect(toGeminiSchema(undefined)).toStrictEqual({ schema: undefined, removed: [] });
  });
});
