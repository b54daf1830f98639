// Authentication as kube-apiserver's bearer-token chain does it: the static token table (what
// --token-auth-file gives), service account tokens from the TokenRequest API, and anonymous
// requests (k8s.io/apiserver/pkg/authentication/request/union with anonymous appended,
// group/authenticated_group_adder.go for system:authenticated).
import type { IncomingMessage } from 'node:http';
import type { ServiceAccountTokenIssuer } from './service-account-jwt.js';
import type { Store } from './store.js';

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
}

/** An entry of the static token table: a user name with its groups, as a token file line has. */
export interface StaticUser {
  name: string;
  groups?: string[];
}

export const allAuthenticated = 'system:authenticated';
export const privilegedGroup = 'system:masters';
export const anonymousUser: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

/** k8s.io/apiserver/pkg/authentication/serviceaccount: the user and groups of a ServiceAccount. */
export function serviceAccountUser(namespace: string, name: string, uid?: string): UserInfo {
  return {
    name: `system:serviceaccount:${namespace}:${name}`,
    uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, allAuthenticated],
  };
}

/** The namespace and name of a ServiceAccount user name (serviceaccount.SplitUsername). */
export function splitServiceAccountUser(user: string): { namespace: string; name: string } | undefined {
  const prefix = 'system:serviceaccount:';
  if (!user.startsWith(prefix)) return undefined;
  const parts = user.slice(prefix.length).split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  return { namespace: parts[0], name: parts[1] };
}

function withAuthenticated(user: UserInfo): UserInfo {
  return user.groups.includes(allAuthenticated) ? user : { ...user, groups: [...user.groups, allAuthenticated] };
}

/** 'invalid' is a bearer token no authenticator accepts: a 401, not a fall back to anonymous. */
export type AuthResult = UserInfo | 'invalid';

export class Authenticator {
  constructor(
    private readonly tokens: Record<string, StaticUser>,
    private readonly serviceAccounts: ServiceAccountTokenIssuer,
    private readonly store: Store,
  ) {}

  authenticate(req: IncomingMessage): AuthResult {
    const header = req.headers.authorization;
    const m = header ? /^Bearer\s+(\S*)\s*$/i.exec(header) : null;
    // A request without a bearer token is anonymous (the bearer authenticator passes on it).
    if (!m || m[1] === '') return anonymousUser;
    const token = m[1];
    if (Object.prototype.hasOwnProperty.call(this.tokens, token)) {
      const entry = this.tokens[token];
      return withAuthenticated({ name: entry.name, groups: [...(entry.groups ?? [])] });
    }
    const sa = this.serviceAccounts.authenticate(token, this.store);
    return sa ?? 'invalid';
  }
}
