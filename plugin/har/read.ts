// Reads a HAR file for `replay`: any HAR 1.x log (ours, a browser's, a proxy's), checked for what
// replaying needs; what is wrong is said in one line naming the file and the entry.
import { readFileSync } from 'node:fs';
import { userError } from '../errors.js';
import { HTTP_TOKEN } from '../protocol/http-syntax.js';
import type { HarEntry } from './types.js';

export interface HarRead {
  entries: HarEntry[];
  /** The file was cut inside an entry (its writer killed mid-write): the whole entries before it are read. */
  recovered?: boolean;
  /** Where the recording's intercept sent requests (our `_localTarget`), if it says. */
  localTarget?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function entryProblem(e: unknown): string | undefined {
  if (!isObject(e) || !isObject(e.request)) return 'has no request';
  const r = e.request;
  if (typeof r.method !== 'string' || !HTTP_TOKEN.test(r.method)) return 'has no valid request.method';
  if (typeof r.url !== 'string' || !URL.canParse(r.url)) return `has no absolute request.url (${JSON.stringify(r.url)})`;
  if (!Array.isArray(r.headers) || !r.headers.every((h) => isObject(h) && typeof h.name === 'string' && typeof h.value === 'string')) return 'has request.headers that are not a list of {name, value}';
  if (r.postData !== undefined && (!isObject(r.postData) || (r.postData.text !== undefined && typeof r.postData.text !== 'string'))) return 'has a request.postData without text';
  return undefined;
}

export function readHar(path: string): HarRead {
  const bad = (why: string) => userError(`${path} is not a HAR file kubectl-intercept can replay: ${why}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw userError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  let recovered = false;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    json = recoverCut(text);
    if (json === undefined) throw bad(`not JSON (${(err as Error).message})`);
    recovered = true;
  }
  if (!isObject(json) || !isObject(json.log)) throw bad('no "log" object');
  const { log } = json;
  if (typeof log.version !== 'string' || !/^1\.\d+$/.test(log.version)) throw bad(`log.version is ${JSON.stringify(log.version)}, not 1.x`);
  if (!Array.isArray(log.entries)) throw bad('no log.entries list');
  log.entries.forEach((e, i) => {
    const problem = entryProblem(e);
    if (problem) throw bad(`entry ${i + 1} ${problem}`);
  });
  return { entries: log.entries as HarEntry[], ...(typeof log._localTarget === 'string' ? { localTarget: log._localTarget } : {}), ...(recovered ? { recovered } : {}) };
}

/**
 * Our writer puts each entry on a line of its own (writer.ts). A `kill -9` that lands while one
 * is written can leave the file cut inside it (the kernel stops a write between pages): the
 * lines before it are whole, so dropping the cut line and closing the log gets them back.
 */
function recoverCut(text: string): unknown {
  if (!text.startsWith('{"log":{')) return undefined;
  const lines = text.split('\n');
  for (let keep = lines.length - 1; keep >= Math.max(1, lines.length - 3); keep--) {
    try {
      return JSON.parse(`${lines.slice(0, keep).join('\n').replace(/,$/, '')}\n]}}\n`);
    } catch {
      // one line more to drop
    }
  }
  return undefined;
}
