// The linear-time matcher, table-driven: each supported construct answers as JavaScript's RegExp
// (which the table also asks, as a witness); refused patterns say why; catastrophic patterns on
// long inputs stay within 2 × states × (input length + 1) steps.
import { describe, expect, it } from '@jest/globals';
import { compileRegex, MAX_PATTERN_LENGTH, MAX_STATES, RegexRefusal } from '../../plugin/protocol/linear-regex.js';

const cases: [pattern: string, input: string, want: boolean][] = [
  ['alice', 'malice', true], ['alice', 'alic', false], ['', 'anything', true], ['', '', true],
  ['^al', 'alice', true], ['^al', 'xal', false], ['ce$', 'alice', true], ['ce$', 'alice\n', false],
  ['^alice$', 'alice', true], ['^alice$', 'alice2', false], ['a^b', 'a^b', false], ['a$b', 'a$b', false],
  ['a.c', 'abc', true], ['a.c', 'a\nc', false], ['a.c', 'a\rc', false], ['a.c', 'a\u2028c', false], ['a.c', 'a\u00e9c', true],
  ['[a-c]x', 'bx', true], ['[a-c]x', 'dx', false], ['[^a-c]x', 'dx', true], ['[^a-c]x', 'ax', false],
  ['[]', 'a', false], ['[^]', '\n', true], ['[a-]', '-', true], ['[-a]', '-', true], ['[--/]', '.', true],
  ['[\\d-z]', '-', true], ['[\\d-z]', 'y', false], ['[\\d-z]', 'z', true], ['[\\]]', ']', true], ['[\\b]', '\b', true],
  ['[.]', 'a', false], ['[$^]', '^', true], ['[\\w.-]+@', 'a.b-c@', true], ['[\\s]', '\u00a0', true], ['[\\S]', ' ', false],
  ['\\d+', 'v12', true], ['\\D', '123', false], ['\\w', '-', false], ['\\W', '-', true], ['\\s', '\t', true], ['\\S', ' \t', false],
  ['\\bcat\\b', 'a cat!', true], ['\\bcat\\b', 'concat', false], ['\\Bcat', 'concat', true], ['\\Bcat', 'cat', false], ['^\\b$', '', false], ['^\\B$', '', true],
  ['\\.', 'a.b', true], ['\\.', 'ab', false], ['\\/v1\\/', '/v1/', true], ['\\$', '$', true], ['\\-', '-', true], ['\\x41', 'A', true], ['\\u00e9', '\u00e9', true],
  ['\\t\\n\\v\\f\\r', '\t\n\v\f\r', true], ['\\0', '\0', true], ['\\cJ', '\n', true], ['\u00e9', '\u00e9', true], ['\ud83d\ude00+', '\ud83d\ude00\ude00', true],
  ['(ab)+c', 'ababc', true], ['(?:ab)+c', 'abac', false], ['(?<who>al|bo)b', 'bob', true], ['()', 'x', true], ['(|a)b', 'b', true],
  ['cat|dog', 'hotdog', true], ['^cat|dog$', 'dogs', false], ['^(cat|dog)$', 'dog', true], ['a|', 'z', true],
  ['ab*c', 'ac', true], ['ab+c', 'ac', false], ['ab?c', 'abbc', false], ['a{2}', 'ba', false], ['a{2}', 'baa', true],
  ['^a{2,}$', 'aaaa', true], ['^a{2,}$', 'a', false], ['^a{1,3}$', 'aaa', true], ['^a{1,3}$', 'aaaa', false], ['^a{0}$', '', true],
  ['^a*?$', 'aaa', true], ['^a+?b', 'aab', true], ['^a??b', 'b', true], ['^a{1,2}?$', 'aa', true], ['^a{2,}?$', 'a', false],
  ['a{', 'a{', true], ['a{,2}', 'a{,2}', true], ['x{2,1', 'x{2,1', true], ['}', '}', true], [']', ']', true], ['{a}', '{a}', true],
  ['^(a*)*$', 'aaa', true], ['^(a?)*b', 'b', true], ['(\\b|x)*y', 'y', true], ['^(?:$|a)+', '', true],
  ['^/v[0-9]+/orders$', '/v2/orders', true], ['^[0-9a-f]{8}-[0-9a-f]{4}$', 'deadbeef-0a1b', true],
];

