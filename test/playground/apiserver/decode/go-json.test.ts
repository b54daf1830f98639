// The JSON reader: encoding/json's syntax error texts, and what it keeps that JSON.parse loses.
import { describe, expect, it } from '@jest/globals';
import { parseGoJson } from '../../../../plugin/playground/apiserver/decode/go-json.js';

const parse = (text: string) => parseGoJson(Buffer.from(text));

describe('parseGoJson', () => {
  it.each([
    ['{"a":tx}', "invalid character 'x' in literal true (expecting 'r')"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{"a":1}}', "invalid character '}' after top-level value"],
    ['01', "invalid character '1' after top-level value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
    ['[1 2]', "invalid character '2' after array element"],
    ['1.e5', "invalid character 'e' after decimal point in numeric literal"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['"\\q"', "invalid character 'q' in string escape code"],
    ['"a\tb"', "invalid character '\\t' in string literal"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['{"a":1', 'unexpected end of JSON input'],
    ['', 'unexpected end of JSON input'],
  ])('%s: %s', (text, message) => {
    expect(() => parse(text)).toThrow(message);
  });

  it('keeps number literals, duplicate keys in order and raw text', () => {
    expect(parse('{"a": 1.0, "a": 1e3, "b": "\\u0041"}')).toEqual({
      t: 'object', raw: '{"a": 1.0, "a": 1e3, "b": "\\u0041"}',
      entries: [['a', { t: 'number', raw: '1.0' }], ['a', { t: 'number', raw: '1e3' }], ['b', { t: 'string', v: 'A', raw: '"\\u0041"' }]],
    });
  });
});
