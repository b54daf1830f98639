// metav1.Time and MicroTime parsing and output, table-driven against Go's time.Parse texts.
import { describe, expect, it } from '@jest/globals';
import { formatGoTime, goParseTime, RFC3339, RFC3339Micro } from '../../../../plugin/playground/apiserver/decode/go-time.js';

const micro = (v: string): string | null => formatGoTime(goParseTime(RFC3339Micro, v), true);
const time = (v: string): string | null => formatGoTime(goParseTime(RFC3339, v), false);

describe('MicroTime (RFC3339 with exactly six fractional digits)', () => {
  it.each([
    ['milliseconds', '2026-12-02T17:26:14.592Z', 'cannot parse ".592Z" as ".000000"'],
    ['whole seconds', '2026-12-02T17:26:14Z', 'cannot parse "Z" as ".000000"'],
    ['nanoseconds', '2026-12-02T17:26:14.592123456Z', 'cannot parse "456Z" as "Z07:00"'],
    ['garbage', 'yesterday', 'cannot parse "yesterday" as "2006"'],
    ['a date only', '2026-12-02', 'cannot parse "" as "T"'],
    ['a space for T', '2026-12-02 17:26:14.592000Z', 'cannot parse " 17:26:14.592000Z" as "T"'],
    ['an empty string', '', 'cannot parse "" as "2006"'],
  ])('refuses %s with time.Parse\'s text', (_name, value, elem) => {
    expect(() => micro(value)).toThrow(`parsing time "${value}" as "2006-01-02T15:04:05.000000Z07:00": ${elem}`);
  });

  it.each([
    ['2026-13-02T17:26:14.592000Z', 'month out of range'],
    ['2026-02-30T17:26:14.592000Z', 'day out of range'],
    ['2026-12-02T24:26:14.592000Z', 'hour out of range'],
    ['2026-12-02T17:26:14.592000Zjunk', 'extra text: "junk"'],
  ])('refuses %s: %s', (value, message) => {
    expect(() => micro(value)).toThrow(`parsing time "${value}": ${message}`);
  });

  it('writes UTC with six digits, converting an offset', () => {
    expect(micro('2026-12-02T17:26:14.592000Z')).toBe('2026-12-02T17:26:14.592000Z');
    expect(micro('2026-12-02T18:26:14.000001+01:00')).toBe('2026-12-02T17:26:14.000001Z');
    expect(micro('2024-02-29T23:59:59.999999-00:30')).toBe('2024-03-01T00:29:59.999999Z');
  });

  it('writes the zero time as null', () => {
    expect(micro('0001-01-01T00:00:00.000000Z')).toBeNull();
  });
});

describe('Time (RFC3339, whole seconds on output)', () => {
  it('takes fractions and offsets, and truncates to the second', () => {
    expect(time('2026-12-02T17:26:14.592Z')).toBe('2026-12-02T17:26:14Z');
    expect(time('2026-12-02T17:26:14.999999999+02:00')).toBe('2026-12-02T15:26:14Z');
    expect(time('2026-12-02T17:26:14Z')).toBe('2026-12-02T17:26:14Z');
  });

  it('refuses what time.RFC3339 does not parse', () => {
    expect(() => time('2026-12-02T17:26Z')).toThrow('parsing time "2026-12-02T17:26Z" as "2006-01-02T15:04:05Z07:00": cannot parse "Z" as ":"');
    expect(() => time('2026-12-02T17:26:14')).toThrow('parsing time "2026-12-02T17:26:14" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"');
  });
});
