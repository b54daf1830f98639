// The intercept command's option checks that need no cluster.
import { describe, expect, it } from '@jest/globals';
import { bodyBytesFor, parseTimeout, RECORD_BODY_BYTES, TUI_BODY_PREVIEW_BYTES, validateIntercept, type InterceptFlags } from '../../plugin/cli/commands/intercept-run.js';

describe('parseTimeout', () => {
  it.each([['90s', 90_000], ['5m', 300_000], ['1h', 3_600_000], ['30', 30_000], ['1.5m', 90_000], ['500ms', 500]])('%s -> %d ms', (text, ms) => {
    expect(parseTimeout(text)).toBe(ms);
  });
  it.each(['', '0', 'soon', '-5s', '5d'])('refuses %j', (text) => {
    expect(() => parseTimeout(text)).toThrow(/invalid --timeout/);
  });
});

describe('--har', () => {
  const flags = (more: Partial<InterceptFlags>) => ({ match: {}, matchGiven: false, notes: [], output: 'lines', harUnmasked: false, command: [], ...more }) as unknown as InterceptFlags;
  it('refuses --har-unmasked without a file, and an empty file name', () => {
    expect(() => validateIntercept(flags({ harUnmasked: true }))).toThrow('--har-unmasked needs --har FILE');
    expect(() => validateIntercept(flags({ har: '' }))).toThrow('--har is empty');
    expect(() => validateIntercept(flags({ har: 'x.har', harUnmasked: true }))).not.toThrow();
  });
  it('keeps bodies for what records them, none for the line printer', () => {
    expect(bodyBytesFor({ output: 'lines' }, false)).toBe(0);
    expect(bodyBytesFor({ output: 'lines' }, true)).toBe(TUI_BODY_PREVIEW_BYTES);
    expect(bodyBytesFor({ output: 'json' }, false)).toBe(RECORD_BODY_BYTES);
    expect(bodyBytesFor({ output: 'lines', har: 'x.har' }, true)).toBe(RECORD_BODY_BYTES);
  });
});
