/**
 * JSON that keeps fields holding `undefined`: plain `JSON.stringify` drops them (and turns them
 * into `null` in arrays), so a record read back would differ from the one written. Each
 * `undefined` is written as a one-field marker object and restored when parsed. An object in the
 * data shaped exactly like the marker would be read back as `undefined`.
 */
const marker = '$tollgate:undefined';

export function stringifyKeepingUndefined(value: unknown): string {
  return JSON.stringify(value, function markUndefined(_key: string, field: unknown) {
    return field === undefined ? { [marker]: true } : field;
  });
}

export function parseKeepingUndefined(text: string): unknown {
  return restoreUndefined(JSON.parse(text));
}

function restoreUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(restoreUndefined);
  if (value === null || typeof value !== 'object') return value;
  const fields = Object.entries(value);
  if (fields.length === 1 && fields[0]?.[0] === marker && fields[0][1] === true) return undefined;
  // fromEntries defines own properties, so a `__proto__` key stays data.
  return Object.fromEntries(fields.map(([key, field]) => [key, restoreUndefined(field)]));
}
