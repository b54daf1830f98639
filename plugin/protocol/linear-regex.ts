// Linear-time regular expressions for users' header and path filters: the parsed pattern becomes
// a Thompson NFA, simulated over all its states at once (no backtracking), so a test costs at most
// about 2 × states × (input length + 1) steps, whatever the pattern and the input.
import { contains, WORD, type CharSet } from './regex-charset.js';
import { parseRegex, RegexRefusal, type AssertKind, type RegexNode } from './regex-syntax.js';

export { RegexRefusal } from './regex-syntax.js';

export const MAX_PATTERN_LENGTH = 1000;
/** With the agent's input bound (8 KiB, matcher.ts) a test costs at most ~16 M steps, ~0.1 s. */
export const MAX_STATES = 1000;

const CHAR = 0;
const SPLIT = 1;
const JMP = 2;
const ASSERT = 3;
const MATCH = 4;
const ASSERT_CODES: Record<AssertKind, number> = { start: 0, end: 1, word: 2, notWord: 3 };

/** Instructions: op, and two operands (CHAR: set index; SPLIT: both targets; JMP: target; ASSERT: kind). */
interface Program {
  op: Uint8Array;
  x: Int32Array;
  y: Int32Array;
  sets: CharSet[];
}

/** Compiles a pattern (JavaScript syntax, no flags); throws a RegexRefusal saying why it cannot. */
export function compileRegex(source: string): LinearRegex {
  if (source.length > MAX_PATTERN_LENGTH) {
    throw new RegexRefusal(`the pattern is ${source.length} characters long; the limit is ${MAX_PATTERN_LENGTH}`);
  }
  const tree = parseRegex(source);
  const states = sizeOf(tree);
  if (states > MAX_STATES) {
    const shown = states > 1e6 ? 'over a million' : String(states);
    throw new RegexRefusal(`the pattern compiles to ${shown} states; the limit is ${MAX_STATES}: use smaller repeat counts ({n,m} copies what it repeats n to m times)`);
  }
  return new LinearRegex(emitProgram(tree, states + 1));
}

/** Instructions a node compiles to (as emitProgram emits them), without building them. */
function sizeOf(node: RegexNode): number {
  switch (node.type) {
    case 'chars': case 'assert': return 1;
    case 'seq': return node.items.reduce((sum, n) => sum + sizeOf(n), 0);
    case 'alt': return node.options.reduce((sum, n) => sum + sizeOf(n), 0) + 2 * (node.options.length - 1);
    case 'repeat': {
      const body = sizeOf(node.body);
      if (body === 0) return 0;
      return node.min * body + (node.max === Infinity ? body + 2 : (node.max - node.min) * (body + 1));
    }
  }
}

function emitProgram(tree: RegexNode, states: number): Program {
  const prog: Program = { op: new Uint8Array(states), x: new Int32Array(states), y: new Int32Array(states), sets: [] };
  let pc = 0;
  const emit = (op: number, x = 0, y = 0) => { prog.op[pc] = op; prog.x[pc] = x; prog.y[pc] = y; return pc++; };
  (function compile(node: RegexNode): void {
    switch (node.type) {
      case 'chars':
        prog.sets.push(node.set);
        emit(CHAR, prog.sets.length - 1);
        return;
      case 'assert':
        emit(ASSERT, ASSERT_CODES[node.kind]);
        return;
      case 'seq':
        node.items.forEach(compile);
        return;
      case 'alt': {
        const exits: number[] = [];
        node.options.forEach((option, i) => {
          const last = i === node.options.length - 1;
          const split = last ? -1 : emit(SPLIT, pc + 1);
          compile(option);
          if (last) return;
          exits.push(emit(JMP));
          prog.y[split] = pc;
        });
        for (const exit of exits) prog.x[exit] = pc;
        return;
      }
      case 'repeat': {
        if (sizeOf(node.body) === 0) return;
        for (let i = 0; i < node.min; i++) compile(node.body);
        if (node.max === Infinity) {
          const split = emit(SPLIT, pc + 1);
          compile(node.body);
          emit(JMP, split);
          prog.y[split] = pc;
        } else {
          for (let i = node.min; i < node.max; i++) {
            const split = emit(SPLIT, pc + 1);
            compile(node.body);
            prog.y[split] = pc;
          }
        }
      }
    }
  })(tree);
  emit(MATCH);
  return prog;
}

