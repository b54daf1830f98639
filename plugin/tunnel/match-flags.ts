// Turns the intercept command's match flags into a Match:
//   --http-header 'x-dev=alice'    exact value (header name case-insensitive)
//   --http-header 'x-dev=~^alice'  regular expression, anchored only as written
//   --path /api (prefix) · --path-equal /health · --path-regex '^/v[0-9]+/orders$'
// Several headers are ANDed, and ANDed with the path. No flag at all: a global intercept.
import { userError } from '../errors.js';
import { validateMatch, type HeaderMatch, type Match, type PathMatch } from '../protocol/matcher.js';

export interface MatchFlags {
  httpHeader?: string[];
  path?: string;
  pathEqual?: string;
  pathRegex?: string;
}

export function parseHeaderFlag(flag: string): HeaderMatch {
  const eq = flag.indexOf('=');
  if (eq <= 0) throw userError(`--http-header ${JSON.stringify(flag)} is not NAME=VALUE`, "Use --http-header 'x-dev=alice' or, for a regular expression, --http-header 'x-dev=~^alice'.");
  const name = flag.slice(0, eq).trim();
  const rest = flag.slice(eq + 1);
  return rest.startsWith('~') ? { name, value: rest.slice(1), regex: true } : { name, value: rest };
}

export function matchFromFlags(flags: MatchFlags): Match {
  const paths: PathMatch[] = [];
  if (flags.path !== undefined) paths.push({ kind: 'prefix', value: flags.path });
  if (flags.pathEqual !== undefined) paths.push({ kind: 'equal', value: flags.pathEqual });
  if (flags.pathRegex !== undefined) paths.push({ kind: 'regex', value: flags.pathRegex });
  if (paths.length > 1) throw userError('use only one of --path, --path-equal and --path-regex');
  const match: Match = {};
  const headers = (flags.httpHeader ?? []).map(parseHeaderFlag);
  if (headers.length > 0) match.headers = headers;
  if (paths[0]) match.path = paths[0];
  const invalid = validateMatch(match);
  if (invalid) throw userError(invalid);
  return match;
}

/** Help text for the intercept command's match flags (same wording as docs/dataplane.md). */
export const MATCH_HELP = [
  'Without --http-header or --path, every request to the port is intercepted (a global intercept).',
  "--http-header NAME=VALUE   the header's value must equal VALUE exactly; the name is case-insensitive.",
  "--http-header 'NAME=~RE'   the value must match the regular expression RE, anchored only as written (^alice: starts with alice).",
  '                           Several --http-header flags must all match; any value of a repeated header counts.',
  '--path /api                the path (without the query) is /api or below it (/api/orders), not /apiv2.',
  '--path-equal /health       the path is exactly /health.   --path-regex RE   the path matches RE.',
  'Headers and path together must all match. Non-HTTP traffic on a port with only filtered intercepts goes to the app.',
].join('\n');
