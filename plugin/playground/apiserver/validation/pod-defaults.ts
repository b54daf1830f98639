// Defaulting of pod specs, as k8s.io/kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec,
// SetDefaults_Pod, SetDefaults_Container, SetDefaults_Probe, SetDefaults_Volume, ...) and the v1
// conversion do it. Every default fills only what is absent, so defaulting twice equals once.

import { isObj, list, str, type Obj } from './types.js';

function setIfAbsent(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null || o[key] === '') o[key] = value;
}

/** parsers.ParseImageName: no tag and no digest means `latest`. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  if (colon >= 0) return lastPart.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultHandler(handler: Obj): void {
  if (!isObj(handler)) return;
  const h = handler as Obj;
  if (isObj(h.httpGet)) {
    setIfAbsent(h.httpGet, 'path', '/');
    setIfAbsent(h.httpGet, 'scheme', 'HTTP');
  }
  if (isObj(h.grpc) && (h.grpc as Obj).service === undefined) (h.grpc as Obj).service = '';
}

function defaultProbe(probe: Obj): void {
  if (!isObj(probe)) return;
  const p = probe as Obj;
  setIfAbsent(p, 'timeoutSeconds', 1);
  setIfAbsent(p, 'periodSeconds', 10);
  setIfAbsent(p, 'successThreshold', 1);
  setIfAbsent(p, 'failureThreshold', 3);
  defaultHandler(p);
}

function defaultFieldRef(ref: Obj): void {
  if (isObj(ref)) setIfAbsent(ref, 'apiVersion', 'v1');
}

function defaultContainer(c: Obj): void {
  if (!isObj(c)) return;
  const ctr = c as Obj;
  if (!ctr.imagePullPolicy) ctr.imagePullPolicy = imageTag(str(ctr.image)) === 'latest' ? 'Always' : 'IfNotPresent';
  setIfAbsent(ctr, 'terminationMessagePath', '/dev/termination-log');
  setIfAbsent(ctr, 'terminationMessagePolicy', 'File');
  // ResourceRequirements is a struct value in Go, so it always serializes (as {} when empty)
  if (!isObj(ctr.resources)) ctr.resources = {};
  for (const port of list(ctr.ports)) if (isObj(port)) setIfAbsent(port, 'protocol', 'TCP');
  for (const ev of list(ctr.env)) {
    defaultFieldRef(ev?.valueFrom?.fieldRef);
    const rf = ev?.valueFrom?.resourceFieldRef;
    if (isObj(rf)) setIfAbsent(rf, 'divisor', '0');
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(ctr[probe]);
  if (isObj(ctr.lifecycle)) {
    defaultHandler((ctr.lifecycle as Obj).postStart);
    defaultHandler((ctr.lifecycle as Obj).preStop);
  }
}

function defaultVolume(v: Obj): void {
  if (!isObj(v)) return;
  const vol = v as Obj;
  const sources = Object.keys(vol).filter((k) => k !== 'name');
  if (sources.length === 0) vol.emptyDir = {};
  for (const kind of ['configMap', 'secret', 'downwardAPI', 'projected']) {
    if (isObj(vol[kind])) setIfAbsent(vol[kind], 'defaultMode', 420);
  }
  if (isObj(vol.hostPath) && vol.hostPath.type === undefined) vol.hostPath.type = '';
  for (const item of list(vol.downwardAPI?.items)) defaultFieldRef(item?.fieldRef);
  for (const source of list(vol.projected?.sources)) {
    if (isObj(source?.serviceAccountToken)) setIfAbsent(source.serviceAccountToken, 'expirationSeconds', 3600);
    for (const item of list(source?.downwardAPI?.items)) defaultFieldRef(item?.fieldRef);
  }
}

/** SetDefaults_PodSpec and the per-element defaults; used for pods and for pod templates. */
export function defaultPodSpec(spec: Obj): void {
  if (!isObj(spec)) return;
  const s = spec as Obj;
  setIfAbsent(s, 'dnsPolicy', 'ClusterFirst');
  setIfAbsent(s, 'restartPolicy', 'Always');
  if (!isObj(s.securityContext)) s.securityContext = {};
  if (s.terminationGracePeriodSeconds === undefined || s.terminationGracePeriodSeconds === null) s.terminationGracePeriodSeconds = 30;
  setIfAbsent(s, 'schedulerName', 'default-scheduler');
  // v1 conversion keeps the deprecated serviceAccount in step with serviceAccountName
  if (s.serviceAccountName && !s.serviceAccount) s.serviceAccount = s.serviceAccountName;
  else if (s.serviceAccount && !s.serviceAccountName) s.serviceAccountName = s.serviceAccount;
  for (const c of [...list(s.containers), ...list(s.initContainers), ...list(s.ephemeralContainers)]) defaultContainer(c);
  for (const v of list(s.volumes)) defaultVolume(v);
}

const DEFAULT_TOLERATIONS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/**
 * SetDefaults_Pod (enableServiceLinks, requests from limits, host-network ports) plus what the
 * default admission plugins add to every pod: ServiceAccount (serviceAccountName "default"),
 * Priority (priority 0, preemptionPolicy) and DefaultTolerationSeconds (300s NoExecute tolerations).
 */
export function defaultPod(pod: Obj): void {
  if (!isObj(pod?.spec)) return;
  const spec = pod.spec as Obj;
  defaultPodSpec(spec);
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;
  for (const c of [...list(spec.containers), ...list(spec.initContainers)]) {
    const res = c?.resources;
    if (!isObj(res) || !isObj((res as Obj).limits)) continue;
    const r = res as Obj;
    r.requests = { ...r.limits, ...(isObj(r.requests) ? r.requests : {}) };
  }
  if (spec.hostNetwork === true) {
    for (const c of list(spec.containers)) for (const p of list(c?.ports)) if (isObj(p)) setIfAbsent(p, 'hostPort', (p as Obj).containerPort);
  }
  setIfAbsent(spec, 'serviceAccountName', 'default');
  setIfAbsent(spec, 'serviceAccount', spec.serviceAccountName);
  if (spec.priority === undefined && !spec.priorityClassName) spec.priority = 0;
  setIfAbsent(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  const tolerations = list(spec.tolerations);
  for (const key of DEFAULT_TOLERATIONS) {
    const has = tolerations.some((t) => t?.key === key && (t?.effect === 'NoExecute' || !t?.effect));
    if (!has) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}
