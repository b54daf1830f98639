// Service validation (core/validation/validation.go ValidateService, validateServicePort and the
// clusterIP rules of ValidateServiceUpdate).

import { GoLiteral, duplicate, forbidden, invalid, invalidEach, notSupported, required, type FieldError } from './field-error.js';
import { validatePortNumOrName } from './container.js';
import { validateLabels } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortNum } from './names.js';
import { isObj, list, str, type Obj } from './types.js';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/** %#v of the core.ServicePort{Protocol, Port} key used to find duplicate ports. */
const portKey = (protocol: string, port: unknown): GoLiteral => new GoLiteral(`core.ServicePort{Name:"", Protocol:${JSON.stringify(protocol)}, `
  + `AppProtocol:(*string)(nil), Port:${Number(port) || 0}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`);

export function validateServiceSpec(svc: Obj): FieldError[] {
  const spec: Obj = isObj(svc?.spec) ? svc.spec : {};
  const errs: FieldError[] = [];
  const type = str(spec.type);
  const ports = list(spec.ports);
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  if (type === 'ExternalName') {
    if (spec.externalName) errs.push(...invalidEach('spec.externalName', spec.externalName, isDNS1123Subdomain(str(spec.externalName))));
    else errs.push(required('spec.externalName'));
  }
  const names = new Set<string>();
  ports.forEach((sp, i) => {
    const p = `spec.ports[${i}]`;
    const name = str(sp?.name);
    if (ports.length > 1 && !name) errs.push(required(`${p}.name`));
    else if (name) {
      errs.push(...invalidEach(`${p}.name`, name, isDNS1123Label(name)));
      if (names.has(name)) errs.push(duplicate(`${p}.name`, name));
      else names.add(name);
    }
    errs.push(...invalidEach(`${p}.port`, sp?.port, isValidPortNum(Number(sp?.port))));
    if (!sp?.protocol) errs.push(required(`${p}.protocol`));
    else if (!['SCTP', 'TCP', 'UDP'].includes(sp.protocol)) errs.push(notSupported(`${p}.protocol`, sp.protocol, ['SCTP', 'TCP', 'UDP']));
    if (sp?.targetPort !== undefined) errs.push(...validatePortNumOrName(sp.targetPort, `${p}.targetPort`));
  });
  if (spec.selector) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = str(spec.sessionAffinity);
  if (!affinity) errs.push(required('spec.sessionAffinity'));
  else if (!['ClientIP', 'None'].includes(affinity)) errs.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (!type) errs.push(required('spec.type'));
  else if (!TYPES.includes(type)) errs.push(notSupported('spec.type', type, TYPES));
  if (type === 'ClusterIP') {
    ports.forEach((sp, i) => {
      if (sp?.nodePort) errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const seen = new Set<string>();
  ports.forEach((sp, i) => {
    const key = `${str(sp?.protocol)}/${Number(sp?.port)}`;
    if (seen.has(key)) errs.push(duplicate(`spec.ports[${i}]`, portKey(str(sp?.protocol), sp?.port)));
    seen.add(key);
  });
  return errs;
}

export function validateServiceUpdate(svc: Obj, old: Obj): FieldError[] {
  const oldIP = str(old?.spec?.clusterIP);
  const newIP = str(svc?.spec?.clusterIP);
  if (oldIP && newIP && oldIP !== newIP && svc?.spec?.type !== 'ExternalName') {
    const ips = list(svc?.spec?.clusterIPs).length ? list(svc.spec.clusterIPs) : [newIP];
    return [invalid('spec.clusterIPs[0]', ips, 'may not change once set')];
  }
  return [];
}
