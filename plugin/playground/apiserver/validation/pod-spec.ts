// PodSpec validation (core/validation/validation.go ValidatePodSpec, validateContainers,
// validateInitContainers, validateEphemeralContainers, ValidatePodTemplateSpec).

import { duplicate, forbidden, invalid, invalidEach, notFound, notSupported, required, type FieldError } from './field-error.js';
import { validateContainer, validateImageOnlyForPod } from './container.js';
import { validateAnnotations, validateLabels } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain } from './names.js';
import { validateVolumes } from './volumes.js';
import { isObj, list, str, type Obj } from './types.js';

/** Fields an ephemeral container may set (validation.go allowedEphemeralContainerFields). */
const EPHEMERAL_ALLOWED = new Set(['name', 'image', 'command', 'args', 'workingDir', 'env', 'envFrom', 'volumeMounts',
  'volumeDevices', 'securityContext', 'stdin', 'stdinOnce', 'tty', 'imagePullPolicy', 'targetContainerName',
  'terminationMessagePath', 'terminationMessagePolicy']);
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isObj(v) && Object.values(v).every(isZero);
}

function validateEphemeral(spec: Obj, path: string, volumes: Set<string>, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const targets = new Set([...list(spec.containers), ...list(spec.initContainers)].map((c) => str(c?.name)));
  list(spec.ephemeralContainers).forEach((ec, i) => {
    const p = `${path}[${i}]`;
    const name = str(ec?.name);
    if (name && names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
    if (ec?.targetContainerName && !targets.has(str(ec.targetContainerName))) {
      errs.push(notFound(`${p}.targetContainerName`, ec.targetContainerName));
    }
    for (const [key, value] of Object.entries(ec ?? {})) {
      // validateFieldAllowList flags only non-zero fields (a defaulted `resources: {}` is zero)
      if (!EPHEMERAL_ALLOWED.has(key) && !isZero(value)) errs.push(forbidden(`${p}.${key}`, 'cannot be set for an Ephemeral Container'));
    }
    errs.push(...validateContainer(ec, p, { volumes, ephemeral: true }));
    // validateEphemeralContainers calls validateContainerOnlyForPod directly.
    errs.push(...validateImageOnlyForPod(ec, p));
  });
  return errs;
}

export function validatePodSpec(spec: Obj, path: string): FieldError[] {
  if (!isObj(spec)) return [required(path)];
  const errs: FieldError[] = [];
  const vols = validateVolumes(list(spec.volumes), `${path}.volumes`);
  errs.push(...vols.errs);
  const names = new Set<string>();
  const containers = list(spec.containers);
  if (containers.length === 0) errs.push(required(`${path}.containers`));
  containers.forEach((c, i) => {
    const p = `${path}.containers[${i}]`;
    errs.push(...validateContainer(c, p, { volumes: vols.valid }));
    const name = str(c?.name);
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
  });
  list(spec.initContainers).forEach((c, i) => {
    const p = `${path}.initContainers[${i}]`;
    const name = str(c?.name);
    if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
    else names.add(name);
    errs.push(...validateContainer(c, p, { volumes: vols.valid, init: true }));
  });
  errs.push(...validateEphemeral(spec, `${path}.ephemeralContainers`, vols.valid, names));
  const rp = str(spec.restartPolicy);
  if (!rp) errs.push(required(`${path}.restartPolicy`));
  else if (!['Always', 'OnFailure', 'Never'].includes(rp)) errs.push(notSupported(`${path}.restartPolicy`, rp, ['Always', 'OnFailure', 'Never']));
  const dns = str(spec.dnsPolicy);
  if (!dns) errs.push(required(`${path}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(dns)) errs.push(notSupported(`${path}.dnsPolicy`, dns, DNS_POLICIES));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  list(spec.imagePullSecrets).forEach((s, i) => {
    if (!s?.name) errs.push(required(`${path}.imagePullSecrets[${i}].name`));
  });
  if (spec.serviceAccountName) errs.push(...invalidEach(`${path}.serviceAccountName`, spec.serviceAccountName, isDNS1123Subdomain(str(spec.serviceAccountName))));
  if (spec.activeDeadlineSeconds !== undefined) {
    const v = spec.activeDeadlineSeconds;
    if (typeof v !== 'number' || v < 1 || v > 2147483647) errs.push(invalid(`${path}.activeDeadlineSeconds`, v, 'must be between 1 and 2147483647, inclusive'));
  }
  if (spec.hostname) errs.push(...invalidEach(`${path}.hostname`, spec.hostname, isDNS1123Label(str(spec.hostname))));
  if (spec.subdomain) errs.push(...invalidEach(`${path}.subdomain`, spec.subdomain, isDNS1123Label(str(spec.subdomain))));
  return errs;
}

/** ValidatePodTemplateSpec: note the labels path is `<path>.labels` (no `metadata`), as in Go. */
export function validatePodTemplateSpec(template: Obj, path: string): FieldError[] {
  if (!isObj(template)) return [required(path)];
  const errs: FieldError[] = [];
  const meta = (template as Obj).metadata ?? {};
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validatePodSpec((template as Obj).spec, `${path}.spec`));
  if (list((template as Obj).spec?.ephemeralContainers).length > 0) {
    errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}
