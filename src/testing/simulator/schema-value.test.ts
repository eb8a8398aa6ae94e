import { describe, expect, it } from 'vitest';
import { generateValueForSchema } from './schema-value.js';
import { createSeededRandom } from './seeded-random.js';

describe('generateValueForSchema', () => {
  it('satisfies nested objects, arrays, enums and bounds', () => {
    const value = generateValueForSchema(
      {
        type: 'object',
        properties: {
          city: { type: 'string' },
          count: { type: 'integer', minimum: 3, maximum: 4 },
          mode: { enum: ['a', 'b'] },
          list: { type: 'array', items: { type: 'number' }, minItems: 4 },
          nested: { type: 'object', properties: { flag: { type: 'boolean' } }, required: ['flag'] },
          maybe: { anyOf: [{ type: 'null' }, { type: 'string', format: 'date' }] },
          kind: { const: 'fixed' },
        },
        required: ['city', 'extra'],
      },
      createSeededRandom(3),
    ) as Record<string, unknown>;
    expect(value.city).toMatch(/, /);
    expect([3, 4]).toContain(value.count);
    expect(['a', 'b']).toContain(value.mode);
    expect((value.list as unknown[]).length).toBeGreaterThanOrEqual(4);
    expect(typeof (value.nested as { flag: unknown }).flag).toBe('boolean');
    expect(value.maybe).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(value.kind).toBe('fixed');
    expect(typeof value.extra).toBe('string');
  });

  it('is deterministic for a seed and tolerates non-object schemas', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' }, b: { type: 'string' } } };
    expect(generateValueForSchema(schema, createSeededRandom(9))).toEqual(generateValueForSchema(schema, createSeededRandom(9)));
    expect(typeof generateValueForSchema({ type: 'array', items: null as never }, createSeededRandom(1))).toBe('object');
  });
});
