// What traffic events show of credentials: nothing. Every front-end (lines, -o json, the TUI, HAR
// files unless asked otherwise) gets headers and URLs through these two functions, so a log never
// holds a token, a cookie value or a signed URL's signature.

export const MASKED = '[masked]';

/** Headers that carry credentials whatever their value looks like. */
const SECRET_HEADERS = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie',
  'x-api-key', 'api-key', 'apikey', 'x-auth-token', 'x-access-token', 'x-refresh-token', 'x-id-token',
  'x-amz-security-token', 'x-amz-content-sha256', 'x-goog-iam-authorization-token', 'x-csrf-token', 'x-xsrf-token',
  'x-vault-token', 'x-consul-token', 'x-nomad-token', 'private-token', 'x-gitlab-token', 'x-hub-signature',
  'x-hub-signature-256', 'x-signature', 'ocp-apim-subscription-key', 'x-functions-key', 'dd-api-key',
]);

/**
 * Any other header or query parameter whose name has one of these words as a part (split at
 * `-`, `_` and `.`): `x-my-token`, `X-Amz-Signature`, `client_secret`, `?access_token=`, `?sig=`.
 * `www-authenticate` or `sort` stay visible: whole parts only.
 */
const SECRET_WORDS = new Set([
  'token', 'secret', 'password', 'passwd', 'pwd', 'apikey', 'key', 'auth', 'session', 'sessionid', 'credential',
  'credentials', 'signature', 'sig', 'jwt', 'code', 'otp', 'assertion',
]);

function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADERS.has(lower) || lower.split(/[-_.]/).some((part) => SECRET_WORDS.has(part));
}

/** `Bearer abc` → `Bearer [masked]`: the scheme says what kind of credential came, not which. */
function maskCredentials(value: string): string {
  const m = /^([A-Za-z][\w-]*) +\S/.exec(value);
  return m ? `${m[1]} ${MASKED}` : MASKED;
}

/** Each cookie keeps its name; its value goes. */
function maskCookie(value: string): string {
  return value.split(';').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? part : `${part.slice(0, eq)}=${MASKED}`;
  }).join(';');
}

/** Set-Cookie keeps the cookie's name and attributes (Path, Expires, HttpOnly...); its value goes. */
function maskSetCookie(value: string): string {
  const semi = value.indexOf(';');
  const first = semi < 0 ? value : value.slice(0, semi);
  const eq = first.indexOf('=');
  return (eq < 0 ? MASKED : `${first.slice(0, eq)}=${MASKED}`) + (semi < 0 ? '' : value.slice(semi));
}

function maskHeaderValue(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (lower === 'cookie') return maskCookie(value);
  if (lower === 'set-cookie') return maskSetCookie(value);
  if (lower === 'authorization' || lower === 'proxy-authorization') return maskCredentials(value);
  return MASKED;
}

/** Raw headers (name, value, name, value...) with credentials masked; HTTP/2 pseudo-headers kept. */
export function maskHeaders(raw: string[]): string[] {
  const out = raw.slice();
  for (let i = 0; i + 1 < out.length; i += 2) {
    if (!out[i].startsWith(':') && isSecretName(out[i])) out[i + 1] = maskHeaderValue(out[i], out[i + 1]);
  }
  return out;
}

/** A request target with the values of credential-like query parameters masked. */
export function maskUrl(target: string): string {
  const q = target.indexOf('?');
  if (q < 0) return target;
  const hash = target.indexOf('#', q);
  const query = target.slice(q + 1, hash < 0 ? undefined : hash);
  const masked = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    let name = pair.slice(0, eq);
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // a malformed escape: judge the name as written
    }
    return isSecretName(name) ? `${pair.slice(0, eq)}=${MASKED}` : pair;
  }).join('&');
  return `${target.slice(0, q)}?${masked}${hash < 0 ? '' : target.slice(hash)}`;
}
