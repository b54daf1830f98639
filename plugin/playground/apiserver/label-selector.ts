// Label selectors parsed by the rules and with the texts of
// staging/src/k8s.io/apimachinery/pkg/labels/selector.go: its Lexer (special symbols
// = ! ( ) , > <, keywords in/notin), its recursive-descent Parser and NewRequirement's checks.
// kube-apiserver turns the parse error into a 400 BadRequest as it is (handlers/get.go:
// errors.NewBadRequest(err.Error()) on the ListOptions conversion).
import { isQualifiedName, isValidLabelValue } from './validation/names.js';
import { goSyntax } from './validation/field-error.js';

export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

export interface Requirement { key: string; operator: Operator; values: string[] }

export class SelectorParseError extends Error {}

enum Tok { Error, EndOfString, ClosedPar, Comma, DoesNotExist, DoubleEquals, Equals, GreaterThan, Identifier, In, LessThan, NotEquals, NotIn, OpenPar }

const string2token: Record<string, Tok> = {
  ')': Tok.ClosedPar, ',': Tok.Comma, '!': Tok.DoesNotExist, '==': Tok.DoubleEquals, '=': Tok.Equals, '>': Tok.GreaterThan,
  in: Tok.In, '<': Tok.LessThan, '!=': Tok.NotEquals, notin: Tok.NotIn, '(': Tok.OpenPar,
};
const lookupToken = (s: string): Tok | undefined => (Object.prototype.hasOwnProperty.call(string2token, s) ? string2token[s] : undefined);

const binaryOperators = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];

const isWhitespace = (ch: number): boolean => ch === 0x20 || ch === 0x09 || ch === 0x0d || ch === 0x0a;
const isSpecialSymbol = (ch: number): boolean => '=!(),><'.includes(String.fromCharCode(ch)) && ch !== 0;

interface Item { tok: Tok; literal: string }

/** The Lexer works on bytes and takes a NUL byte for the end, as Go's read() does. */
function lex(text: string): Item[] {
  const s = Buffer.from(text, 'utf8');
  let pos = 0;
  const read = (): number => (pos < s.length ? s[pos++] : 0);
  const unread = (): void => { pos--; };
  const str = (bytes: number[]): string => Buffer.from(bytes).toString('utf8');

  function scanIdOrKeyword(): Item {
    const buffer: number[] = [];
    for (;;) {
      const ch = read();
      if (ch === 0) break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        unread();
        break;
      }
      buffer.push(ch);
    }
    const literal = str(buffer);
    return { tok: lookupToken(literal) ?? Tok.Identifier, literal };
  }

  function scanSpecialSymbol(): Item {
    let last: Item | undefined;
    const buffer: number[] = [];
    for (;;) {
      const ch = read();
      if (ch === 0) break;
      if (!isSpecialSymbol(ch)) {
        unread();
        break;
      }
      buffer.push(ch);
      const tok = lookupToken(str(buffer));
      if (tok !== undefined) {
        last = { tok, literal: str(buffer) };
      } else if (last) {
        unread();
        break;
      }
    }
    return last ?? { tok: Tok.Error, literal: `error expected: keyword found '${str(buffer)}'` };
  }

  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    let item: Item;
    if (ch === 0) {
      item = { tok: Tok.EndOfString, literal: '' };
    } else {
      unread();
      item = isSpecialSymbol(ch) ? scanSpecialSymbol() : scanIdOrKeyword();
    }
    items.push(item);
    if (item.tok === Tok.EndOfString) return items;
  }
}

