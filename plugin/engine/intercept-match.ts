// The intercept command's match flags (issue 4 spelling) as a Match for the agent:
//   --http-header NAME=VALUE (exact) | NAME=~REGEX   several are ANDed
//   --http-path-equal P | --http-path-prefix P | --http-path-regex R   ANDed with the headers
//   --http-method M   repeatable: any of them; ANDed with the rest
//   --http-match NAME=VALUE | all   the older spelling, still accepted with a note
import { describeMatch, isGlobal, validateMatch, type HeaderMatch, type Match } from '../protocol/matcher.js';
import { userError } from '../errors.js';

export interface MatchFlags {
  httpHeader?: string[];
  httpPathEqual?: string;
  httpPathPrefix?: string;
  httpPathRegex?: string;
  httpMethod?: string[];
  httpMatch?: string[];
}

export interface ParsedMatch {
  match: Match;
  /** Notes for the user, e.g. about a deprecated flag. */
  notes: string[];
  /** What is allowed but probably not meant (matchWarnings). */
  warnings: string[];
  /** Whether any match flag was given (none means a global intercept, but also "not said yet"). */
  given: boolean;
}

/**
 * `NAME=VALUE` or `NAME=~REGEX`: one header match, as the flags and the setup's form both take it
 * (`option` names where it was typed, for the message).
 */
export function parseHeaderMatch(text: string, option: string): HeaderMatch {
  const eq = text.indexOf('=');
  if (eq <= 0) throw userError(`${option} ${JSON.stringify(text)} is not NAME=VALUE`, `use ${option} x-dev=alice, or ${option} 'x-dev=~^alice' for a regular expression`);
  const name = text.slice(0, eq).trim();
  const value = text.slice(eq + 1);
  return value.startsWith('~') ? { name, value: value.slice(1), regex: true } : { name, value };
}

/**
 * `x-dev=` is valid (requests whose x-dev header is empty) but is mostly an unset shell variable
 * (`--http-header x-dev=$ME`): said, not refused.
 */
export function matchWarnings(match: Match): string[] {
  return (match.headers ?? [])
    .filter((h) => h.value === '' && !h.regex)
    .map((h) => `the header match ${h.name}= has an empty value: only requests that send ${h.name} empty match (an unset shell variable?)`);
}

export function matchFromFlags(flags: MatchFlags): ParsedMatch {
  const notes: string[] = [];
  const headers = (flags.httpHeader ?? []).map((h) => parseHeaderMatch(h, '--http-header'));
  let all = false;
  for (const m of flags.httpMatch ?? []) {
    if (m === 'all') all = true;
    else headers.push(parseHeaderMatch(m, '--http-match'));
  }
  if (flags.httpMatch?.length) notes.push('--http-match is deprecated: use --http-header NAME=VALUE, or no match flag for a global intercept');
  const paths = [
    flags.httpPathEqual !== undefined ? ({ kind: 'equal', value: flags.httpPathEqual } as const) : undefined,
    flags.httpPathPrefix !== undefined ? ({ kind: 'prefix', value: flags.httpPathPrefix } as const) : undefined,
    flags.httpPathRegex !== undefined ? ({ kind: 'regex', value: flags.httpPathRegex } as const) : undefined,
  ].filter((p) => p !== undefined);
  if (paths.length > 1) throw userError('use only one of --http-path-equal, --http-path-prefix and --http-path-regex');
  const match: Match = {};
  if (headers.length > 0) match.headers = headers;
  if (paths[0]) match.path = paths[0];
  // Methods are case-sensitive on the wire (RFC 9110 §9.1) and every standard one is uppercase:
  // `--http-method get` means GET.
  const methods = [...new Set((flags.httpMethod ?? []).map((m) => m.trim().toUpperCase()))];
  if (methods.length > 0) match.methods = methods;
  if (all && !isGlobal(match)) throw userError('--http-match all intercepts every request: do not combine it with header or path matches');
  const invalid = validateMatch(match);
  if (invalid) throw userError(invalid);
  const given = headers.length > 0 || paths.length > 0 || methods.length > 0 || all;
  return { match, notes, warnings: matchWarnings(match), given };
}

/** One line for the user: `all requests` or the agent's own description of the match; a mirror says so. */
export function matchText(match: Match, mirror = false): string {
  const text = isGlobal(match) ? 'all requests' : describeMatch(match);
  return mirror ? `a copy of ${text} (mirror)` : text;
}

/**
 * A match looks at HTTP requests: the non-HTTP connections of a filtered port (a debugger's, say)
 * are not the user's to take, so they keep going to the app. Said wherever several ports are.
 */
export const NON_HTTP_NOTE = 'the match applies to HTTP: raw TCP (a debugger, say) on these ports keeps going to the app; an intercept without match flags takes it';

export const MATCH_HELP = [
  'Which requests are intercepted (none of these flags: all of them, a global intercept):',
  "  --http-header NAME=VALUE    the header's value equals VALUE exactly; the name is case-insensitive",
  "  --http-header 'NAME=~RE'    the value matches the regular expression RE, anchored only as written",
  '  several --http-header flags must all match',
  '  --http-path-equal P | --http-path-prefix P | --http-path-regex R   the path (without query); ANDed with the headers',
  '  --http-method M             the request method (repeatable: any of them); ANDed with the rest',
  '  --mirror                    a copy of each matching request instead: callers are answered by whoever',
  '                              answers them anyway; never conflicts (`wiretap` is the same)',
  'With several --port flags the match applies to HTTP on each; raw TCP on a filtered port keeps going to the app.',
].join('\n');
