// `-- COMMAND` on Windows, resolved as cmd.exe does, with a fake PATH, PATHEXT and file system
// (no Windows machine runs these tests: the real spawn through cmd.exe is not exercised here).
import { describe, expect, it } from '@jest/globals';
import { runCommand } from '../../plugin/cli/run-command.js';
import { CommandNotRunnable, findWindowsCommand, windowsLaunch } from '../../plugin/cli/windows-command.js';

const files = new Set([
  'C:\\Program Files\\nodejs\\node.exe',
  'C:\\Program Files\\nodejs\\npm.cmd',
  'C:\\Program Files\\nodejs\\npm',
  'C:\\tools\\build.bat',
  'C:\\tools\\hello.js',
  'C:\\work\\app\\node_modules\\.bin\\vite.cmd',
  'C:\\work\\app\\run.cmd',
]);
/** NTFS: names compare without case. */
const isFile = (p: string) => [...files].some((f) => f.toLowerCase() === p.toLowerCase());
const env = { Path: 'C:\\Windows\\system32;"C:\\Program Files\\nodejs";C:\\tools', PATHEXT: '.COM;.EXE;.BAT;.CMD;.VBS;.JS', ComSpec: 'C:\\Windows\\system32\\cmd.exe' };
const cwd = 'C:\\work\\app';

describe('finding the command', () => {
  it.each([
    ['node', 'C:\\Program Files\\nodejs\\node.exe'],
    // The extensionless `npm` (a shell script for Git Bash) is not what cmd.exe runs: PATHEXT decides.
    ['npm', 'C:\\Program Files\\nodejs\\npm.cmd'],
    ['NPM.CMD', 'C:\\Program Files\\nodejs\\NPM.CMD'],
    ['build', 'C:\\tools\\build.bat'],
    ['node_modules\\.bin\\vite', 'C:\\work\\app\\node_modules\\.bin\\vite.cmd'],
    ['./run', 'C:\\work\\app\\run.cmd'],
    ['C:\\tools\\build.bat', 'C:\\tools\\build.bat'],
  ])('%s -> %s', (command, expected) => {
    const found = findWindowsCommand(command, env, cwd, isFile);
    expect(found).toBe(expected);
  });

  it('does not look in the current folder for a bare name (PowerShell does not either)', () => {
    expect(findWindowsCommand('run', env, cwd, isFile)).toBeUndefined();
  });

  it('uses the default PATHEXT when none is set, and reads Path whatever its case', () => {
    expect(findWindowsCommand('npm', { PATH: 'C:\\Program Files\\nodejs' }, cwd, isFile)).toBe('C:\\Program Files\\nodejs\\npm.cmd');
  });
});

describe('what is spawned', () => {
  it('runs a program directly', () => {
    expect(windowsLaunch(['node', 'server.js', '--port', '9000'], env, cwd, isFile)).toEqual({ file: 'C:\\Program Files\\nodejs\\node.exe', args: ['server.js', '--port', '9000'], verbatim: false });
  });

  it('runs a batch file through cmd.exe, every argument quoted, so & | < > ^ ( ) and spaces stay text', () => {
    const launch = windowsLaunch(['npm', 'run', 'dev', '--', '--host=a&b', 'x|y', 'C:\\my dir\\'], env, cwd, isFile);
    expect(launch).toEqual({
      file: 'C:\\Windows\\system32\\cmd.exe',
      args: ['/d', '/s', '/v:off', '/c', '""C:\\Program Files\\nodejs\\npm.cmd" "run" "dev" "--" "--host=a&b" "x|y" "C:\\my dir\\\\""'],
      verbatim: true,
    });
  });

  it('refuses an argument a batch file cannot be given safely, and a file that is not a program', () => {
    for (const bad of ['say "hi"', '%PATH%', 'two\nlines']) {
      expect(() => windowsLaunch(['npm', 'run', bad], env, cwd, isFile)).toThrow(CommandNotRunnable);
    }
    expect(() => windowsLaunch(['npm', 'run', '%PATH%'], env, cwd, isFile)).toThrow('cannot pass the argument "%PATH%" to npm: it is a batch file, run by cmd.exe, which cannot be given a double quote, a percent sign or a line break safely');
    // The same argument to a program is fine: no cmd.exe in between.
    expect(windowsLaunch(['node', '-e', 'console.log("%PATH%")'], env, cwd, isFile).args).toEqual(['-e', 'console.log("%PATH%")']);
    expect(() => windowsLaunch(['hello'], env, cwd, isFile)).toThrow('cannot run C:\\tools\\hello.js: a .js file needs the program it belongs to');
    expect(() => windowsLaunch(['nope'], env, cwd, isFile)).toThrow('cannot run nope: not found in any folder of PATH (with the extensions of PATHEXT)');
  });
});

describe('runCommand on win32', () => {
  it('says why a command cannot be run and ends with 127, spawning nothing', async () => {
    let err = '';
    const running = runCommand(['npm', 'run', '%x%'], { Path: 'C:\\nowhere' }, { write: (t: string) => (err += t) }, 'win32');
    expect(await running.done).toBe(127);
    expect(err).toBe('error: cannot run npm: not found in any folder of PATH (with the extensions of PATHEXT)\n  check the name, or give its full path\n');
  });
});
