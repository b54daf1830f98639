// NetworkPolicy validation (pkg/apis/networking/validation/validation.go ValidateNetworkPolicy,
// ValidateNetworkPolicyUpdate) and defaulting (pkg/apis/networking/v1/defaults.go). The playground
// stores and validates NetworkPolicies; nothing enforces them.
import { GoLiteral, forbidden, invalid, invalidEach, notSupported, required, type FieldError } from './field-error.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Subdomain, isValidPortName, isValidPortNum } from './names.js';
import { validateLabelSelector } from './selectors.js';
import { isObj, list, str, type Obj } from './types.js';

const protocols = ['TCP', 'UDP', 'SCTP'];
const policyTypes = ['Ingress', 'Egress'];

/** SetDefaults_NetworkPolicyPort and SetDefaults_NetworkPolicy. */
export function defaultNetworkPolicy(np: Obj): void {
  const spec = isObj(np.spec) ? np.spec : (np.spec = {});
  for (const rule of [...list(spec.ingress), ...list(spec.egress)]) {
    for (const port of list(rule?.ports)) if (isObj(port) && port.protocol === undefined) port.protocol = 'TCP';
  }
  if (list(spec.policyTypes).length === 0) {
    // A policy that names no types is an Ingress policy, and an Egress one too if it has egress rules.
    spec.policyTypes = list(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

function validatePort(port: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && port.protocol !== null && !protocols.includes(port.protocol)) {
    errs.push(notSupported(`${path}.protocol`, port.protocol, protocols));
  }
  const endPort = port.endPort;
  const hasEnd = endPort !== undefined && endPort !== null;
  if (port.port === undefined || port.port === null) {
    if (hasEnd) errs.push(invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is not specified'));
  } else if (typeof port.port === 'number') {
    errs.push(...invalidEach(`${path}.port`, port.port, isValidPortNum(port.port)));
    if (hasEnd) {
      if (endPort < port.port) errs.push(invalid(`${path}.endPort`, endPort, 'must be greater than or equal to `port`'));
      errs.push(...invalidEach(`${path}.endPort`, endPort, isValidPortNum(endPort)));
    }
  } else {
    if (hasEnd) errs.push(invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is non-numeric'));
    errs.push(...invalidEach(`${path}.port`, port.port, isValidPortName(str(port.port))));
  }
  return errs;
}

/** netutils.ParseCIDRSloppy: the network as a BigInt range, or undefined. */
function parseCidr(text: string): { start: bigint; bits: number; prefix: number; ip: bigint } | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const prefix = Number(m[2]);
  let ip: bigint;
  let bits: number;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(m[1]);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    ip = octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
    bits = 32;
  } else {
    const groups = expandIPv6(m[1]);
    if (!groups) return undefined;
    ip = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
    bits = 128;
  }
  if (prefix > bits) return undefined;
  const mask = ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { start: ip & mask, bits, prefix, ip };
}

function expandIPv6(text: string): number[] | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(text) || (text.match(/::/g) ?? []).length > 1) return undefined;
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const part = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const missing = 8 - left.length - right.length;
  if ((tail === undefined && missing !== 0) || missing < 0) return undefined;
  const groups = [...left, ...Array(tail === undefined ? 0 : missing).fill('0'), ...right];
  if (groups.some((g) => g.length === 0 || g.length > 4)) return undefined;
  return groups.map((g) => parseInt(g, 16));
}

const cidrMessage = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

function validateIPBlock(block: Obj, path: string, allowed: Set<string>): FieldError[] {
  const cidrText = str(block.cidr);
  if (cidrText === '') return [required(`${path}.cidr`, '')];
  const errs: FieldError[] = [];
  const cidr = parseCidr(cidrText);
  if (!cidr) {
    // CIDRs already in the old object stay allowed (AllowCIDRsEvenIfInvalid).
    if (!allowed.has(cidrText)) errs.push(invalid(`${path}.cidr`, cidrText, cidrMessage));
    return errs;
  }
  list(block.except).forEach((e, i) => {
    const exceptPath = `${path}.except[${i}]`;
    const except = parseCidr(str(e));
    if (!except) {
      if (!allowed.has(str(e))) errs.push(invalid(exceptPath, str(e), cidrMessage));
      return;
    }
    const inside = except.bits === cidr.bits && (except.ip >> BigInt(cidr.bits - cidr.prefix)) === (cidr.start >> BigInt(cidr.bits - cidr.prefix));
    if (!inside || cidr.prefix >= except.prefix) errs.push(invalid(exceptPath, str(e), 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validatePeer(peer: Obj, path: string, allowed: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  let peers = 0;
  for (const key of ['podSelector', 'namespaceSelector']) {
    if (peer?.[key] === undefined || peer[key] === null) continue;
    peers++;
    errs.push(...validateLabelSelector(peer[key], `${path}.${key}`));
  }
  const hasBlock = peer?.ipBlock !== undefined && peer.ipBlock !== null;
  if (hasBlock) {
    peers++;
    errs.push(...validateIPBlock(peer.ipBlock, `${path}.ipBlock`, allowed));
  }
  if (peers === 0) errs.push(required(path, 'must specify a peer'));
  else if (peers > 1 && hasBlock) errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

function validateSpec(spec: Obj, allowed: Set<string>): FieldError[] {
  const errs = validateLabelSelector(spec?.podSelector ?? {}, 'spec.podSelector');
  for (const [field, peersField] of [['ingress', 'from'], ['egress', 'to']]) {
    list(spec?.[field]).forEach((rule, i) => {
      const rulePath = `spec.${field}[${i}]`;
      list(rule?.ports).forEach((port, j) => errs.push(...validatePort(port ?? {}, `${rulePath}.ports[${j}]`)));
      list(rule?.[peersField]).forEach((peer, j) => errs.push(...validatePeer(peer ?? {}, `${rulePath}.${peersField}[${j}]`, allowed)));
    });
  }
  const types = list(spec?.policyTypes);
  if (types.length > policyTypes.length) {
    const literal = `&[]networking.PolicyType{${types.map((t) => JSON.stringify(str(t))).join(', ')}}`;
    errs.push(invalid('spec.policyTypes', new GoLiteral(literal), 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (!policyTypes.includes(str(t))) errs.push(notSupported(`spec.policyTypes[${i}]`, str(t), policyTypes));
  });
  return errs;
}

export function validateNetworkPolicy(np: Obj): FieldError[] {
  return [...validateObjectMeta(np?.metadata, isDNS1123Subdomain), ...validateSpec(np?.spec, new Set())];
}

/** The old object's CIDRs stay valid, whatever the rules say now. */
export function validateNetworkPolicyUpdate(np: Obj, old: Obj): FieldError[] {
  const existing = new Set<string>();
  for (const [field, peersField] of [['ingress', 'from'], ['egress', 'to']]) {
    for (const rule of list(old?.spec?.[field])) {
      for (const peer of list(rule?.[peersField])) {
        if (!isObj(peer?.ipBlock)) continue;
        existing.add(str(peer.ipBlock.cidr));
        for (const e of list(peer.ipBlock.except)) existing.add(str(e));
      }
    }
  }
  return [...validateObjectMetaUpdate(np?.metadata, old?.metadata), ...validateSpec(np?.spec, existing)];
}
