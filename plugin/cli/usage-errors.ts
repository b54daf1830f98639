// yargs' parse errors in the words of kubectl users: which flag was not understood and the one
// that was probably meant, instead of "Unknown arguments: http-heder, httpHeder".
import { closest } from './suggest.js';

/** yargs reports each unknown flag twice (kebab and camelCase); the camelCase twin is dropped. */
function camelOf(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function typedAsFlag(name: string, args: string[]): string | undefined {
  const forms = [`--${name}`, `--no-${name}`, ...(name.length === 1 ? [`-${name}`] : [])];
  for (const a of args) {
    if (a === '--') break;
    if (forms.some((f) => a === f || a.startsWith(`${f}=`))) return a.split('=')[0];
    if (name.length === 1 && /^-[a-zA-Z]+$/.test(a) && a.includes(name)) return `-${name}`;
  }
  return undefined;
}

/**
 * The message for a yargs validation failure. `known` are the flags of the command that was being
 * parsed (without dashes), `args` the words as typed.
 */
export function usageMessage(message: string, known: string[], args: string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/s.exec(message);
  if (unknown) {
    const names = unknown[1].split(', ');
    const camels = new Set(names.filter((n) => n.includes('-')).map(camelOf));
    const long = known.filter((k) => k.length > 1 && !/[A-Z]/.test(k));
    return names
      .filter((n) => !camels.has(n))
      .map((n) => {
        const flag = typedAsFlag(n, args);
        if (!flag) return `unexpected argument "${n}"`;
        const near = flag.startsWith('--') ? closest(n, long) : undefined;
        return `unknown flag ${flag}` + (near ? `; did you mean --${near}?` : '');
      })
      .join('\n       ');
  }
  const choice = /^Invalid values:\s*Argument: ([^,]+), Given: (.*), Choices: (.*)$/s.exec(message.trim());
  if (choice) return `invalid value ${choice[2]} for --${choice[1]}: choose one of ${choice[3]}`;
  const missing = /^Missing required arguments?: (.*)$/.exec(message);
  if (missing) return `missing ${missing[1].split(', ').map((m) => `--${m}`).join(', ')}`;
  return message;
}
