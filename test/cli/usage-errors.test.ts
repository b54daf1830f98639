// yargs' parse errors, reworded: the flag as typed, the one probably meant, no camelCase twins.
import { describe, expect, it } from '@jest/globals';
import { closest } from '../../plugin/cli/suggest.js';
import { usageMessage } from '../../plugin/cli/usage-errors.js';

const known = ['kubeconfig', 'context', 'namespace', 'n', 'as', 'http-header', 'httpHeader', 'all', 'yes', 'y', 'port'];

describe('usageMessage', () => {
  it.each([
    ['Unknown arguments: http-heder, httpHeder', ['orders', '--http-heder', 'x'], 'unknown flag --http-heder; did you mean --http-header?'],
    ['Unknown argument: al', ['leave', '--al'], 'unknown flag --al; did you mean --all?'],
    ['Unknown argument: frobnicate', ['version', '--frobnicate=1'], 'unknown flag --frobnicate'],
    ['Unknown argument: q', ['leave', '-q'], 'unknown flag -q'],
    ['Unknown argument: extra', ['list', 'extra'], 'unexpected argument "extra"'],
    ['Unknown arguments: bogus, extra', ['list', '--bogus', 'extra'], 'unknown flag --bogus\n       unexpected argument "extra"'],
    ['Invalid values:\n  Argument: output, Given: "yaml", Choices: "json"', [], 'invalid value "yaml" for --output: choose one of "json"'],
    ['Not enough non-option arguments: got 0, need at least 1', [], 'Not enough non-option arguments: got 0, need at least 1'],
  ])('%j', (message, args, expected) => {
    expect(usageMessage(message, known, args)).toBe(expected);
  });
});

describe('closest', () => {
  it.each([
    ['lsit', ['list', 'leave', 'status'], 'list'],
    ['stauts', ['list', 'leave', 'status'], 'status'],
    ['uninstal', ['uninstall'], 'uninstall'],
    ['orders', ['list', 'leave', 'status', 'start', 'env'], undefined],
    ['users', ['list', 'leave', 'status', 'start', 'env', 'ui'], undefined],
    ['a', ['as'], 'as'],
  ])('%s -> %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });
});
