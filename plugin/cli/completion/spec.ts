// What completion knows of each command, read from the command modules' own yargs builders (the
// flags, their aliases, value or not, choices, help text), so it never drifts from the parser.
import yargs from 'yargs';
import type { CommandModule } from '../commands/index.js';
import { withKubeOptions } from '../kube-options.js';

export interface FlagSpec {
  /** The long name first, then its aliases (one letter ones too). */
  names: string[];
  takesValue: boolean;
  repeatable: boolean;
  choices?: string[];
  description?: string;
}

export interface CommandSpec {
  names: string[];
  description?: string;
  /** `<workload>`, `[name]`, `[workloads..]` from the command string. */
  positionals: { name: string; variadic: boolean }[];
  flags: FlagSpec[];
}

interface YargsOptions {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
  boolean: string[];
  array: string[];
  choices: Record<string, string[]>;
  hiddenOptions: string[];
}

function flagsOf(builder: CommandModule['builder'] | undefined, positionals: string[]): FlagSpec[] {
  const y = withKubeOptions(yargs([]));
  builder?.(y);
  const o = (y as unknown as { getOptions: () => YargsOptions }).getOptions();
  const described = (y as unknown as { getInternalMethods: () => { getUsageInstance: () => { getDescriptions: () => Record<string, string | undefined> } } })
    .getInternalMethods().getUsageInstance().getDescriptions();
  const aliases = new Set(Object.values(o.alias).flat());
  return Object.keys(o.key)
    .filter((k) => !aliases.has(k) && !positionals.includes(k) && k !== 'version' && !o.hiddenOptions.includes(k))
    .map((k) => ({
      names: [k, ...(o.alias[k] ?? [])],
      takesValue: !o.boolean.includes(k),
      repeatable: o.array.includes(k),
      ...(o.choices[k] ? { choices: o.choices[k].map(String) } : {}),
      ...(described[k] ? { description: described[k]!.replace(/^__yargsString__:/, '') } : {}),
    }));
}

export function commandSpecs(modules: CommandModule[]): CommandSpec[] {
  return modules.map((m) => {
    const [name, ...rest] = m.command.split(' ');
    const positionals = rest.map((p) => ({ name: p.replace(/[<>[\].]/g, ''), variadic: p.includes('..') }));
    return {
      names: [name, ...(m.aliases ?? [])],
      ...(typeof m.describe === 'string' ? { description: m.describe } : {}),
      positionals,
      flags: flagsOf(m.builder, positionals.map((p) => p.name)),
    };
  });
}
