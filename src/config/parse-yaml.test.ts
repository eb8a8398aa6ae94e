import { describe, expect, it } from 'vitest';
import { parseYaml } from './parse-yaml.js';

describe('parseYaml', () => {
  it('reads ${…} references inside flow mappings, which plain YAML rejects', () => {
    const result = parseYaml('openai: { kind: openai, api_key: ${OPENAI_API_KEY}, other: "${A:-b}" }\n');
    expect(result).toEqual({ ok: true, value: { openai: { kind: 'openai', api_key: '${OPENAI_API_KEY}', other: '${A:-b}' } } });
  });

  it('keeps line and column exact for errors after a reference', () => {
    // "a: { k: " is 8 characters and "${LONG_VARIABLE_NAME}" 21, so the offending "c" is column 35.
    const result = parseYaml('a: { k: ${LONG_VARIABLE_NAME}, b: c: d }\n');
    expect(result).toEqual({ ok: false, issue: { path: 'line 1, column 35', message: expect.stringContaining('${LONG_VARIABLE_NAME}') } });
    const tab = parseYaml('a: ${X}\nproviders:\n\topenai: x\n');
    expect(tab).toEqual({ ok: false, issue: { path: 'line 3, column 1', message: expect.stringContaining('indent with spaces, not tabs') } });
  });

  it('reports a duplicate key', () => {
    const result = parseYaml('models:\n  a: x\n  a: y\n');
    expect(result).toEqual({
      ok: false,
      issue: { path: 'line 3, column 3', message: expect.stringContaining('remove or rename one of the two entries with this key') },
    });
  });

  it('reports an alias to an anchor that does not exist', () => {
    const result = parseYaml('a: *nowhere\n');
    expect(result).toMatchObject({ ok: false, issue: { path: '', message: expect.stringContaining('define each &anchor before its *alias') } });
  });

  it('keeps a __proto__ key as data, not as a prototype', () => {
    const result = parseYaml('__proto__: { polluted: true }\n');
    expect(result.ok && Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(result.ok && Object.keys(result.value as object)).toEqual(['__proto__']);
  });

  it('refuses the private-use characters it uses for masking', () => {
    expect(parseYaml('a: \uE000\n')).toMatchObject({ ok: false, issue: { path: 'line 1, column 4' } });
  });
});
