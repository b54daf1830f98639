// `kubectl intercept WORKLOAD --port ...` means `start`; nothing, or a workload without --port, the UI.
import { describe, expect, it } from '@jest/globals';
import { VALUE_FLAGS, withDefaultCommand } from '../../plugin/cli/main.js';
import { commandSpecs } from '../../plugin/cli/completion/spec.js';
import { commandModules, commandWords } from '../../plugin/cli/commands/index.js';
import type { CliDeps } from '../../plugin/cli/deps.js';

// The modules only close over their deps; building them uses none.
const commands = commandWords(commandModules({} as CliDeps));

describe('withDefaultCommand', () => {
  it.each([
    [['orders', '--port', '8080'], ['start', 'orders', '--port', '8080']],
    [['deploy/orders', '--port=8080:http', '--', 'npm', 'start'], ['start', 'deploy/orders', '--port=8080:http', '--', 'npm', 'start']],
    [['start', 'orders', '--port', '1'], ['start', 'orders', '--port', '1']],
    [['leave', 'x'], ['leave', 'x']],
    [['orders', '--http-header', 'x-dev=me'], ['ui', 'orders', '--http-header', 'x-dev=me']],
    [['orders', '--', 'x', '--port', '1'], ['ui', 'orders', '--', 'x', '--port', '1']],
    [['--help'], ['--help']],
    [[], ['ui']],
    [['--kubeconfig', 'kc.yaml'], ['ui', '--kubeconfig', 'kc.yaml']],
    [['-n', 'shop', 'orders', '--port', '8080'], ['start', '-n', 'shop', 'orders', '--port', '8080']],
    [['-n', 'shop', 'list'], ['-n', 'shop', 'list']],
    [['--version'], ['version', '--client']],
    [['--version', '-o', 'json'], ['version', '--client', '-o', 'json']],
  ])('%j -> %j', (args, expected) => {
    expect(withDefaultCommand(args, commands)).toEqual(expected);
  });
});

describe('the default-command scan', () => {
  it('knows every flag of every command that takes a value, so a flag\'s value is never read as the command', () => {
    const modules = commandModules({} as CliDeps);
    const takingValues = commandSpecs(modules).flatMap((c) => c.flags.filter((f) => f.takesValue).flatMap((f) => f.names.map((n) => (n.length === 1 ? `-${n}` : `--${n}`))));
    expect(takingValues.filter((f) => !VALUE_FLAGS.has(f))).toEqual([]);
  });
  it('reads a flag before the command as a flag', () => {
    expect(withDefaultCommand(['--kubeconfig-out', 'kc.yaml', 'playground'], commands)).toEqual(['--kubeconfig-out', 'kc.yaml', 'playground']);
  });
});
