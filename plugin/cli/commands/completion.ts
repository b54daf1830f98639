// `kubectl intercept completion bash|zsh|fish|powershell` prints a completion script;
// `completion kubectl-plugin` writes `kubectl_complete-intercept` beside the binary, which kubectl
// 1.26+ runs to complete `kubectl intercept ...` (krew installs only the plugin itself).
import { chmod, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { userError } from '../../errors.js';
import { completionScript, kubectlPluginShim, SHELLS, type Shell } from '../completion/scripts.js';
import type { CliDeps } from '../deps.js';

/** The path this program was run by (a symlink on PATH stays a symlink: krew upgrades keep it). */
export function invokedBinary(argv: string[] = process.argv, execPath = process.execPath): string {
  // A single binary runs with argv[1] its own path (or nothing); the JS bundle, with the bundle's.
  const script = argv[1] && !argv[1].startsWith('-') && /kubectl-intercept(\.\w+)?$/.test(argv[1]) ? argv[1] : execPath;
  return resolve(script);
}

export async function installKubectlPluginShim(deps: CliDeps, dir: string | undefined, print: boolean, binary = invokedBinary()): Promise<void> {
  const shim = kubectlPluginShim(binary);
  if (print) {
    deps.stdout.write(shim.text);
    return;
  }
  const path = join(dir ?? dirname(binary), shim.name);
  try {
    await writeFile(path, shim.text, { mode: 0o755 });
    await chmod(path, 0o755);
  } catch (err) {
    throw userError(
      `cannot write ${path}: ${(err as Error).message}`,
      `write it to a folder on your PATH instead: kubectl intercept completion kubectl-plugin --dir DIR (or --print > DIR/${shim.name})`,
    );
  }
  deps.stdout.write(`wrote ${path}: kubectl now completes \`kubectl intercept ...\` (kubectl 1.26 or newer; it must be on your PATH)\n`);
}

export function completionCommand(deps: CliDeps) {
  return {
    command: 'completion <shell>',
    describe: 'Print a completion script (bash, zsh, fish, powershell), or set up kubectl\'s own completion of `kubectl intercept` (kubectl-plugin)',
    builder: (y: Argv) =>
      y
        .positional('shell', { choices: [...SHELLS, 'kubectl-plugin'] as const, describe: 'bash, zsh, fish, powershell or kubectl-plugin' })
        .option('dir', { type: 'string', describe: 'kubectl-plugin: the folder to write kubectl_complete-intercept to [default: beside this binary]' })
        .option('print', { type: 'boolean', default: false, describe: 'kubectl-plugin: print the file instead of writing it' })
        .epilogue('bash: source <(kubectl intercept completion bash)   zsh: source <(kubectl intercept completion zsh)\n' +
          'fish: kubectl intercept completion fish | source   PowerShell: kubectl intercept completion powershell | Out-String | Invoke-Expression\n' +
          'kubectl-plugin: kubectl intercept completion kubectl-plugin, then `kubectl intercept <TAB>` completes in kubectl\'s own completion'),
    handler: async (argv: Record<string, unknown>) => {
      if (argv.shell === 'kubectl-plugin') return installKubectlPluginShim(deps, typeof argv.dir === 'string' ? argv.dir : undefined, argv.print === true);
      if (argv.dir !== undefined || argv.print === true) throw userError(`--dir and --print are for kubectl-plugin, not ${String(argv.shell)}`, `kubectl intercept completion ${String(argv.shell)} prints the script`);
      deps.stdout.write(completionScript(argv.shell as Shell));
    },
  };
}
