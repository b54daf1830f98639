import { describe, expect, it } from '@jest/globals';
import { clockText, durationText, fit, sizeText, statusColour, truncate } from '../../../ui/render/format.js';
import { splitBackspaces } from '../../../ui/hooks/use-keys.js';
import { sparkline } from '../../../ui/render/sparkline.js';
import { countText, rateText, totalsText } from '../../../ui/render/totals.js';

describe('statusColour', () => {
  it.each([
    [200, undefined, 'green'],
    [204, undefined, 'green'],
    [101, undefined, 'green'],
    [301, undefined, 'cyan'],
    [404, undefined, 'yellow'],
    [499, undefined, 'yellow'],
    [500, undefined, 'red'],
    [503, undefined, 'red'],
    [undefined, undefined, 'gray'],
    [undefined, 'ECONNREFUSED', 'red'],
    [200, 'reset mid-body', 'red'],
  ] as const)('status %p error %p is %s', (status, error, colour) => {
    expect(statusColour(status, error)).toBe(colour);
  });
});

describe('durationText', () => {
  it.each([
    [0.25, '250µs'],
    [12, '12ms'],
    [12.4, '12ms'],
    [999, '999ms'],
    [1000, '1.0s'],
    [1234, '1.2s'],
    [12_345, '12s'],
    [125_000, '2m05s'],
    [-1, '-'],
    [Number.NaN, '-'],
  ])('%p ms is %s', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });
});

describe('sizeText', () => {
  it.each([
    [0, '0B'],
    [512, '512B'],
    [999, '999B'],
    [1000, '1.0kB'],
    [3400, '3.4kB'],
    [12_345, '12kB'],
    [12_000_000, '12MB'],
    [2.5e9, '2.5GB'],
  ])('%p bytes is %s', (bytes, text) => {
    expect(sizeText(bytes)).toBe(text);
  });
});

describe('truncate and fit', () => {
  it.each([
    ['/orders', 10, '/orders'],
    ['/orders/12345', 8, '/orders…'],
    ['/orders', 7, '/orders'],
    ['abc', 1, '…'],
    ['abc', 0, ''],
    ['/a\u001b[2Jb', 20, '/a?[2Jb'],
  ])('truncate(%p, %p) is %p', (text, width, out) => {
    expect(truncate(text, width)).toBe(out);
    expect(truncate(text, width).length).toBeLessThanOrEqual(Math.max(0, width));
  });

  it.each([
    ['GET', 6, 'left', 'GET   '],
    ['200', 5, 'right', '  200'],
    ['DELETE-ME', 6, 'left', 'DELET…'],
  ] as const)('fit(%p, %p, %s) is %p', (text, width, align, out) => {
    expect(fit(text, width, align)).toBe(out);
  });
});

describe('clockText', () => {
  it('prints HH:MM:SS', () => {
    expect(clockText(Date.UTC(2026, 0, 2, 3, 4, 5), true)).toBe('03:04:05');
  });
});

describe('sparkline', () => {
  it.each([
    [[0, 0, 0], 3, '▁▁▁'],
    [[1, 2, 4, 8], 4, '▂▃▅█'],
    [[5], 3, '  █'],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3, '▇▇█'],
    [[0, 1, 100], 3, '▁▂█'],
    [[3, 3], 0, ''],
  ])('%p in %p columns is %p', (values, width, out) => {
    expect(sparkline(values, width)).toBe(out);
  });
});

describe('totals', () => {
  it.each([
    [0, '0.0 req/s'],
    [0.4, '0.4 req/s'],
    [85.4, '85 req/s'],
    [1234, '1.2k req/s'],
  ])('rate %p is %s', (rate, text) => {
    expect(rateText(rate)).toBe(text);
  });

  it('says intercepted, errors, rate and what is in flight', () => {
    expect(countText(12345)).toBe('12,345');
    expect(totalsText({ intercepted: 1234, errors: 3, bytesIn: 0, bytesOut: 0 }, 85, 0)).toBe('intercepted 1,234 · errors 3 · 85 req/s');
    expect(totalsText({ intercepted: 1, errors: 0, bytesIn: 0, bytesOut: 0 }, 1, 2)).toBe('intercepted 1 · errors 0 · 1.0 req/s · in flight 2');
    expect(totalsText({ intercepted: 5, errors: 0, passedToCluster: 12_345, bytesIn: 0, bytesOut: 0 }, 1, 0)).toBe('intercepted 5 · passed to the cluster 12,345 · errors 0 · 1.0 req/s');
    expect(totalsText({ intercepted: 0, errors: 0, bytesIn: 0, bytesOut: 0, outbound: 7, outboundFailed: 2 }, 0, 0)).toBe('intercepted 0 · errors 0 · 0.0 req/s · outbound 7 (2 failed)');
  });
});

describe('splitBackspaces', () => {
  it.each([
    ['\u007f\u007f', ['\u007f', '\u007f']],
    ['ab\u007fc', ['ab', '\u007f', 'c']],
    ['abc', ['abc']],
  ])('%p', (input, parts) => {
    expect(splitBackspaces(input)).toEqual(parts);
  });
});
