// `kubectl intercept WORKLOAD --port ...` means `start`; anything else keeps yargs' own handling.
import { describe, expect, it } from '@jest/globals';
import { withDefaultCommand } from '../../plugin/cli/main.js';

describe('withDefaultCommand', () => {
  it.each([
    [['orders', '--port', '8080'], ['start', 'orders', '--port', '8080']],
    [['deploy/orders', '--port=8080:http', '--', 'npm', 'start'], ['start', 'deploy/orders', '--port=8080:http', '--', 'npm', 'start']],
    [['start', 'orders', '--port', '1'], ['start', 'orders', '--port', '1']],
    [['leave', 'x'], ['leave', 'x']],
    [['frobnicate'], ['frobnicate']],
    [['orders', '--', 'x', '--port', '1'], ['orders', '--', 'x', '--port', '1']],
    [['--help'], ['--help']],
    [[], []],
  ])('%j -> %j', (args, expected) => {
    expect(withDefaultCommand(args)).toEqual(expected);
  });
});
