// The intercept command's option checks that need no cluster.
import { describe, expect, it } from '@jest/globals';
import { parseTimeout } from '../../plugin/cli/commands/intercept-run.js';

describe('parseTimeout', () => {
  it.each([['90s', 90_000], ['5m', 300_000], ['1h', 3_600_000], ['30', 30_000], ['1.5m', 90_000], ['500ms', 500]])('%s -> %d ms', (text, ms) => {
    expect(parseTimeout(text)).toBe(ms);
  });
  it.each(['', '0', 'soon', '-5s', '5d'])('refuses %j', (text) => {
    expect(() => parseTimeout(text)).toThrow(/invalid --timeout/);
  });
});
