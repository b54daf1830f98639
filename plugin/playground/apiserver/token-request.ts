// The serviceaccounts/token subresource (TokenRequest, authentication.k8s.io/v1), what
// `kubectl create token` posts: pkg/registry/core/serviceaccount/storage/token.go, with the
// defaulting of pkg/apis/authentication/v1 (one hour) and the bounds of
// pkg/apis/authentication/validation ValidateTokenRequest.
import type { Registry } from './registry.js';
import { findResource } from './resources.js';
import type { ResourceInfo } from './resources.js';
import { ApiError, badRequest, conflict, invalid, notFoundPath } from './status.js';
import type { BoundObject, ObjectRef, ServiceAccountTokenIssuer } from './service-account-jwt.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const tokenRequestInfo = { group: 'authentication.k8s.io', resource: 'tokenrequests', kind: 'TokenRequest' } as ResourceInfo;
const minSeconds = 10 * 60;
const maxSeconds = 2 ** 32;

function core(resource: string): ResourceInfo {
  const info = findResource('', 'v1', resource);
  if (!info) throw notFoundPath();
  return info;
}

function fieldInvalid(name: string, field: string, value: unknown, detail: string): ApiError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return invalid(tokenRequestInfo, name, [{ type: 'FieldValueInvalid', field, message: `${field}: Invalid value: ${shown}: ${detail}` }]);
}

/** The object a token is to be bound to (only pods and secrets, as in 1.32 without node binding). */
function boundObject(reg: Registry, ns: string, saName: string, ref: Obj): { bound: BoundObject; node?: ObjectRef } {
  const [group, version] = String(ref.apiVersion ?? '').includes('/') ? String(ref.apiVersion).split('/') : ['', String(ref.apiVersion ?? '')];
  const kind = String(ref.kind ?? '');
  let obj: Obj;
  if (group === '' && kind === 'Pod') {
    obj = reg.get(core('pods'), ns, String(ref.name ?? ''));
    const podSa = obj.spec?.serviceAccountName ?? '';
    if (podSa !== saName) {
      throw badRequest(`cannot bind token for serviceaccount ${JSON.stringify(saName)} to pod running with serviceaccount ${JSON.stringify(podSa)}`);
    }
  } else if (group === '' && kind === 'Secret') {
    obj = reg.get(core('secrets'), ns, String(ref.name ?? ''));
  } else {
    throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${kind}`);
  }
  const uid: string = obj.metadata.uid;
  if (ref.uid && ref.uid !== uid) {
    const info = { group, resource: kind } as ResourceInfo;
    throw conflict(info, String(ref.name), `the UID in the bound object reference (${String(ref.uid)}) does not match the UID in record (${uid}). The object might have been deleted and then recreated`);
  }
  let node: ObjectRef | undefined;
  const nodeName = kind === 'Pod' ? obj.spec?.nodeName : undefined;
  const nodeObj = nodeName ? reg.store.get('/nodes', '', nodeName) : undefined;
  if (nodeObj) node = { name: nodeName, uid: nodeObj.metadata.uid };
  return { bound: { kind, name: obj.metadata.name, uid } as BoundObject, node };
}

/** POST .../serviceaccounts/{name}/token: a TokenRequest with status.token and its expiry. */
export function createToken(reg: Registry, issuer: ServiceAccountTokenIssuer, ns: string, name: string, body: Obj): Obj {
  const meta: Obj = body.metadata ?? {};
  if (meta.name && meta.name !== name) throw fieldInvalid(name, 'metadata.name', meta.name, 'must match the service account name if specified');
  if (meta.namespace && meta.namespace !== ns) {
    throw fieldInvalid(name, 'metadata.namespace', meta.namespace, 'must match the service account namespace if specified');
  }
  const sa = reg.get(core('serviceaccounts'), ns, name);
  const spec: Obj = body.spec ?? {};
  const expirationSeconds: number = spec.expirationSeconds ?? 3600;
  if (expirationSeconds < minSeconds) throw fieldInvalid('', 'spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes');
  if (expirationSeconds > maxSeconds) throw fieldInvalid('', 'spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds');
  const binding = spec.boundObjectRef ? boundObject(reg, ns, name, spec.boundObjectRef) : undefined;
  const audiences: string[] = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences : issuer.apiAudiences;
  const { token, expires } = issuer.issue({
    namespace: ns, serviceAccount: { name, uid: sa.metadata.uid }, audiences, expirationSeconds,
    bound: binding?.bound, node: binding?.node,
  });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace: ns, creationTimestamp: null },
    spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token, expirationTimestamp: expires.toISOString().replace('.000Z', 'Z') },
  };
}
