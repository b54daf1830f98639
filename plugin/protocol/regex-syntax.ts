// Parses the JavaScript regular expressions people write in header and path filters (no flags)
// into a tree the linear-time matcher compiles; refuses, with a reason, what it cannot run in
// linear time (backreferences, lookaround) and the rarely meant corners of the syntax.
import { classEscape, DOT, negate, normalize, type CharSet } from './regex-charset.js';

export type RegexNode =
  | { type: 'chars'; set: CharSet }
  | { type: 'seq'; items: RegexNode[] }
  | { type: 'alt'; options: RegexNode[] }
  | { type: 'repeat'; body: RegexNode; min: number; max: number }
  | { type: 'assert'; kind: AssertKind };

export type AssertKind = 'start' | 'end' | 'word' | 'notWord';

/** A pattern the matcher will not run; the message says why and what to write instead. */
export class RegexRefusal extends Error {}

const NO_LOOKAROUND = 'the agent matches in linear time, without lookahead or lookbehind: write what must match instead';
const NO_BACKREFERENCES = 'the agent matches in linear time, without backreferences: write the repeated text out';
const BRACED = /\{(\d+)(,(\d*))?\}/y;

export function parseRegex(source: string): RegexNode {
  const parser = new Parser(source);
  const tree = parser.disjunction();
  if (parser.pos < source.length) parser.fail(`unmatched ) at position ${parser.pos}`);
  return tree;
}

function single(code: number): RegexNode {
  return { type: 'chars', set: [code, code] };
}

class Parser {
  pos = 0;

  constructor(private readonly src: string) {}

  fail(reason: string): never {
    throw new RegexRefusal(reason);
  }

  disjunction(): RegexNode {
    const options = [this.alternative()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      options.push(this.alternative());
    }
    return options.length === 1 ? options[0] : { type: 'alt', options };
  }

