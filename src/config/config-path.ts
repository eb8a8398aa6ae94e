/** A location in the parsed config: object keys and array indices, outermost first. */
export type ConfigPathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Formats a path the way people read it: `models.smart.deployments[0].provider`. Keys that are
 * not plain words (a model named `gpt-4.1`) are quoted: `models["gpt-4.1"].provider`.
 */
export function formatConfigPath(segments: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}
