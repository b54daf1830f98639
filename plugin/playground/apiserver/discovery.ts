// Discovery documents: /version, the legacy /api and /apis lists with per-group-version
// APIResourceLists, and aggregated discovery (apidiscovery.k8s.io/v2 APIGroupDiscoveryList) when
// the Accept header asks for it, as kubectl 1.32 does.
import { createHash } from 'node:crypto';
import type { ResourceInfo } from './resources.js';
import {
  apiGroups, groupVersion, resourceVerbs, resources, subresourceKind, subresourceVerbs,
} from './resources.js';

type Obj = Record<string, unknown>;

export const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:02:27Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: `${process.platform === 'win32' ? 'windows' : process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

export const aggregatedContentType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** True when the Accept header asks for aggregated discovery (v2, or v2beta1 answered as v2). */
export function wantsAggregated(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('g=apidiscovery.k8s.io') && params.includes('as=APIGroupDiscoveryList') && params.includes('v=v2');
  });
}

function storageVersionHash(info: ResourceInfo): string {
  return createHash('sha256').update(`${info.group}/${info.version}/${info.kind}`).digest('base64').slice(0, 11);
}

function resourcesIn(group: string): ResourceInfo[] {
  return resources.filter((r) => r.group === group);
}

/** GET /api/v1, /apis/<group>/v1. */
export function apiResourceList(group: string): Obj {
  const list: Obj[] = [];
  for (const info of resourcesIn(group)) {
    const entry: Obj = {
      name: info.resource, singularName: info.singular, namespaced: info.namespaced, kind: info.kind, verbs: resourceVerbs(info),
    };
    if (info.shortNames.length > 0) entry.shortNames = info.shortNames;
    if (info.categories.length > 0) entry.categories = info.categories;
    entry.storageVersionHash = storageVersionHash(info);
    list.push(entry);
    for (const sub of info.subresources) {
      const rk = subresourceKind(info, sub);
      const subEntry: Obj = { name: `${info.resource}/${sub}`, singularName: '', namespaced: info.namespaced, kind: rk.kind, verbs: subresourceVerbs(sub) };
      if (rk.group !== info.group) {
        subEntry.group = rk.group;
        subEntry.version = rk.version;
      }
      list.push(subEntry);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version: 'v1' }), resources: list };
}

export function apiVersions(serverAddress: string): Obj {
  return {
    kind: 'APIVersions', versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(): Obj {
  return {
    kind: 'APIGroupList', apiVersion: 'v1',
    groups: apiGroups().map((name) => {
      const gv = { groupVersion: `${name}/v1`, version: 'v1' };
      return { name, versions: [gv], preferredVersion: gv };
    }),
  };
}

export function apiGroup(name: string): Obj {
  const gv = { groupVersion: `${name}/v1`, version: 'v1' };
  return { kind: 'APIGroup', apiVersion: 'v1', name, versions: [gv], preferredVersion: gv };
}

function discoveryResource(info: ResourceInfo): Obj {
  const entry: Obj = {
    resource: info.resource,
    responseKind: { group: info.group, version: info.version, kind: info.kind },
    scope: info.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: info.singular,
    verbs: resourceVerbs(info),
  };
  if (info.shortNames.length > 0) entry.shortNames = info.shortNames;
  if (info.categories.length > 0) entry.categories = info.categories;
  if (info.subresources.length > 0) {
    entry.subresources = info.subresources.map((sub) => ({
      subresource: sub, responseKind: subresourceKind(info, sub), verbs: subresourceVerbs(sub),
    }));
  }
  return entry;
}

function discoveryGroup(group: string): Obj {
  return {
    metadata: { name: group, creationTimestamp: null },
    versions: [{ version: 'v1', resources: resourcesIn(group).map(discoveryResource), freshness: 'Current' }],
  };
}

/** Aggregated discovery: /api answers the core group only, /apis every named group. */
export function aggregatedDiscovery(legacy: boolean): Obj {
  const groups = legacy ? [''] : apiGroups();
  return {
    kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {},
    items: groups.map(discoveryGroup),
  };
}
