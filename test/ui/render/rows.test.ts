import { describe, expect, it } from '@jest/globals';
import { detailLines, headerPairs, isPrintableText, previewLines, shareLines } from '../../../ui/render/detail.js';
import { columnsFor, headerCells, matchesFilter, rowCells, statusCell, visibleWindow } from '../../../ui/render/rows.js';
import { DETAILED, request } from '../fixtures/events.js';

const lineOf = (c: Record<string, string>) => [c.time, c.method, c.path, c.status, c.duration, c.size, c.pod].join(' ');

describe('columnsFor', () => {
  it.each([80, 100, 120, 200])('fills exactly %p columns', (width) => {
    const c = columnsFor(width);
    expect(c.time + c.method + c.path + c.status + c.duration + c.size + c.pod + 6).toBe(width);
  });

  it('keeps every column usable on a very narrow terminal', () => {
    const c = columnsFor(30);
    expect(c.path).toBeGreaterThanOrEqual(4);
    expect(c.pod).toBeGreaterThanOrEqual(4);
  });
});

describe('rowCells', () => {
  it('formats a request into cells that fill the width exactly', () => {
    const cols = columnsFor(80);
    const e = request(3, { start: Date.UTC(2026, 0, 1, 9, 5, 7), path: '/orders/' + 'x'.repeat(100), status: 404, durationMs: 1234, bytesOut: 3400 });
    const c = rowCells(e, cols, true);
    expect(c.time).toBe('09:05:07');
    expect(c.method.trim()).toBe('GET');
    expect(c.path.endsWith('…')).toBe(true);
    expect(c.status).toBe('404');
    expect(c.duration.trim()).toBe('1.2s');
    expect(c.size.trim()).toBe('3.4kB');
    expect(lineOf(c as unknown as Record<string, string>)).toHaveLength(80);
    expect(lineOf(headerCells(cols) as unknown as Record<string, string>)).toHaveLength(80);
  });

  it.each([
    [{ status: 200 }, '200'],
    [{ status: undefined, error: 'connect ECONNREFUSED 127.0.0.1:8080' }, 'ERR'],
    [{ status: undefined }, '-'],
  ])('status cell of %p is %s', (fields, text) => {
    expect(statusCell(fields)).toBe(text);
  });

  it('shows raw TCP streams by protocol and bytes', () => {
    const c = rowCells(request(1, { protocol: 'tcp', method: undefined, path: undefined, status: undefined, bytesIn: 2048 }), columnsFor(80));
    expect(c.method.trim()).toBe('TCP');
    expect(c.path.trim()).toBe('2.0kB in');
  });
});

describe('matchesFilter', () => {
  const e = request(2, { method: 'POST', path: '/orders/7', status: 503, pod: 'orders-abc' });
  it.each([
    ['', true],
    ['post', true],
    ['/ORDERS', true],
    ['503', true],
    ['abc', true],
    ['users', false],
    ['status:5xx', true],
    ['status:50x', true],
    ['status:503', true],
    ['status:4xx', false],
    ['status:err', false],
    ['method:POST', true],
    ['method:post status:5xx', true],
    ['method:GET', false],
    ['post users', false],
  ])('filter %p keeps it: %p', (filter, kept) => {
    expect(matchesFilter(e, filter)).toBe(kept);
  });
});

describe('matchesFilter on failures and raw TCP', () => {
  it('status:err keeps the requests that got no answer; method: names a protocol without a method', () => {
    const failed = request(3, { status: undefined, error: 'reset' });
    expect(matchesFilter(failed, 'status:err')).toBe(true);
    expect(matchesFilter(failed, 'status:5xx')).toBe(false);
    expect(matchesFilter(request(4, { protocol: 'tcp', method: undefined, path: undefined, status: undefined }), 'method:tcp')).toBe(true);
  });
});

describe('visibleWindow', () => {
  it.each([
    [0, 5, undefined, { from: 0, to: 0 }],
    [3, 5, undefined, { from: 0, to: 3 }],
    [20, 5, undefined, { from: 15, to: 20 }],
    [20, 5, 19, { from: 15, to: 20 }],
    [20, 5, 0, { from: 0, to: 5 }],
    [20, 5, 10, { from: 6, to: 11 }],
    [20, 0, 3, { from: 0, to: 0 }],
  ])('%p rows in %p lines, selected %p', (count, height, selected, window) => {
    expect(visibleWindow(count, height, selected)).toEqual(window);
  });
});

describe('request detail', () => {
  it('pairs flat header lists and keeps masked values as they came', () => {
    expect(headerPairs(DETAILED.requestHeaders)).toContainEqual(['Authorization', '[masked]']);
    expect(headerPairs(['a', '1', 'dangling'])).toEqual([['a', '1']]);
    expect(headerPairs(undefined)).toEqual([]);
  });

  it.each([
    [{ text: '{"a":1}' }, 7, 40, 3, ['{', '  "a": 1', '}']],
    [{ text: '{"a":1', truncated: true as const }, 99, 40, 3, ['{"a":1', '…']],
    [{ text: '{not json', mimeType: 'application/json' }, 9, 40, 3, ['{not json']],
    [{ text: 'l1\nl2\nl3\nl4' }, 11, 40, 2, ['l1', 'l2', '…']],
    [{ text: 'abc', truncated: true as const }, 300, 40, 5, ['abc', '…']],
    [undefined, 0, 40, 5, ['(empty)']],
    [undefined, 2000, 40, 5, ['(2.0kB, no preview)']],
    [{ text: '\u0000\u0001PNG' }, 4000, 40, 5, ['(4.0kB of binary data)']],
    [{ text: 'iVBORw0KGgo=', encoding: 'base64' as const }, 4000, 40, 5, ['(4.0kB of binary data)']],
  ])('preview %p of %p bytes', (preview, bytes, width, lines, out) => {
    expect(previewLines(preview, bytes, width, lines)).toEqual(out);
  });

  it('tells text from binary', () => {
    expect(isPrintableText('héllo\n\tworld\r\n')).toBe(true);
    expect(isPrintableText('a\u0000b')).toBe(false);
  });
});

describe('detail layout', () => {
  it.each([
    [[1, 1, 1, 1], 10, [1, 1, 1, 1]],
    [[8, 1, 2, 1], 10, [6, 1, 2, 1]],
    [[8, 8, 8, 8], 10, [2, 2, 3, 3]],
    [[3, 3], 0, [0, 0]],
  ])('shares lines for needs %p in %p lines: %p', (needs, total, out) => {
    expect(shareLines(needs, total)).toEqual(out);
  });

  it('fits the panel in its height, showing how many lines were cut', () => {
    const many = { ...DETAILED, requestHeaders: Array.from({ length: 40 }, (_, i) => [`x-h${i}`, 'v']).flat() };
    const lines = detailLines(many, 60, 12, true);
    expect(lines).toHaveLength(12);
    expect(lines.map((l) => l.text)).toContain('… 39 more');
    expect(lines.every((l) => l.text.length <= 60)).toBe(true);
    expect(detailLines(DETAILED, 60, 3)).toHaveLength(3);
  });
});