export class LinearRegex {
  /** Instructions of the program (the pattern's states and the final match). */
  readonly states: number;
  // Reused between calls: the agent is single-threaded and a test runs to its end synchronously.
  private current: Int32Array;
  private next: Int32Array;
  private stack: Int32Array;
  private onList: Uint32Array;
  private generation = 0;
  /** Steps the last follow() took. */
  private followed = 0;

  constructor(private readonly prog: Program) {
    this.states = prog.op.length;
    this.current = new Int32Array(this.states);
    this.next = new Int32Array(this.states);
    this.stack = new Int32Array(this.states);
    this.onList = new Uint32Array(this.states);
  }

  /** Same answer as `new RegExp(source).test(input)`: a match anywhere unless anchored. */
  test(input: string): boolean {
    return this.run(input).matched;
  }

  /** The answer and the steps it took (states visited plus characters tested), for tests and benchmarks. */
  run(input: string): { matched: boolean; steps: number } {
    const { op, x, sets } = this.prog;
    let steps = 0;
    let current = this.current;
    let next = this.next;
    let count = 0;
    this.newGeneration();
    for (let pos = 0; ; pos++) {
      // A search may start anywhere: a new thread at the start of the program at every position.
      const added = this.follow(0, pos, input, current, count);
      steps += this.followed;
      if (added < 0) return { matched: true, steps };
      count = added;
      if (pos === input.length) return { matched: false, steps };
      const code = input.charCodeAt(pos);
      this.newGeneration();
      let nextCount = 0;
      for (let i = 0; i < count; i++) {
        const pc = current[i];
        steps++;
        if (op[pc] !== CHAR || !contains(sets[x[pc]], code)) continue;
        nextCount = this.follow(pc + 1, pos + 1, input, next, nextCount);
        steps += this.followed;
        if (nextCount < 0) return { matched: true, steps };
      }
      [current, next] = [next, current];
      count = nextCount;
    }
  }

  private newGeneration(): void {
    if (++this.generation === 0xffffffff) {
      this.onList.fill(0);
      this.generation = 1;
    }
  }

  /**
   * Adds the CHAR states reachable from `start` without consuming input at `pos` to `list`; each
   * state at most once per position. Returns the new list length, or -1 when MATCH is reachable.
   */
  private follow(start: number, pos: number, input: string, list: Int32Array, count: number): number {
    const { op, x, y } = this.prog;
    const { stack, onList } = this;
    const gen = this.generation;
    this.followed = 0;
    if (onList[start] === gen) return count;
    onList[start] = gen;
    let sp = 0;
    stack[sp++] = start;
    while (sp > 0) {
      const pc = stack[--sp];
      this.followed++;
      let a = -1;
      let b = -1;
      switch (op[pc]) {
        case CHAR: list[count++] = pc; break;
        case MATCH: return -1;
        case JMP: a = x[pc]; break;
        case SPLIT: a = x[pc]; b = y[pc]; break;
        case ASSERT: if (holds(x[pc], input, pos)) a = pc + 1; break;
      }
      // b is pushed first so that a is followed first (the order does not change the answer).
      if (b >= 0 && onList[b] !== gen) { onList[b] = gen; stack[sp++] = b; }
      if (a >= 0 && onList[a] !== gen) { onList[a] = gen; stack[sp++] = a; }
    }
    return count;
  }
}

function isWordAt(input: string, i: number): boolean {
  return i >= 0 && i < input.length && contains(WORD, input.charCodeAt(i));
}

/** ^ and $ at the ends of the input only (no m flag); \b and \B by \w on either side. */
function holds(kind: number, input: string, pos: number): boolean {
  if (kind === ASSERT_CODES.start) return pos === 0;
  if (kind === ASSERT_CODES.end) return pos === input.length;
  const boundary = isWordAt(input, pos - 1) !== isWordAt(input, pos);
  return kind === ASSERT_CODES.word ? boundary : !boundary;
}
