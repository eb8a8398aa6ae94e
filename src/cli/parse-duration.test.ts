import { describe, expect, it } from 'vitest';
import { parseTimeArgument } from './parse-duration.js';

describe('parseTimeArgument', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  it('reads ages before now', () => {
    expect(parseTimeArgument('24h', now, '--since')).toBe(Date.parse('2026-11-21T12:00:00Z'));
    expect(parseTimeArgument('7d', now, '--since')).toBe(Date.parse('2026-11-15T12:00:00Z'));
    expect(parseTimeArgument('30m', now, '--since')).toBe(Date.parse('2026-11-22T11:30:00Z'));
  });
  it('reads ISO dates as UTC', () => {
    expect(parseTimeArgument('2026-11-01', now, '--since')).toBe(Date.parse('2026-11-01T00:00:00Z'));
  });
  it('names the flag and the fix for bad input', () => {
    expect(() => parseTimeArgument('yesterday', now, '--since')).toThrow(/--since: cannot read "yesterday".*24h/);
  });
});