  private alternative(): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') items.push(this.term());
    return items.length === 1 ? items[0] : { type: 'seq', items };
  }

  private term(): RegexNode {
    const at = this.pos;
    const body = this.atom();
    const count = this.quantifier();
    if (!count) return body;
    // (^)* is a group and may be repeated; a bare ^ $ \b \B may not.
    if (body.type === 'assert' && this.src[at] !== '(') this.fail(`nothing to repeat at position ${at}: an anchor or \\b cannot take a quantifier`);
    // A lazy quantifier (*? +? ?? {n,m}?) matches the same inputs: only which match differs.
    if (this.src[this.pos] === '?') this.pos++;
    return { type: 'repeat', body, ...count };
  }

  private quantifier(): { min: number; max: number } | undefined {
    const c = this.src[this.pos];
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      return { min: c === '+' ? 1 : 0, max: c === '?' ? 1 : Infinity };
    }
    const braced = c === '{' ? this.braced() : undefined;
    if (!braced) return undefined;
    this.pos = braced.end;
    if (braced.min > braced.max) this.fail(`numbers out of order in {${braced.min},${braced.max}}`);
    return { min: braced.min, max: braced.max };
  }

  /** {n}, {n,} or {n,m} at the current position; anything else there is a literal { (as in JavaScript). */
  private braced(): { min: number; max: number; end: number } | undefined {
    BRACED.lastIndex = this.pos;
    const m = BRACED.exec(this.src);
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    return { min, max, end: BRACED.lastIndex };
  }

  private atom(): RegexNode {
    const at = this.pos;
    const c = this.src[this.pos++];
    switch (c) {
      case '^': return { type: 'assert', kind: 'start' };
      case '$': return { type: 'assert', kind: 'end' };
      case '.': return { type: 'chars', set: DOT };
      case '(': return this.group();
      case '[': return { type: 'chars', set: this.characterClass() };
      case '\\': return this.atomEscape();
      case '*': case '+': case '?':
        return this.fail(`nothing to repeat at position ${at}`);
      case '{':
        this.pos = at;
        if (this.braced()) this.fail(`nothing to repeat at position ${at}`);
        this.pos = at + 1;
        return single(0x7b);
      default:
        return single(c.charCodeAt(0));
    }
  }

  private group(): RegexNode {
    const rest = this.src.slice(this.pos, this.pos + 3);
    if (rest.startsWith('?:')) this.pos += 2;
    else if (rest.startsWith('?=') || rest.startsWith('?!')) this.fail(`lookahead (${rest.slice(0, 2)} is not supported: ${NO_LOOKAROUND}`);
    else if (rest === '?<=' || rest === '?<!') this.fail(`lookbehind (${rest} is not supported: ${NO_LOOKAROUND}`);
    else if (rest.startsWith('?<')) {
      // A named group captures like ( ): the name matters only to backreferences, refused below.
      const close = this.src.indexOf('>', this.pos);
      if (close < 0) this.fail('a named group (?<name> needs its closing >');
      this.pos = close + 1;
    } else if (rest.startsWith('?')) this.fail(`(${rest.slice(0, 2)} is not supported: use ( ) or (?: ) for a group`);
    const inner = this.disjunction();
    if (this.src[this.pos] !== ')') this.fail('missing ) to close a group');
    this.pos++;
    return inner;
  }

  private atomEscape(): RegexNode {
    const c = this.src[this.pos++];
    if (c === undefined) this.fail('\\ at the end of the pattern');
    if (c === 'b') return { type: 'assert', kind: 'word' };
    if (c === 'B') return { type: 'assert', kind: 'notWord' };
    const set = classEscape(c);
    return set ? { type: 'chars', set } : single(this.characterEscape(c, false));
  }

  /** The code unit of an escape \c other than a class escape (\d \w \s ...). */
  private characterEscape(c: string, inClass: boolean): number {
    const simple = ({ t: 9, n: 10, v: 11, f: 12, r: 13 } as Record<string, number>)[c];
    if (simple !== undefined) return simple;
    if (c === 'b' && inClass) return 8;
    if (c === '0' && !/[0-9]/.test(this.src[this.pos] ?? '')) return 0;
    if (/[0-9]/.test(c)) {
      return this.fail(inClass || c === '0'
        ? `the octal escape \\${c} is not supported: write \\x followed by two hex digits`
        : `the backreference \\${c} is not supported: ${NO_BACKREFERENCES}`);
    }
    if (c === 'c') {
      const letter = this.src[this.pos];
      if (letter === undefined || !/[A-Za-z]/.test(letter)) this.fail('\\c needs a letter after it, as in \\cJ');
      this.pos++;
      return letter.charCodeAt(0) % 32;
    }
    if (c === 'x' || c === 'u') return this.hexEscape(c, c === 'x' ? 2 : 4);
    if (c === 'k') this.fail(`the named backreference \\k is not supported: ${NO_BACKREFERENCES}`);
    if (c === 'p' || c === 'P') this.fail(`\\${c}{...} (Unicode property) is not supported: use a class such as [A-Za-z]`);
    if (/[A-Za-z]/.test(c)) this.fail(`\\${c} is not a supported escape: write the character itself, or \\\\ for a backslash`);
    // Any other character escapes to itself (\. \/ \- \$ ...).
    return c.charCodeAt(0);
  }

  private hexEscape(letter: string, digits: number): number {
    const hex = this.src.slice(this.pos, this.pos + digits);
    if (hex.length !== digits || !/^[0-9A-Fa-f]+$/.test(hex)) {
      this.fail(`\\${letter} needs exactly ${digits} hex digits, as in \\${letter}${'0041'.slice(4 - digits)}`);
    }
    this.pos += digits;
    return parseInt(hex, 16);
  }

  private characterClass(): CharSet {
    const negated = this.src[this.pos] === '^';
    if (negated) this.pos++;
    const ranges: number[] = [];
    for (;;) {
      if (this.pos >= this.src.length) this.fail('missing ] to close a character class');
      if (this.src[this.pos] === ']') break;
      const from = this.classAtom();
      if (this.src[this.pos] === '-' && this.pos + 1 < this.src.length && this.src[this.pos + 1] !== ']') {
        this.pos++;
        const to = this.classAtom();
        if (from.code === undefined || to.code === undefined) {
          // As JavaScript without the u flag: [\d-z] is \d, -, and z.
          ranges.push(...from.set, ...to.set, 0x2d, 0x2d);
        } else {
          if (from.code > to.code) this.fail('range out of order in a character class');
          ranges.push(from.code, to.code);
        }
      } else {
        ranges.push(...from.set);
      }
    }
    this.pos++;
    const set = normalize(ranges);
    return negated ? negate(set) : set;
  }

  /** One character of a class, or a class escape (code undefined). */
  private classAtom(): { set: CharSet; code?: number } {
    const c = this.src[this.pos++];
    if (c !== '\\') return { set: [c.charCodeAt(0), c.charCodeAt(0)], code: c.charCodeAt(0) };
    const e = this.src[this.pos++];
    if (e === undefined) this.fail('\\ at the end of the pattern');
    const set = classEscape(e);
    if (set) return { set };
    const code = this.characterEscape(e, true);
    return { set: [code, code], code };
  }
}
