// How `-- COMMAND` is started on Windows, where spawn() without a shell finds only `name`,
// `name.com` and `name.exe` (libuv's search), so `npm`, `npx`, `yarn` and every
// node_modules\.bin shim (all `.cmd` files) are "not found"; and a `.cmd` or `.bat` named outright
// is refused with EINVAL since Node 18.20.2 / 20.12.2 (CVE-2024-27980: CreateProcess ran batch
// files through cmd.exe with arguments it did not escape). Node's documentation ("Spawning .bat
// and .cmd files on Windows", child_process) says to run them through cmd.exe. So: the command is
// looked up as cmd.exe does (each PATH folder, each PATHEXT extension); programs are spawned
// directly, batch files through `cmd.exe /d /s /v:off /c "..."` with every argument quoted. Inside
// quotes cmd.exe treats & | < > ^ ( ) as text; an argument holding a quote, a percent sign or a
// line break cannot be quoted so that both cmd.exe and the program read it back unchanged, and is
// refused (the BatBadBut class of bugs, which CVE-2024-27980 and CVE-2024-36138 fixed in Node).
import { win32 } from 'node:path';

export interface Launch {
  /** What to spawn. */
  file: string;
  args: string[];
  /** Hand args to CreateProcess as they are (the cmd.exe command line is already quoted). */
  verbatim: boolean;
}

export class CommandNotRunnable extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

type Env = Record<string, string | undefined>;

/** Windows variable names are case-insensitive (`Path`, `PATH`); a copied env object is not. */
function envGet(env: Env, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : env[key];
}

const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD';

/** The file `command` means, found as cmd.exe finds it (but not in the current folder first). */
export function findWindowsCommand(command: string, env: Env, cwd: string, isFile: (path: string) => boolean): string | undefined {
  const exts = (envGet(env, 'PATHEXT') ?? DEFAULT_PATHEXT).split(';').map((e) => e.trim()).filter((e) => e.startsWith('.'));
  // Windows file names are case-insensitive: .CMD and .cmd are the same file.
  const candidates = (base: string) => [...(win32.extname(base) ? [base] : []), ...exts.map((e) => base + e.toLowerCase())];
  const hasFolder = /[\\/]/.test(command) || /^[A-Za-z]:/.test(command);
  const bases = hasFolder
    ? [win32.resolve(cwd, command)]
    : (envGet(env, 'PATH') ?? '').split(';').map((d) => d.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean).map((d) => win32.join(d, command));
  for (const base of bases) {
    for (const c of candidates(base)) if (isFile(c)) return c;
  }
  return undefined;
}

/** One argument of a batch file's command line, or a refusal. */
function quoteForCmd(arg: string, command: string): string {
  if (/["%\r\n\0]/.test(arg)) {
    throw new CommandNotRunnable(
      `cannot pass the argument ${JSON.stringify(arg)} to ${command}: it is a batch file, run by cmd.exe, which cannot be given a double quote, a percent sign or a line break safely`,
      'run the program behind it instead (for npm scripts: node with the script\'s .js file), or leave that character out',
    );
  }
  // Backslashes before the closing quote would escape it for the program's own parsing.
  return `"${arg.replace(/(\\+)$/, '$1$1')}"`;
}

/** What to spawn for `command` on Windows; throws CommandNotRunnable when it cannot be run. */
export function windowsLaunch(command: string[], env: Env, cwd: string, isFile: (path: string) => boolean): Launch {
  const [name, ...args] = command;
  const file = findWindowsCommand(name, env, cwd, isFile);
  if (!file) {
    throw new CommandNotRunnable(`cannot run ${name}: not found in any folder of PATH (with the extensions of PATHEXT)`, 'check the name, or give its full path');
  }
  const ext = win32.extname(file).toLowerCase();
  if (ext === '.exe' || ext === '.com') return { file, args, verbatim: false };
  if (ext === '.bat' || ext === '.cmd') {
    const line = [quoteForCmd(file, name), ...args.map((a) => quoteForCmd(a, name))].join(' ');
    // /d: no AutoRun commands; /v:off: no !delayed! expansion; /s /c "...": the outer quotes are
    // removed and the rest run as it stands.
    return { file: envGet(env, 'COMSPEC') ?? 'cmd.exe', args: ['/d', '/s', '/v:off', '/c', `"${line}"`], verbatim: true };
  }
  throw new CommandNotRunnable(`cannot run ${file}: a ${ext} file needs the program it belongs to`, `run that program with the file as its argument (e.g. node ${win32.basename(file)})`);
}