describe('linear-time regex: same answer as RegExp.test', () => {
  it.each(cases)('%j on %j is %p', (pattern, input, want) => {
    expect(new RegExp(pattern).test(input)).toBe(want);
    expect(compileRegex(pattern).test(input)).toBe(want);
  });

  it('classifies every UTF-16 code unit for . \\d \\w \\s \\b as RegExp does', () => {
    const patterns = ['^.$', '^\\d$', '^\\w$', '^\\s$', '^\\S$', '^[^\\s]$', 'a\\b', '^[\\w\\s]$'];
    for (const p of patterns) {
      const ours = compileRegex(p);
      const theirs = new RegExp(p);
      const differs: number[] = [];
      for (let code = 0; code <= 0xffff; code++) {
        const input = p === 'a\\b' ? `a${String.fromCharCode(code)}` : String.fromCharCode(code);
        if (ours.test(input) !== theirs.test(input)) differs.push(code);
      }
      expect({ p, differs }).toEqual({ p, differs: [] });
    }
  });
});

describe('linear-time regex: refusals', () => {
  it.each([
    ['(a)\\1', /backreference \\1 is not supported.*without backreferences/],
    ['(?<n>a)\\k<n>', /named backreference \\k is not supported/],
    ['a(?=b)', /lookahead \(\?= is not supported.*linear time, without lookahead or lookbehind/],
    ['a(?!b)', /lookahead \(\?! is not supported/],
    ['(?<=a)b', /lookbehind \(\?<= is not supported/],
    ['(?<!a)b', /lookbehind \(\?<! is not supported/],
    ['\\p{L}', /\\p\{\.\.\.\} \(Unicode property\) is not supported/],
    ['\\a', /\\a is not a supported escape/],
    ['\\u{41}', /\\u needs exactly 4 hex digits/],
    ['\\x4', /\\x needs exactly 2 hex digits/],
    ['\\012', /octal escape/],
    ['[\\1]', /octal escape/],
    ['\\c1', /\\c needs a letter/],
    ['x'.repeat(MAX_PATTERN_LENGTH + 1), new RegExp(`${MAX_PATTERN_LENGTH + 1} characters long; the limit is ${MAX_PATTERN_LENGTH}`)],
    [`a{${MAX_STATES + 1}}`, new RegExp(`compiles to ${MAX_STATES + 1} states; the limit is ${MAX_STATES}`)],
    ['(a{100}){100}', /compiles to 10000 states/],
    ['a{1000000000}', /compiles to over a million states/],
  ])('refuses %j', (pattern, reason) => {
    expect(() => new RegExp(pattern)).not.toThrow();
    expect(() => compileRegex(pattern)).toThrow(RegexRefusal);
    expect(() => compileRegex(pattern)).toThrow(reason);
  });

  it('accepts a pattern at the length limit and empty repeats of any count', () => {
    expect(compileRegex('a'.repeat(MAX_PATTERN_LENGTH)).test('a'.repeat(MAX_PATTERN_LENGTH))).toBe(true);
    expect(compileRegex('^(?:){1000000000}$').test('')).toBe(true);
  });
});

describe('linear-time regex: catastrophic patterns stay linear', () => {
  const long = (n: number, unit: string, tail = '') => unit.repeat(Math.ceil(n / unit.length)).slice(0, n) + tail;
  it.each([
    ['^(a+)+$', long(100_000, 'a', '!'), false],
    ['^(a+)+$', long(100_000, 'a'), true],
    ['(a|aa)*b', long(100_000, 'a'), false],
    ['(a|aa)*b', long(100_000, 'a', 'b'), true],
    ['(.*a){20}', long(10_000, 'ab'.padEnd(600, 'b')), false],
    ['(.*a){20}', long(100_000, 'b', 'a'.repeat(20)), true],
    ['(\\w+\\s?)*$', long(100_000, 'ab ', '!'), true],
    ['^(\\w+\\s?)*$', long(100_000, 'ab ', '!'), false],
    ['^(\\d+)*$', long(50_000, '1', 'x'), false],
    ['(x+x+)+y', long(100_000, 'x'), false],
    ['^(a|a?)+$', long(100_000, 'a', 'b'), false],
    ['^([a-z]+\\.?)+@', long(100_000, 'a.'), false],
  ] as [string, string, boolean][])('%j on %d characters', (pattern, input, want) => {
    const re = compileRegex(pattern);
    const { matched, steps } = re.run(input);
    expect(matched).toBe(want);
    expect(steps).toBeLessThanOrEqual(2 * re.states * (input.length + 1));
  });

  it('takes twice the steps for twice the input', () => {
    const re = compileRegex('^(a+)+$');
    const one = re.run('a'.repeat(20_000) + '!').steps;
    const two = re.run('a'.repeat(40_000) + '!').steps;
    expect(two / one).toBeGreaterThan(1.9);
    expect(two / one).toBeLessThan(2.1);
  });
});
