/**
 * Plausible values that satisfy a JSON schema: used for tool-call arguments and for
 * `response_format: json_schema`. Handles object/properties/required, string (with a few
 * name- and format-based guesses), number/integer (within minimum/maximum), boolean, null,
 * array (items, minItems), enum, const, anyOf/oneOf and type lists. Unknown shapes become strings.
 */
import type { JsonSchema } from './chat-request.js';
import type { SeededRandom } from './seeded-random.js';

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

const maximumDepth = 8;

export function generateValueForSchema(candidate: JsonSchema, random: SeededRandom, propertyName = '', depth = 0): JsonValue {
  // Schemas come from untrusted request bodies: anything that is not an object means "any".
  const schema: JsonSchema = typeof candidate === 'object' && candidate !== null ? candidate : {};
  if (schema.const !== undefined) return schema.const as JsonValue;
  if (schema.enum !== undefined && schema.enum.length > 0) return random.pick(schema.enum) as JsonValue;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined && alternatives.length > 0) {
    const nonNull = alternatives.find((alternative) => alternative.type !== 'null') ?? alternatives[0];
    if (nonNull !== undefined) return generateValueForSchema(nonNull, random, propertyName, depth);
  }
  switch (primaryType(schema)) {
    case 'object':
      return depth >= maximumDepth ? {} : generateObject(schema, random, depth);
    case 'array':
      return depth >= maximumDepth ? [] : generateArray(schema, random, propertyName, depth);
    case 'integer':
      return Math.round(generateNumber(schema, random));
    case 'number':
      return Math.round(generateNumber(schema, random) * 100) / 100;
    case 'boolean':
      return random.next() < 0.5;
    case 'null':
      return null;
    default:
      return generateString(schema, random, propertyName);
  }
}

function primaryType(schema: JsonSchema): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return schema.type.find((type) => type !== 'null') ?? schema.type[0];
  if (schema.properties !== undefined) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

function generateObject(schema: JsonSchema, random: SeededRandom, depth: number): JsonValue {
  const result: Record<string, JsonValue> = {};
  const properties = schema.properties ?? {};
  const names = new Set([...(schema.required ?? []), ...Object.keys(properties)]);
  for (const name of names) {
    result[name] = generateValueForSchema(properties[name] ?? {}, random, name, depth + 1);
  }
  return result;
}

function generateArray(schema: JsonSchema, random: SeededRandom, propertyName: string, depth: number): JsonValue {
  const length = Math.max(schema.minItems ?? 0, random.integer(1, 3));
  const items: JsonValue[] = [];
  for (let index = 0; index < length; index++) {
    items.push(generateValueForSchema(schema.items ?? { type: 'string' }, random, propertyName, depth + 1));
  }
  return items;
}

function generateNumber(schema: JsonSchema, random: SeededRandom): number {
  const minimum = schema.minimum ?? 0;
  const maximum = schema.maximum ?? Math.max(minimum + 100, 100);
  return minimum + random.next() * (maximum - minimum);
}

const cities = ['San Francisco, CA', 'Paris, France', 'Tokyo, Japan', 'Berlin, Germany', 'Toronto, Canada'];
const names = ['Alex Morgan', 'Sam Rivera', 'Jordan Lee', 'Taylor Kim'];
const words = ['steady', 'garden', 'river', 'amber', 'summit', 'harbor', 'meadow', 'signal', 'lantern', 'orchard'];

function generateString(schema: JsonSchema, random: SeededRandom, propertyName: string): string {
  const name = propertyName.toLowerCase();
  const format = schema.format ?? '';
  if (format === 'date-time') return `2025-0${random.integer(1, 9)}-1${random.integer(0, 9)}T12:00:00Z`;
  if (format === 'date' || name.endsWith('date')) return `2025-0${random.integer(1, 9)}-1${random.integer(0, 9)}`;
  if (format === 'email' || name.includes('email')) return `${random.pick(words)}@example.com`;
  if (format === 'uri' || format === 'url' || name.includes('url')) return `https://example.com/${random.pick(words)}`;
  if (name.includes('location') || name.includes('city') || name.includes('address')) return random.pick(cities);
  if (name === 'name' || name.endsWith('_name') || name.endsWith('name')) return random.pick(names);
  if (name.includes('unit')) return random.pick(['celsius', 'fahrenheit']);
  if (name === 'id' || name.endsWith('_id')) return `${random.pick(words)}_${random.integer(1000, 9999)}`;
  return `${random.pick(words)} ${random.pick(words)}`;
}
