// Service account tokens as kube-apiserver issues and checks them (pkg/serviceaccount/jwt.go and
// claims.go): JWTs with the kubernetes.io private claims, signed with the API server's own key
// (ES256 here: an EC service-account key is one kube-apiserver accepts), that authenticate only
// while the ServiceAccount, and the object the token is bound to, still exist with the same uid.
import { createHash, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import type { UserInfo } from './authn.js';
import { serviceAccountUser } from './authn.js';
import type { Store } from './store.js';

/** kubeadm's --service-account-issuer, which also becomes the default --api-audiences. */
export const defaultIssuer = 'https://kubernetes.default.svc.cluster.local';

export interface ObjectRef {
  name: string;
  uid: string;
}

export interface BoundObject extends ObjectRef {
  kind: 'Pod' | 'Secret';
}

interface PrivateClaims {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
}

interface Claims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti: string;
  'kubernetes.io': PrivateClaims;
  nbf: number;
  sub: string;
}

export interface TokenOptions {
  namespace: string;
  serviceAccount: ObjectRef;
  audiences: string[];
  expirationSeconds: number;
  bound?: BoundObject;
  /** The node a bound pod runs on (claims of ServiceAccountTokenPodNodeInfo, beta in 1.30). */
  node?: ObjectRef;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export class ServiceAccountTokenIssuer {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly keyId: string;

  constructor(readonly issuer = defaultIssuer, readonly apiAudiences: string[] = [defaultIssuer]) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    // The key id kube-apiserver derives: the SHA-256 of the public key's DER form.
    this.keyId = b64url(createHash('sha256').update(pair.publicKey.export({ type: 'spki', format: 'der' })).digest());
  }

  issue(opts: TokenOptions, now = Date.now()): { token: string; expires: Date } {
    const iat = Math.floor(now / 1000);
    const exp = iat + opts.expirationSeconds;
    const kubernetes: PrivateClaims = { namespace: opts.namespace, serviceaccount: opts.serviceAccount };
    if (opts.bound?.kind === 'Pod') kubernetes.pod = { name: opts.bound.name, uid: opts.bound.uid };
    if (opts.bound?.kind === 'Secret') kubernetes.secret = { name: opts.bound.name, uid: opts.bound.uid };
    if (opts.node) kubernetes.node = opts.node;
    const claims: Claims = {
      aud: opts.audiences, exp, iat, iss: this.issuer, jti: randomUUID(), 'kubernetes.io': kubernetes, nbf: iat,
      sub: `system:serviceaccount:${opts.namespace}:${opts.serviceAccount.name}`,
    };
    const head = b64url(JSON.stringify({ alg: 'ES256', kid: this.keyId }));
    const body = b64url(JSON.stringify(claims));
    const signature = sign('sha256', Buffer.from(`${head}.${body}`), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return { token: `${head}.${body}.${b64url(signature)}`, expires: new Date(exp * 1000) };
  }

  /** The ServiceAccount user of a token, or undefined when it is not one of ours or no longer valid. */
  authenticate(token: string, store: Store, now = Date.now()): UserInfo | undefined {
    const claims = this.verified(token);
    if (!claims || claims.iss !== this.issuer) return undefined;
    if (!claims.aud.some((a) => this.apiAudiences.includes(a))) return undefined;
    const seconds = now / 1000;
    if (seconds >= claims.exp || seconds < claims.nbf) return undefined;
    const k = claims['kubernetes.io'];
    // claims.go Validate: the ServiceAccount, and a bound pod or secret, must still exist with the
    // uid the token names; one being deleted no longer counts.
    if (!stillExists(store, '/serviceaccounts', k.namespace, k.serviceaccount)) return undefined;
    if (k.pod && !stillExists(store, '/pods', k.namespace, k.pod)) return undefined;
    if (k.secret && !stillExists(store, '/secrets', k.namespace, k.secret)) return undefined;
    return serviceAccountUser(k.namespace, k.serviceaccount.name, k.serviceaccount.uid);
  }

  private verified(token: string): Claims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: string; kid?: string };
      if (header.alg !== 'ES256' || header.kid !== this.keyId) return undefined;
      const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: this.publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(parts[2], 'base64url'));
      if (!ok) return undefined;
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Claims;
      return claims['kubernetes.io']?.serviceaccount ? claims : undefined;
    } catch {
      return undefined;
    }
  }
}

function stillExists(store: Store, gr: string, namespace: string, ref: ObjectRef): boolean {
  const obj = store.get(gr, namespace, ref.name);
  return Boolean(obj) && obj?.metadata.uid === ref.uid && !obj?.metadata.deletionTimestamp;
}
