// Differential test: thousands of random patterns from the supported grammar and random inputs,
// seeded so that every run checks the same cases, must get the answer `new RegExp(p).test(s)` gives.
import { describe, expect, it } from '@jest/globals';
import { compileRegex } from '../../plugin/protocol/linear-regex.js';

/** mulberry32: a small seeded generator, so a failure reproduces from its seed. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return function next() {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Inputs are drawn from few characters, so that random patterns match often enough to be tested
// both ways; they include each class's edge (line terminators, non-ASCII space, word characters).
const INPUT_CHARS = ['a', 'a', 'b', 'b', 'c', 'A', '0', '7', '_', '-', '.', ' ', '\n', '\t', '\u00a0', '\u2028', '\u00e9', '{', '}', ']'];
const LITERALS = ['a', 'b', 'c', 'A', '0', '_', '-', ' ', '\u00e9', '}', ']', '\\.', '\\-', '\\{', '\\n', '\\t', '\\x61', '\\u00e9', '\\/'];
const ESCAPES = ['\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '.'];
const CLASS_ITEMS = ['a', 'b', 'c', 'a-c', '0-9', 'A-Z', '_', '-', '.', ' ', '\\d', '\\w', '\\s', '\\S', '\\-', '\\]', '\\n', '\u00e9', '\\d-a', '^'];
const ASSERTIONS = ['^', '$', '\\b', '\\B'];

function generator(random: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const int = (n: number) => Math.floor(random() * n);

  function characterClass(): string {
    const items = Array.from({ length: int(4) }, () => pick(CLASS_ITEMS));
    // A leading ^ negates: keep ^ items away from the start unless negation is meant.
    if (items[0] === '^') items.push(items.shift()!);
    return `[${random() < 0.3 ? '^' : ''}${items.join('')}]`;
  }

  function quantifier(): string {
    const lazy = random() < 0.2 ? '?' : '';
    const n = int(3);
    const q = pick(['*', '+', '?', `{${n}}`, `{${n},}`, `{${n},${n + int(3)}}`]);
    return q + lazy;
  }

  function atom(depth: number): string {
    const r = random();
    if (depth > 0 && r < 0.25) return `(${pick(['', '?:', '?<g>'])}${disjunction(depth - 1)})`.replace('?<g>', `?<g${int(1e9)}>`);
    if (r < 0.5) return pick(LITERALS);
    if (r < 0.65) return pick(ESCAPES);
    return characterClass();
  }

  function term(depth: number): string {
    if (random() < 0.12) return pick(ASSERTIONS);
    const a = atom(depth);
    return random() < 0.4 ? a + quantifier() : a;
  }

  function disjunction(depth: number): string {
    const alternatives = Array.from({ length: random() < 0.3 ? 2 + int(2) : 1 }, () =>
      Array.from({ length: int(4) + (depth > 0 ? 1 : 0) }, () => term(depth)).join(''));
    return alternatives.join('|');
  }

  return {
    pattern: () => disjunction(3),
    input: () => Array.from({ length: int(10) }, () => pick(INPUT_CHARS)).join(''),
  };
}

describe('linear-time regex against RegExp.test', () => {
  it('agrees on 4,000 random patterns × 25 random inputs each (seed 16)', () => {
    const random = seeded(16);
    const gen = generator(random);
    const disagreements: { pattern: string; input: string; js: boolean }[] = [];
    let matched = 0;
    let total = 0;
    for (let i = 0; i < 4000; i++) {
      const pattern = gen.pattern();
      // Node names duplicate group names a syntax error; the generator's names are random, so a
      // clash is rare, and such a pattern is not what this test is about.
      let js: RegExp;
      try {
        js = new RegExp(pattern);
      } catch {
        continue;
      }
      const ours = compileRegex(pattern);
      for (let j = 0; j < 25; j++) {
        const input = gen.input();
        const want = js.test(input);
        total++;
        if (want) matched++;
        if (ours.test(input) !== want && disagreements.length < 10) disagreements.push({ pattern, input, js: want });
      }
    }
    expect(disagreements).toEqual([]);
    // Not a vacuous comparison: both answers are common.
    expect(total).toBeGreaterThan(95_000);
    expect(matched / total).toBeGreaterThan(0.25);
    expect(matched / total).toBeLessThan(0.75);
  });
});
