// Completion over the real command modules' specs, with the cluster's names from a small fake.
import { describe, expect, it } from '@jest/globals';
import { commandModules } from '../../../plugin/cli/commands/index.js';
import { complete, completionText, FILES, NO_FILES, type Lookups } from '../../../plugin/cli/completion/complete.js';
import { commandSpecs } from '../../../plugin/cli/completion/spec.js';
import type { CliDeps } from '../../../plugin/cli/deps.js';

const deps = { stdout: process.stdout, stderr: process.stderr, env: {}, interrupted: () => new Promise<string>(() => {}) } satisfies CliDeps;
const specs = commandSpecs(commandModules(deps));
const start = specs.find((s) => s.names[0] === 'start')!;
const lookups: Lookups = {
  workloads: async () => [{ value: 'orders', description: 'deployment' }, { value: 'users' }],
  intercepts: async () => [{ value: 'orders-me', description: 'held by me' }],
  namespaces: async () => [{ value: 'default' }, { value: 'shop' }],
  contexts: async () => [{ value: 'kind-dev' }, { value: 'prod' }],
};
const values = async (words: string[]) => {
  const r = await complete(words, specs, start, lookups);
  return { values: r.candidates.map((c) => c.value), directive: r.directive };
};

describe('complete', () => {
  it.each([
    [[''], ['start', 'wiretap', 'leave', 'status', 'env', 'uninstall', 'list', 'playground', 'replay', 'version', 'completion', 'orders', 'users'], NO_FILES],
    [['st'], ['start', 'status'], NO_FILES],
    [['u'], ['uninstall', 'users'], NO_FILES],
    [['start', ''], ['orders', 'users'], NO_FILES],
    [['start', 'orders', ''], [], NO_FILES],
    [['leave', ''], ['orders-me'], NO_FILES],
    [['uninstall', 'orders', ''], ['users'], NO_FILES],
    [['completion', 'b'], ['bash'], NO_FILES],
    [['completion', 'k'], ['kubectl-plugin'], NO_FILES],
    [['-n', ''], ['default', 'shop'], NO_FILES],
    [['list', '--namespace', 's'], ['shop'], NO_FILES],
    [['--context', ''], ['kind-dev', 'prod'], NO_FILES],
    [['--context=p'], ['--context=prod'], NO_FILES],
    [['orders', '--env-syntax', 'sh'], ['sh', 'sh:export'], NO_FILES],
    [['orders', '--env-syntax=c'], ['--env-syntax=compose', '--env-syntax=csh', '--env-syntax=csh:export', '--env-syntax=cmd'], NO_FILES],
    [['orders', '--env-file', ''], [], FILES],
    [['--kubeconfig', ''], [], FILES],
    [['orders', '--port', ''], [], NO_FILES],
    [['orders', '--port', '8080', '--', 'np'], [], FILES],
    [['-n', 'shop', 'orders', '--port', '80', ''], [], NO_FILES],
    [['uninstall', '--a'], ['--as', '--all', '--all-agents'], NO_FILES],
    [['leave', '--'], ['--help', '--kubeconfig', '--context', '--cluster', '--user', '--namespace', '--request-timeout', '--as', '--all'], NO_FILES],
  ] as const)('%j', async (words, expected, directive) => {
    expect(await values([...words])).toEqual({ values: expected, directive });
  });

  it('offers the flags of the default command for a workload, not those already given, and never hidden ones', async () => {
    const r = await values(['orders', '--port', '80', '--http-header', 'a=b', '--']);
    expect(r.values).toContain('--http-header');
    expect(r.values).toContain('--env-syntax');
    expect(r.values).not.toContain('--port');
    expect(r.values).not.toContain('--http-match');
  });

  it('writes Cobra\'s format: value TAB description, then the directive', () => {
    expect(completionText({ candidates: [{ value: 'orders', description: 'a\nb' }, { value: 'users' }], directive: 4 })).toBe('orders\ta b\nusers\n:4\n');
    expect(completionText({ candidates: [], directive: 0 })).toBe(':0\n');
  });
});
