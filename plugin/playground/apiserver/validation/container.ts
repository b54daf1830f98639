// Validation of one container (core/validation/validation.go validateContainerCommon and the
// helpers it calls: ports, env, envFrom, volumeMounts, pull policy, probes), with the real texts.

import { cmp, formatQ, parseQuantity } from '../../quota/quantities.js';
import { forbidden, invalid, invalidEach, notFound, notSupported, required, duplicate, type FieldError } from './field-error.js';
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isRelaxedEnvVarName, isValidPortName, isValidPortNum } from './names.js';
import { isObj, list, str, type Obj } from './types.js';

const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];

export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return invalidEach(path, port, isValidPortNum(port));
  if (typeof port === 'string') return invalidEach(path, port, isValidPortName(port));
  return [required(path)];
}

function validateContainerPorts(ports: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `${path}[${i}]`;
    const name = str(port?.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) errs.push(...invalidEach(`${p}.name`, name, msgs));
      else if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
      else names.add(name);
    }
    if (!port?.containerPort) errs.push(required(`${p}.containerPort`));
    else errs.push(...invalidEach(`${p}.containerPort`, port.containerPort, isValidPortNum(port.containerPort)));
    if (port?.hostPort) errs.push(...invalidEach(`${p}.hostPort`, port.hostPort, isValidPortNum(port.hostPort)));
    if (!port?.protocol) errs.push(required(`${p}.protocol`));
    else if (!['SCTP', 'TCP', 'UDP'].includes(port.protocol)) errs.push(notSupported(`${p}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
  });
  return errs;
}

function validateKeySelector(ref: Obj, path: string): FieldError[] {
  const errs = invalidEach(`${path}.name`, str(ref.name), isDNS1123Subdomain(str(ref.name)));
  if (!ref.key) errs.push(required(`${path}.key`));
  else errs.push(...invalidEach(`${path}.key`, ref.key, isConfigMapKey(str(ref.key))));
  return errs;
}

function validateValueFrom(ev: Obj, path: string): FieldError[] {
  const from = ev.valueFrom;
  if (!isObj(from)) return [];
  const errs: FieldError[] = [];
  let sources = 0;
  if (isObj(from.fieldRef)) {
    sources++;
    const ref = from.fieldRef as Obj;
    const fp = str(ref.fieldPath);
    if (!ref.apiVersion) errs.push(required(`${path}.fieldRef.apiVersion`));
    if (!fp) errs.push(required(`${path}.fieldRef.fieldPath`));
    else if (!ENV_FIELD_PATHS.includes(fp) && !/^metadata\.(labels|annotations)\['.+'\]$/.test(fp)) {
      errs.push(notSupported(`${path}.fieldRef.fieldPath`, fp, ENV_FIELD_PATHS));
    }
  }
  if (isObj(from.resourceFieldRef)) sources++;
  if (isObj(from.configMapKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(from.configMapKeyRef, `${path}.configMapKeyRef`));
  }
  if (isObj(from.secretKeyRef)) {
    sources++;
    errs.push(...validateKeySelector(from.secretKeyRef, `${path}.secretKeyRef`));
  }
  if (sources === 0) errs.push(invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (str(ev.value) !== '') errs.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

function validateEnv(env: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  env.forEach((ev, i) => {
    const p = `${path}[${i}]`;
    const name = str(ev?.name);
    if (!name) errs.push(required(`${p}.name`));
    errs.push(...invalidEach(`${p}.name`, name, isRelaxedEnvVarName(name)));
    errs.push(...validateValueFrom(ev ?? {}, `${p}.valueFrom`));
  });
  return errs;
}

function validateEnvFrom(envFrom: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  envFrom.forEach((ef, i) => {
    const p = `${path}[${i}]`;
    if (ef?.prefix) errs.push(...invalidEach(`${p}.prefix`, ef.prefix, isRelaxedEnvVarName(str(ef.prefix))));
    let sources = 0;
    for (const ref of ['configMapRef', 'secretRef']) {
      if (!isObj(ef?.[ref])) continue;
      sources++;
      const name = str(ef[ref].name);
      if (!name) errs.push(required(`${p}.${ref}.name`));
      else errs.push(...invalidEach(`${p}.${ref}.name`, name, isDNS1123Subdomain(name)));
    }
    if (sources === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

/** validateLocalDescendingPath: relative, without '..' elements. */
export function validateLocalPath(target: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(invalid(path, target, 'must be a relative path'));
  if (target.split('/').includes('..')) errs.push(invalid(path, target, "must not contain '..'"));
  return errs;
}

function validateVolumeMounts(mounts: Obj[], volumes: Set<string>, path: string, ephemeral: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  mounts.forEach((m, i) => {
    const p = `${path}[${i}]`;
    const name = str(m?.name);
    const mountPath = str(m?.mountPath);
    if (!name) errs.push(required(`${p}.name`));
    if (!volumes.has(name)) errs.push(notFound(`${p}.name`, name));
    if (!mountPath) errs.push(required(`${p}.mountPath`));
    if (mountPoints.has(mountPath)) errs.push(invalid(`${p}.mountPath`, mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (m?.subPath) {
      if (ephemeral) errs.push(forbidden(`${p}.subPath`, 'cannot be set for an Ephemeral Container'));
      // validation.go passes fldPath (the list), not the item path, for subPath
      errs.push(...validateLocalPath(str(m.subPath), `${path}.subPath`));
    }
  });
  return errs;
}

const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

/** validateHandler: exactly one of exec/httpGet/tcpSocket/grpc (lifecycle handlers add sleep). */
export function validateHandler(handler: Obj, path: string, kinds = HANDLERS): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of kinds) {
    const h = handler?.[kind];
    if (!isObj(h)) continue;
    if (count > 0) {
      errs.push(forbidden(`${path}.${kind}`, 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    const p = `${path}.${kind}`;
    if (kind === 'exec' && list(h.command).length === 0) errs.push(required(`${p}.command`));
    if (kind === 'httpGet') {
      if (!h.path) errs.push(required(`${p}.path`));
      errs.push(...validatePortNumOrName(h.port, `${p}.port`));
      if (h.scheme && !['HTTP', 'HTTPS'].includes(str(h.scheme))) errs.push(notSupported(`${p}.scheme`, h.scheme, ['HTTP', 'HTTPS']));
    }
    if (kind === 'tcpSocket') errs.push(...validatePortNumOrName(h.port, `${p}.port`));
    if (kind === 'grpc') errs.push(...invalidEach(`${p}.port`, h.port, isValidPortNum(Number(h.port))));
  }
  if (count === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(probe: Obj, path: string, successMustBeOne: boolean): FieldError[] {
  if (!isObj(probe)) return [];
  const errs = validateHandler(probe, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const v = (probe as Obj)[f];
    if (typeof v === 'number' && v < 0) errs.push(invalid(`${path}.${f}`, v, 'must be greater than or equal to 0'));
  }
  if (successMustBeOne && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(invalid(`${path}.successThreshold`, probe.successThreshold, 'must be 1'));
  }
  return errs;
}

export interface ContainerContext { volumes: Set<string>; ephemeral?: boolean; init?: boolean }

/**
 * validateContainerOnlyForPod: a pod's image (not a template's, for backwards compatibility) may
 * not start or end with whitespace. Nothing else about the reference is the API server's business:
 * the kubelet parses it (InvalidImageName).
 */
export function validateImageOnlyForPod(ctr: Obj, path: string): FieldError[] {
  const image = str(ctr?.image);
  return image.trim() !== image ? [invalid(`${path}.image`, image, 'must not have leading or trailing whitespace')] : [];
}

/**
 * ValidateResourceRequirements' request against limit: a request above its limit (and, for what
 * may not be overcommitted, hugepages and extended resources, any other request) is refused on
 * the requests field as a whole. What a LimitRange defaults is checked the same way.
 */
function validateRequestsWithinLimits(resources: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limits = isObj(resources?.limits) ? resources.limits : {};
  const requests = isObj(resources?.requests) ? resources.requests : {};
  for (const [name, raw] of Object.entries(requests).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!(name in limits)) continue;
    const request = parseQuantity(String(raw));
    const limit = parseQuantity(String(limits[name]));
    const overcommit = !name.startsWith('hugepages-') && (!name.includes('/') || name.includes('kubernetes.io/'));
    if (!overcommit && cmp(request, limit) !== 0) errs.push(invalid(`${path}.requests`, formatQ(request), `must be equal to ${name} limit of ${formatQ(limit)}`));
    else if (cmp(request, limit) > 0) errs.push(invalid(`${path}.requests`, formatQ(request), `must be less than or equal to ${name} limit of ${formatQ(limit)}`));
  }
  return errs;
}

/** validateContainerCommon plus the per-list probe rules of validateContainers/validateInitContainers. */
export function validateContainer(ctr: Obj, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(ctr?.name);
  if (!name) errs.push(required(`${path}.name`));
  else errs.push(...invalidEach(`${path}.name`, name, isDNS1123Label(name)));
  if (!ctr?.image) errs.push(required(`${path}.image`));
  const tmp = ctr?.terminationMessagePolicy;
  if (!tmp) errs.push(required(`${path}.terminationMessagePolicy`));
  else if (!['File', 'FallbackToLogsOnError'].includes(tmp)) errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, ['File', 'FallbackToLogsOnError']));
  errs.push(...validateContainerPorts(list(ctr?.ports), `${path}.ports`));
  errs.push(...validateEnv(list(ctr?.env), `${path}.env`));
  errs.push(...validateEnvFrom(list(ctr?.envFrom), `${path}.envFrom`));
  errs.push(...validateVolumeMounts(list(ctr?.volumeMounts), ctx.volumes, `${path}.volumeMounts`, !!ctx.ephemeral));
  const pull = ctr?.imagePullPolicy;
  if (!pull) errs.push(required(`${path}.imagePullPolicy`));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(pull)) errs.push(notSupported(`${path}.imagePullPolicy`, pull, ['Always', 'IfNotPresent', 'Never']));
  errs.push(...validateRequestsWithinLimits(ctr?.resources, `${path}.resources`));
  if (ctx.ephemeral) return errs;
  const sidecar = ctx.init && ctr?.restartPolicy === 'Always';
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (ctx.init && !sidecar && ctr?.[probe] !== undefined) {
      errs.push(forbidden(`${path}.${probe}`, 'may not be set for init containers without restartPolicy=Always'));
      continue;
    }
    errs.push(...validateProbe(ctr?.[probe], `${path}.${probe}`, probe !== 'readinessProbe'));
  }
  if (!ctx.init && ctr?.restartPolicy !== undefined) errs.push(forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
  return errs;
}
