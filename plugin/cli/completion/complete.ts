// `kubectl-intercept __complete WORDS... CURRENT`, and `kubectl_complete-intercept WORDS...`
// which kubectl 1.26+ runs for `kubectl intercept <TAB>`: the candidates for CURRENT, one a line
// (TAB, description), then `:DIRECTIVE` as Cobra prints it (4: offer no file names; 0: the shell
// may offer them). Names come from the cluster within half a second; an error offers nothing.
import { SHELLS } from './scripts.js';
import type { CommandSpec, FlagSpec } from './spec.js';

export const NO_FILES = 4;
export const FILES = 0;

export interface Candidate {
  value: string;
  description?: string;
}

/** What only the cluster (or the kubeconfig) knows; each answers [] on any error or delay. */
export interface Lookups {
  workloads(): Promise<Candidate[]>;
  intercepts(): Promise<Candidate[]>;
  namespaces(): Promise<Candidate[]>;
  contexts(): Promise<Candidate[]>;
}

const FILE_FLAGS = new Set(['kubeconfig', 'env-file', 'env-json', 'kubeconfig-out']);

function findFlag(flags: FlagSpec[], typed: string): FlagSpec | undefined {
  const name = typed.replace(/^--?/, '').split('=')[0];
  return flags.find((f) => f.names.includes(name));
}

export interface Parsed {
  command?: CommandSpec;
  /** Positional words before CURRENT (without the command). */
  positionals: string[];
  /** The flag whose value CURRENT is (`--namespace <TAB>`). */
  awaitingValue?: FlagSpec;
  /** Flags given before CURRENT, by long name, with their values. */
  given: Map<string, string | true>;
}

/** Reads the words before CURRENT the way the parser will: which command, which flag awaits a value. */
export function parseWords(before: string[], specs: CommandSpec[], defaultCommand: CommandSpec): Parsed {
  const parsed: Parsed = { positionals: [], given: new Map() };
  for (let i = 0; i < before.length; i++) {
    const w = before[i];
    const flags = (parsed.command ?? defaultCommand).flags;
    if (w.startsWith('-') && w.length > 1) {
      const f = findFlag(flags, w);
      if (f && f.takesValue && !w.includes('=')) {
        if (i === before.length - 1) parsed.awaitingValue = f;
        else parsed.given.set(f.names[0], before[++i]);
      } else if (f) {
        parsed.given.set(f.names[0], w.includes('=') ? w.slice(w.indexOf('=') + 1) : true);
      }
      continue;
    }
    if (!parsed.command && parsed.positionals.length === 0) {
      const named = specs.find((s) => s.names.includes(w));
      if (named) {
        parsed.command = named;
        continue;
      }
    }
    parsed.positionals.push(w);
  }
  return parsed;
}

function flagCandidates(flags: FlagSpec[], given: Map<string, string | true>, cur: string): Candidate[] {
  const out: Candidate[] = [];
  for (const f of flags) {
    if (given.has(f.names[0]) && !f.repeatable) continue;
    for (const n of f.names) {
      if (n.length > 1) out.push({ value: `--${n}`, ...(f.description ? { description: f.description } : {}) });
      else if (!cur.startsWith('--')) out.push({ value: `-${n}`, ...(f.description ? { description: f.description } : {}) });
    }
  }
  return out;
}

async function valueCandidates(f: FlagSpec, lookups: Lookups): Promise<{ candidates: Candidate[]; directive: number }> {
  if (f.choices) return { candidates: f.choices.map((value) => ({ value })), directive: NO_FILES };
  if (f.names.includes('namespace')) return { candidates: await lookups.namespaces(), directive: NO_FILES };
  if (f.names.includes('context')) return { candidates: await lookups.contexts(), directive: NO_FILES };
  return { candidates: [], directive: f.names.some((n) => FILE_FLAGS.has(n)) ? FILES : NO_FILES };
}

async function positionalCandidates(p: Parsed, specs: CommandSpec[], lookups: Lookups): Promise<Candidate[]> {
  if (!p.command) {
    // The first word is a command or, for the default command, a workload.
    if (p.positionals.length > 0) return [];
    const commands = specs.filter((s) => s.description).map((s) => ({ value: s.names[0], description: s.description }));
    return [...commands, ...(await lookups.workloads())];
  }
  const slot = p.command.positionals[Math.min(p.positionals.length, p.command.positionals.length - 1)];
  if (!slot || (!slot.variadic && p.positionals.length >= p.command.positionals.length)) return [];
  if (slot.name === 'workload' || slot.name === 'workloads') return (await lookups.workloads()).filter((c) => !p.positionals.includes(c.value));
  if (slot.name === 'name') return lookups.intercepts();
  if (slot.name === 'shell') return [...SHELLS, 'kubectl-plugin'].map((value) => ({ value }));
  return [];
}

export async function complete(words: string[], specs: CommandSpec[], defaultCommand: CommandSpec, lookups: Lookups): Promise<{ candidates: Candidate[]; directive: number }> {
  const cur = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  // After `--` comes the user's own command: the shell's completion is the right one.
  if (before.includes('--')) return { candidates: [], directive: FILES };
  const p = parseWords(before, specs, defaultCommand);
  const flags = (p.command ?? defaultCommand).flags;
  let result: { candidates: Candidate[]; directive: number };
  let prefix = '';
  if (p.awaitingValue) {
    result = await valueCandidates(p.awaitingValue, lookups);
  } else if (/^--[^=]+=/.test(cur)) {
    const f = findFlag(flags, cur);
    prefix = cur.slice(0, cur.indexOf('=') + 1);
    result = f?.takesValue ? await valueCandidates(f, lookups) : { candidates: [], directive: NO_FILES };
  } else if (cur.startsWith('-')) {
    result = { candidates: flagCandidates(flags, p.given, cur), directive: NO_FILES };
  } else {
    result = { candidates: await positionalCandidates(p, specs, lookups), directive: NO_FILES };
  }
  const typed = cur.slice(prefix.length);
  const candidates = result.candidates.filter((c) => c.value.startsWith(typed)).map((c) => ({ ...c, value: prefix + c.value }));
  return { candidates, directive: result.directive };
}

/** Cobra's wire format: `value<TAB>description` lines, then `:directive`. */
export function completionText(r: { candidates: Candidate[]; directive: number }): string {
  const line = (c: Candidate) => (c.description ? `${c.value}\t${c.description.replace(/\s+/g, ' ')}` : c.value);
  return r.candidates.map(line).join('\n') + (r.candidates.length ? '\n' : '') + `:${r.directive}\n`;
}
