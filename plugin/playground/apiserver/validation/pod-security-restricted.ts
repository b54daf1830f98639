// The restricted-level checks of k8s.io/pod-security-admission (policy/check_allowPrivilegeEscalation.go,
// check_capabilities_restricted.go, check_runAsNonRoot.go, check_runAsUser.go,
// check_seccompProfile_restricted.go, check_restrictedVolumes.go), with the library's wording.

import { containers, containersText, isWindows, joinQuote, pluralize, podSC, sc, sortedUnique, type CheckResult } from './pod-security-common.js';
import { isObj, list, str, type Obj } from './types.js';

export function allowPrivilegeEscalation(spec: Obj): CheckResult | undefined {
  if (isWindows(spec)) return undefined;
  const bad = containers(spec).filter((c) => sc(c)?.allowPrivilegeEscalation !== false).map((c) => str(c.name));
  if (!bad.length) return undefined;
  return { reason: 'allowPrivilegeEscalation != false', detail: `${containersText(bad)} must set securityContext.allowPrivilegeEscalation=false` };
}

export function capabilitiesRestricted(spec: Obj): CheckResult | undefined {
  if (isWindows(spec)) return undefined;
  const missingDrop: string[] = [];
  const adding: string[] = [];
  const forbiddenCaps = new Set<string>();
  for (const c of containers(spec)) {
    const caps = sc(c)?.capabilities;
    if (!isObj(caps)) {
      missingDrop.push(str(c.name));
      continue;
    }
    if (!list((caps as Obj).drop).includes('ALL')) missingDrop.push(str(c.name));
    const bad = list((caps as Obj).add).filter((a) => a !== 'NET_BIND_SERVICE');
    bad.forEach((a) => forbiddenCaps.add(str(a)));
    if (bad.length) adding.push(str(c.name));
  }
  const details: string[] = [];
  if (missingDrop.length) details.push(`${containersText(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length) details.push(`${containersText(adding)} must not include ${joinQuote(sortedUnique(forbiddenCaps))} in securityContext.capabilities.add`);
  return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
}

/** Shared shape of runAsNonRoot and seccompProfile: explicit bad setters first, then implicit ones. */
export function setterDetail(podBad: boolean, explicit: string[]): string[] {
  const setters = podBad ? ['pod'] : [];
  if (explicit.length) setters.push(containersText(explicit));
  return setters;
}

export function runAsNonRoot(spec: Obj): CheckResult | undefined {
  if (spec?.hostUsers === false) return undefined;
  const pod = podSC(spec)?.runAsNonRoot;
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containers(spec)) {
    const v = sc(c)?.runAsNonRoot;
    if (v === true || v === false) {
      if (v === false) explicit.push(str(c.name));
    } else if (pod !== true) implicit.push(str(c.name));
  }
  const setters = setterDetail(pod === false, explicit);
  if (setters.length) return { reason: 'runAsNonRoot != true', detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false` };
  if (implicit.length) return { reason: 'runAsNonRoot != true', detail: `pod or ${containersText(implicit)} must set securityContext.runAsNonRoot=true` };
  return undefined;
}

export function runAsUser(spec: Obj): CheckResult | undefined {
  if (spec?.hostUsers === false) return undefined;
  const explicit = containers(spec).filter((c) => sc(c)?.runAsUser === 0).map((c) => str(c.name));
  const setters = setterDetail(podSC(spec)?.runAsUser === 0, explicit);
  return setters.length ? { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0` } : undefined;
}

export function seccompRestricted(spec: Obj): CheckResult | undefined {
  if (isWindows(spec)) return undefined;
  const valid = (t: unknown): boolean => t === 'RuntimeDefault' || t === 'Localhost';
  const badValues = new Set<string>();
  const podProfile = podSC(spec)?.seccompProfile;
  let podSet = false;
  let podBad = false;
  if (isObj(podProfile)) {
    if (valid((podProfile as Obj).type)) podSet = true;
    else {
      podBad = true;
      badValues.add(str((podProfile as Obj).type));
    }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containers(spec)) {
    const profile = sc(c)?.seccompProfile;
    if (isObj(profile)) {
      if (!valid((profile as Obj).type)) {
        explicit.push(str(c.name));
        badValues.add(str((profile as Obj).type));
      }
    } else if (!podSet) implicit.push(str(c.name));
  }
  const setters = setterDetail(podBad, explicit);
  if (setters.length) return { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(badValues))}` };
  if (implicit.length) return { reason: 'seccompProfile', detail: `pod or ${containersText(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
  return undefined;
}

const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const OTHER_VOLUMES = ['hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd',
  'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'portworxVolume',
  'photonPersistentDisk', 'scaleIO', 'storageos', 'image'];

export function restrictedVolumes(spec: Obj): CheckResult | undefined {
  const bad: string[] = [];
  const types = new Set<string>();
  for (const v of list(spec?.volumes)) {
    if (RESTRICTED_VOLUMES.some((k) => isObj(v?.[k]))) continue;
    bad.push(str(v?.name));
    types.add(OTHER_VOLUMES.find((k) => isObj(v?.[k])) ?? 'unknown');
  }
  if (!bad.length) return undefined;
  const t = sortedUnique(types);
  return {
    reason: 'restricted volume types',
    detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${
      pluralize('restricted volume type', 'restricted volume types', t.length)} ${joinQuote(t)}`,
  };
}