/** field.ErrorList.ToAggregate().Error(): one error alone, several deduplicated in brackets. */
function aggregate(errs: string[]): string {
  const unique = [...new Set(errs)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

const fail = (message: string): never => {
  throw new SelectorParseError(message);
};

/** strconv.ParseInt(v, 10, 64) succeeds. */
function isInt64(v: string): boolean {
  if (!/^[+-]?\d+$/.test(v)) return false;
  const n = BigInt(v);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/** NewRequirement's checks; the parser's path is nil, so the fields are `values[i]`. */
function newRequirement(key: string, operator: Operator, values: string[]): Requirement {
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(`key: Invalid value: ${goSyntax(key)}: ${keyErrs.join('; ')}`);
  if (operator === 'gt' || operator === 'lt') {
    values.forEach((v, i) => {
      if (!isInt64(v)) errs.push(`values[${i}]: Invalid value: ${goSyntax(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
    });
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length > 0) errs.push(`values[${i}][${key}]: Invalid value: ${goSyntax(v)}: ${valueErrs.join('; ')}`);
  });
  if (errs.length > 0) fail(aggregate(errs));
  return { key, operator, values };
}

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  /** In the Values context the keywords in/notin are plain identifiers. */
  private asValue(item: Item): Item {
    return item.tok === Tok.In || item.tok === Tok.NotIn ? { tok: Tok.Identifier, literal: item.literal } : item;
  }

  lookahead(values = true): Item {
    const item = this.items[this.position];
    return values ? this.asValue(item) : item;
  }

  consume(values = true): Item {
    const item = this.items[this.position++];
    return values ? this.asValue(item) : item;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const { tok, literal } = this.lookahead();
      if (tok === Tok.EndOfString) return requirements;
      if (tok !== Tok.Identifier && tok !== Tok.DoesNotExist) fail(`found '${literal}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.parseRequirement());
      } catch (err) {
        if (err instanceof SelectorParseError) fail(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const next = this.consume();
      if (next.tok === Tok.EndOfString) return requirements;
      if (next.tok !== Tok.Comma) fail(`found '${next.literal}', expected: ',' or 'end of string'`);
      const after = this.lookahead();
      if (after.tok !== Tok.Identifier && after.tok !== Tok.DoesNotExist) fail(`found '${after.literal}', expected: identifier after ','`);
    }
  }

  private parseRequirement(): Requirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator === 'exists' || operator === '!') return newRequirement(key, operator, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    // sets.String.List(): sorted, without duplicates.
    return newRequirement(key, op, [...new Set(values)].sort());
  }

  private parseKeyAndInferOperator(): { key: string; operator?: Operator } {
    let operator: Operator | undefined;
    let item = this.consume();
    if (item.tok === Tok.DoesNotExist) {
      operator = '!';
      item = this.consume();
    }
    if (item.tok !== Tok.Identifier) fail(`found '${item.literal}', expected: identifier`);
    const keyErrs = isQualifiedName(item.literal);
    if (keyErrs.length > 0) fail(`<nil>: Invalid value: ${goSyntax(item.literal)}: ${keyErrs.join('; ')}`);
    const next = this.lookahead().tok;
    if ((next === Tok.EndOfString || next === Tok.Comma) && operator !== '!') operator = 'exists';
    return { key: item.literal, operator };
  }

  private parseOperator(): Operator {
    const { tok, literal } = this.consume(false);
    switch (tok) {
      case Tok.In: return 'in';
      case Tok.Equals: return '=';
      case Tok.DoubleEquals: return '==';
      case Tok.GreaterThan: return 'gt';
      case Tok.LessThan: return 'lt';
      case Tok.NotIn: return 'notin';
      case Tok.NotEquals: return '!=';
      default: return fail(`found '${literal}', expected: ${binaryOperators.join(', ')}`);
    }
  }

  private parseValues(): string[] {
    const open = this.consume();
    if (open.tok !== Tok.OpenPar) fail(`found '${open.literal}' expected: '('`);
    const { tok, literal } = this.lookahead();
    if (tok === Tok.ClosedPar) {
      this.consume();
      return [''];
    }
    if (tok !== Tok.Identifier && tok !== Tok.Comma) fail(`found '${literal}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    // Go reports the literal looked at before the list, not the token found here.
    if (this.consume().tok !== Tok.ClosedPar) fail(`found '${literal}', expected: ')'`);
    return values;
  }

  private parseIdentifiersList(): string[] {
    const values: string[] = [];
    for (;;) {
      const { tok, literal } = this.consume();
      if (tok === Tok.Identifier) {
        values.push(literal);
        const next = this.lookahead();
        if (next.tok === Tok.Comma) continue;
        if (next.tok === Tok.ClosedPar) return values;
        fail(`found '${next.literal}', expected: ',' or ')'`);
      } else if (tok === Tok.Comma) {
        // "(," ",)" and ",," stand for empty values.
        if (values.length === 0) values.push('');
        const next = this.lookahead().tok;
        if (next === Tok.ClosedPar || next === Tok.Comma) values.push('');
        if (next === Tok.ClosedPar) return values;
      } else {
        fail(`found '${literal}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead().tok;
    if (next === Tok.EndOfString || next === Tok.Comma) return [''];
    const { tok, literal } = this.consume();
    if (tok === Tok.Identifier) return [literal];
    return fail(`found '${literal}', expected: identifier`);
  }
}

/** labels.Parse. */
export function parseLabelSelector(text: string | null | undefined): Requirement[] {
  if (!text) return [];
  return new Parser(lex(text)).parse().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Requirement.Matches. */
export function matchRequirements(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every(function matches(r) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const value = has ? l[r.key] : undefined;
    switch (r.operator) {
      case 'in': case '=': case '==': return has && r.values.includes(value as string);
      case 'notin': case '!=': return !has || !r.values.includes(value as string);
      case 'exists': return has;
      case '!': return !has;
      case 'gt': case 'lt': {
        if (!has || !isInt64(value as string)) return false;
        const [mine, theirs] = [BigInt(value as string), BigInt(r.values[0])];
        return r.operator === 'gt' ? mine > theirs : mine < theirs;
      }
    }
  });
}
