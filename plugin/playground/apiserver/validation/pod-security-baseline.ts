// The baseline-level checks of k8s.io/pod-security-admission (policy/check_hostNamespaces.go,
// check_hostPathVolumes.go, check_hostPorts.go, check_privileged.go, check_procMount.go,
// check_sysctls.go, check_appArmorProfile.go, check_seLinuxOptions.go, check_windowsHostProcess.go,
// check_seccompProfile_baseline.go, check_capabilities_baseline.go), with the library's wording.

import { setterDetail } from './pod-security-restricted.js';
import { containers, containersText, joinQuote, pluralize, podSC, sc, sortedUnique, type CheckResult } from './pod-security-common.js';
import { isObj, list, str, type Obj } from './types.js';

export function seccompBaseline(spec: Obj): CheckResult | undefined {
  const explicit = containers(spec).filter((c) => sc(c)?.seccompProfile?.type === 'Unconfined').map((c) => str(c.name));
  const setters = setterDetail(podSC(spec)?.seccompProfile?.type === 'Unconfined', explicit);
  return setters.length ? { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to "Unconfined"` } : undefined;
}

export function hostNamespaces(spec: Obj): CheckResult | undefined {
  const ns = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => spec?.[k] === true).map((k) => `${k}=true`);
  return ns.length ? { reason: 'host namespaces', detail: ns.join(', ') } : undefined;
}

export function hostPathVolumes(spec: Obj): CheckResult | undefined {
  const names = list(spec?.volumes).filter((v) => isObj(v?.hostPath)).map((v) => str(v.name));
  return names.length ? { reason: 'hostPath volumes', detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}` } : undefined;
}

export function hostPorts(spec: Obj): CheckResult | undefined {
  const bad: string[] = [];
  const ports = new Set<string>();
  for (const c of containers(spec)) {
    const hp = list(c?.ports).filter((p) => p?.hostPort).map((p) => String(p.hostPort));
    hp.forEach((p) => ports.add(p));
    if (hp.length) bad.push(str(c.name));
  }
  if (!bad.length) return undefined;
  const p = sortedUnique(ports);
  return { reason: 'hostPort', detail: `${containersText(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', p.length)} ${p.join(', ')}` };
}

export function privileged(spec: Obj): CheckResult | undefined {
  const bad = containers(spec).filter((c) => sc(c)?.privileged === true).map((c) => str(c.name));
  return bad.length ? { reason: 'privileged', detail: `${containersText(bad)} must not set securityContext.privileged=true` } : undefined;
}

export function procMount(spec: Obj): CheckResult | undefined {
  if (spec?.hostUsers === false) return undefined;
  const bad = containers(spec).filter((c) => sc(c)?.procMount !== undefined && sc(c).procMount !== 'Default');
  if (!bad.length) return undefined;
  const types = sortedUnique(bad.map((c) => str(sc(c).procMount)));
  return { reason: 'procMount', detail: `${containersText(bad.map((c) => str(c.name)))} must not set securityContext.procMount to ${joinQuote(types)}` };
}

const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);

export function sysctls(spec: Obj): CheckResult | undefined {
  const bad = list(podSC(spec)?.sysctls).map((s) => str(s?.name)).filter((n) => !SAFE_SYSCTLS.has(n));
  return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
}

/**
 * check_appArmorProfile.go (1.30+): Unconfined (or unknown) profile types on the pod or containers,
 * and beta annotations other than runtime/default or localhost/*, in one sentence.
 */
export function appArmor(spec: Obj, meta: Obj): CheckResult | undefined {
  const setters: string[] = [];
  const values = new Set<string>();
  const badType = (p: Obj): boolean => isObj(p) && (p as Obj).type !== 'RuntimeDefault' && (p as Obj).type !== 'Localhost';
  if (badType(podSC(spec)?.appArmorProfile)) {
    setters.push('pod');
    values.add(str(podSC(spec).appArmorProfile.type));
  }
  const bad = containers(spec).filter((c) => badType(sc(c)?.appArmorProfile));
  bad.forEach((c) => values.add(str(sc(c).appArmorProfile.type)));
  if (bad.length) setters.push(containersText(bad.map((c) => str(c.name))));
  const list = [...values];
  const prefix = 'container.apparmor.security.beta.kubernetes.io/';
  const annotations = Object.entries(isObj(meta?.annotations) ? meta.annotations : {})
    .filter(([k, v]) => k.startsWith(prefix) && v !== '' && v !== 'runtime/default' && !str(v).startsWith('localhost/'))
    .map(([k, v]) => `${k}=${JSON.stringify(str(v))}`);
  if (annotations.length) {
    setters.push('annotations');
    list.push(...annotations);
  }
  if (!setters.length) return undefined;
  list.sort();
  return {
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', list.length),
    detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(list)}`,
  };
}

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

export function seLinuxOptions(spec: Obj): CheckResult | undefined {
  const badTypes = new Set<string>();
  let user = false;
  let role = false;
  const ok = (o: Obj): boolean => {
    if (!isObj(o)) return true;
    let valid = true;
    const t = str((o as Obj).type);
    if (!SELINUX_TYPES.has(t)) { valid = false; badTypes.add(t); }
    if ((o as Obj).user) { valid = false; user = true; }
    if ((o as Obj).role) { valid = false; role = true; }
    return valid;
  };
  const setters = ok(podSC(spec)?.seLinuxOptions) ? [] : ['pod'];
  const bad = containers(spec).filter((c) => !ok(sc(c)?.seLinuxOptions)).map((c) => str(c.name));
  if (bad.length) setters.push(containersText(bad));
  if (!setters.length) return undefined;
  const data: string[] = [];
  const t = sortedUnique(badTypes);
  if (t.length) data.push(`${pluralize('type', 'types', t.length)} ${joinQuote(t)}`);
  if (user) data.push('user may not be set');
  if (role) data.push('role may not be set');
  return { reason: 'seLinuxOptions', detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
}

export function hostProcess(spec: Obj): CheckResult | undefined {
  const bad = containers(spec).filter((c) => sc(c)?.windowsOptions?.hostProcess === true).map((c) => str(c.name));
  const setters = setterDetail(podSC(spec)?.windowsOptions?.hostProcess === true, bad);
  return setters.length ? { reason: 'hostProcess', detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true` } : undefined;
}

const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/** check_capabilities_baseline.go: only at the baseline level (restricted has its own). */
export function capabilitiesBaseline(spec: Obj): CheckResult | undefined {
  const bad: string[] = [];
  const caps = new Set<string>();
  for (const c of containers(spec)) {
    const added = list(sc(c)?.capabilities?.add).map(str).filter((a) => !BASELINE_CAPS.has(a));
    added.forEach((a) => caps.add(a));
    if (added.length) bad.push(str(c.name));
  }
  if (!bad.length) return undefined;
  return { reason: 'non-default capabilities', detail: `${containersText(bad)} must not include ${joinQuote(sortedUnique(caps))} in securityContext.capabilities.add` };
}
