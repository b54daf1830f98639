// A warning per request is printed once, then summed up per window; a quiet window resets it.
import { describe, expect, it } from '@jest/globals';
import { RepeatedWarnings } from '../../../plugin/cli/render/repeated-warnings.js';

const unreachable = (pod: string) => ({
  type: 'warning' as const, code: 'local-unreachable', pod,
  message: "kubectl-intercept: nothing answered at 127.0.0.1:45555 on the developer's machine (connect ECONNREFUSED 127.0.0.1:45555). Start the local process or check --port; the intercept stays up.",
});

describe('RepeatedWarnings', () => {
  it('prints the first, counts the rest across pods, and summarises each window', () => {
    let now = 0;
    const out: string[] = [];
    const r = new RepeatedWarnings((t) => out.push(t), () => now);
    r.warning(unreachable('a'), 'first line\n');
    for (let i = 0; i < 57; i++) r.warning(unreachable(i % 2 ? 'a' : 'b'), 'again\n');
    r.warning({ type: 'warning', code: 'tunnel-failed', message: 'other' }, 'other line\n');
    now = 10_000;
    r.summarise();
    expect(out).toEqual([
      'first line\n',
      'other line\n',
      "warning: 57 more in the last 10 s: nothing answered at 127.0.0.1:45555 on the developer's machine (connect ECONNREFUSED 127.0.0.1:45555)\n",
    ]);
    // The next window: two more, then a quiet window, then the next one is printed in full.
    r.warning(unreachable('a'), 'again\n');
    r.warning(unreachable('a'), 'again\n');
    now = 20_000;
    r.summarise();
    expect(out.at(-1)).toMatch(/^warning: 2 more in the last 10 s: nothing answered/);
    now = 30_000;
    r.summarise();
    r.warning(unreachable('a'), 'in full again\n');
    expect(out.at(-1)).toBe('in full again\n');
    expect(out).toHaveLength(5);
  });
  it('keeps folding a warning printed just before a window ends', () => {
    let now = 9_900;
    const out: string[] = [];
    const r = new RepeatedWarnings((t) => out.push(t), () => now);
    r.warning(unreachable('a'), 'first line\n');
    now = 10_000;
    r.summarise(); // the interval's tick, 0.1 s after the first one
    r.warning(unreachable('b'), 'again\n');
    now = 20_000;
    r.summarise();
    expect(out).toEqual(['first line\n', expect.stringMatching(/^warning: 1 more in the last 10 s: nothing answered/)]);
  });
});
