// A request as a curl command line a shell runs as is: every argument single-quoted, the
// recorded Host kept (curl would send the target's), a binary body piped in through base64.
// The TUI's `y` shows it and copies it; the URL is the local process, as `r` sends it.
import { targetText, type ReplayRequest, type Target } from './replay.js';

/** Computed by curl from what it sends, or meaningless for a new connection. */
const LEFT_TO_CURL = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function isShellText(body: Buffer): boolean {
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body) && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

export function curlCommand(req: ReplayRequest, to: Target): string {
  const args = ['curl', '-sS', '-i'];
  if (req.http2) args.push('--http2-prior-knowledge');
  if (req.method !== 'GET' || req.body.length > 0) args.push('-X', req.method);
  args.push(`http://${targetText(to)}${req.target}`);
  let hasHost = false;
  for (let i = 0; i + 1 < req.headers.length; i += 2) {
    const name = req.headers[i].toLowerCase();
    if (LEFT_TO_CURL.has(name)) continue;
    if (name === 'host') hasHost = true;
    args.push('-H', `${req.headers[i]}: ${req.headers[i + 1]}`);
  }
  if (!hasHost && req.authority) args.push('-H', `Host: ${req.authority}`);
  if (req.body.length === 0) return args.map(shellQuote).join(' ');
  if (isShellText(req.body)) return [...args, '--data-binary', req.body.toString('utf8')].map(shellQuote).join(' ');
  return `printf %s ${shellQuote(req.body.toString('base64'))} | base64 -d | ${[...args, '--data-binary', '@-'].map(shellQuote).join(' ')}`;
}

/** OSC 52: asks the terminal (and tmux with set-clipboard on) to put `text` on the clipboard. */
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}
