// Every command module, in the order --help lists them: one list for the parser and completion.
import type { Argv } from 'yargs';
import type { CliDeps } from '../deps.js';
import { completionCommand } from './completion.js';
import { envCommand } from './env.js';
import { interceptCommand, wiretapCommand } from './intercept.js';
import { leaveCommand } from './leave.js';
import { listCommand } from './list.js';
import { playgroundCommand } from './playground.js';
import { replayCommand } from './replay.js';
import { statusCommand } from './status.js';
import { uiCommand } from './ui.js';
import { uninstallCommand } from './uninstall.js';
import { versionCommand } from './version.js';

export interface CommandModule {
  command: string;
  aliases?: string[];
  describe: string | false;
  builder: (y: Argv) => Argv;
  handler: (argv: Record<string, unknown>) => Promise<void>;
}

/** A command's name: the first word of its yargs spec (`start <workload>` -> start). */
export const commandName = (m: CommandModule): string => m.command.split(' ')[0];

/** Every word that names a command: names, aliases, and yargs' own help. */
export function commandWords(modules: CommandModule[]): Set<string> {
  return new Set(['help', ...modules.flatMap((m) => [commandName(m), ...(m.aliases ?? [])])]);
}

/** The commands --help lists: what a mistyped word is compared with. */
export function visibleCommands(modules: CommandModule[]): string[] {
  return modules.filter((m) => m.describe !== false).map(commandName);
}

export function commandModules(deps: CliDeps): CommandModule[] {
  return [
    interceptCommand(deps), wiretapCommand(deps), leaveCommand(deps), statusCommand(deps), envCommand(deps), uninstallCommand(deps), listCommand(deps),
    playgroundCommand(deps), replayCommand(deps), versionCommand(deps), completionCommand(deps), uiCommand(deps),
  ];
}
