/**
 * Function parameters go to Gemini as its `Schema`: a subset of OpenAPI 3.0, not full JSON Schema
 * (https://ai.google.dev/api/caching#Schema). This keeps what Gemini accepts, rewrites what has a
 * faithful equivalent, and removes the rest, naming every removed keyword so the caller can warn.
 *
 * Kept: type, format (only `enum`, `date-time`, `float`, `double`, `int32`, `int64`), title,
 * description, nullable, enum, items, properties, required, minItems, maxItems, minLength,
 * maxLength, pattern, minimum, maximum, minProperties, maxProperties, anyOf, propertyOrdering,
 * default, example.
 * Rewritten: `type: [T, 'null']` → `type: T, nullable: true`; `type: [A, B]` → `anyOf`;
 * `anyOf: [..., {type: 'null'}]` → `nullable: true`; `const: v` → `enum: [v]`.
 * Removed (and reported): everything else, e.g. `additionalProperties`, `$schema`, `$ref`, `$defs`,
 * `oneOf`, `allOf`, `not`, `exclusiveMinimum`, `multipleOf`, `uniqueItems`, other `format`s.
 */

const keptKeywords: ReadonlySet<string> = new Set([
  'title',
  'description',
  'nullable',
  'enum',
  'required',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'minProperties',
  'maxProperties',
  'propertyOrdering',
  'default',
  'example',
]);

const keptFormats: ReadonlySet<string> = new Set(['enum', 'date-time', 'float', 'double', 'int32', 'int64']);

export interface GeminiSchemaResult {
  /** `undefined` when the function takes no arguments (Gemini rejects an OBJECT with no properties). */
  readonly schema: Record<string, unknown> | undefined;
  /** Removed keywords, e.g. `additionalProperties`, `format: uri`; each named once. */
  readonly removed: readonly string[];
}

export function toGeminiSchema(jsonSchema: unknown): GeminiSchemaResult {
  const removed = new Set<string>();
  if (jsonSchema === undefined || jsonSchema === null) return { schema: undefined, removed: [] };
  const schema = convert(jsonSchema, removed);
  const properties = schema['properties'];
  const takesNoArguments =
    schema['type'] === 'object' && (typeof properties !== 'object' || properties === null || Object.keys(properties).length === 0);
  return { schema: takesNoArguments ? undefined : schema, removed: [...removed] };
}

function convert(node: unknown, removed: Set<string>): Record<string, unknown> {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    removed.add(`schema ${JSON.stringify(node)}`);
    return {};
  }
  const result: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(node as Record<string, unknown>)) {
    if (keptKeywords.has(keyword)) result[keyword] = value;
    else if (keyword === 'type') convertType(value, result);
    else if (keyword === 'format') {
      if (typeof value === 'string' && keptFormats.has(value)) result['format'] = value;
      else removed.add(`format: ${String(value)}`);
    } else if (keyword === 'const') result['enum'] = [value];
    else if (keyword === 'items') result['items'] = convert(value, removed);
    else if (keyword === 'properties' && typeof value === 'object' && value !== null) {
      result['properties'] = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, convert(property, removed)]));
    } else if (keyword === 'anyOf' && Array.isArray(value)) convertAnyOf(value, result, removed);
    else removed.add(keyword);
  }
  return result;
}

function convertType(value: unknown, result: Record<string, unknown>): void {
  if (!Array.isArray(value)) {
    result['type'] = value;
    return;
  }
  const types = value.filter((type) => type !== 'null');
  if (types.length < value.length) result['nullable'] = true;
  if (types.length === 1) result['type'] = types[0];
  else if (types.length > 1) result['anyOf'] = types.map((type) => ({ type }));
}

function convertAnyOf(options: unknown[], result: Record<string, unknown>, removed: Set<string>): void {
  const isNull = (option: unknown) => typeof option === 'object' && option !== null && (option as { type?: unknown }).type === 'null';
  const rest = options.filter((option) => !isNull(option));
  if (rest.length < options.length) result['nullable'] = true;
  if (rest.length === 1) Object.assign(result, convert(rest[0], removed));
  else if (rest.length > 1) result['anyOf'] = rest.map((option) => convert(option, removed));
}
