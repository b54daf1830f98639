// Parses what users type to name things: a workload (`orders`, `deploy/orders`, `sts/db`) and a
// port mapping (`--port LOCAL[:REMOTE]`, where LOCAL may be `host:port`).
import { userError } from '../errors.js';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'ReplicaSet';

export interface WorkloadRef {
  /** Undefined when only a name was given: any kind may match, and several matches are ambiguous. */
  kind?: WorkloadKind;
  name: string;
}

const kindAliases: Record<string, WorkloadKind> = {
  deploy: 'Deployment', deployment: 'Deployment', deployments: 'Deployment', 'deployment.apps': 'Deployment', 'deployments.apps': 'Deployment',
  sts: 'StatefulSet', statefulset: 'StatefulSet', statefulsets: 'StatefulSet', 'statefulset.apps': 'StatefulSet', 'statefulsets.apps': 'StatefulSet',
  rs: 'ReplicaSet', replicaset: 'ReplicaSet', replicasets: 'ReplicaSet', 'replicaset.apps': 'ReplicaSet', 'replicasets.apps': 'ReplicaSet',
};

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function parseWorkloadRef(text: string): WorkloadRef {
  const slash = text.indexOf('/');
  const name = slash < 0 ? text : text.slice(slash + 1);
  let kind: WorkloadKind | undefined;
  if (slash >= 0) {
    kind = kindAliases[text.slice(0, slash).toLowerCase()];
    if (!kind) {
      throw userError(`cannot intercept a "${text.slice(0, slash)}"`, 'name a Deployment, StatefulSet or ReplicaSet: deploy/NAME, sts/NAME, rs/NAME or just NAME');
    }
  }
  if (!DNS_SUBDOMAIN.test(name) || name.length > 253) {
    throw userError(`"${name}" is not a valid workload name`, 'workload names are lowercase letters, digits, "-" and "."');
  }
  return { kind, name };
}

export interface PortSpec {
  localHost: string;
  localPort: number;
  /** A Service port name or number; undefined means "the only port". */
  remote?: string | number;
}

function portNumber(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw userError(`invalid ${what} "${text}" in --port`, 'ports are numbers from 1 to 65535: --port 8080:http or --port 127.0.0.1:8080:80');
  return n;
}

/** `8080`, `8080:http`, `8080:80`, `host:8080`, `host:8080:http`, `[::1]:8080:http`. */
export function parsePortSpec(text: string): PortSpec {
  let host = '127.0.0.1';
  let rest = text;
  const bracket = /^\[([^\]]+)\]:(.*)$/.exec(text);
  if (bracket) {
    host = bracket[1];
    rest = bracket[2];
  } else {
    const parts = text.split(':');
    if (parts.length > 3) throw userError(`invalid --port "${text}"`, 'use LOCAL[:REMOTE] with LOCAL = port or host:port, e.g. --port 8080:http');
    // A first part that is not a number is the local host.
    if (parts.length >= 2 && !/^\d+$/.test(parts[0])) {
      host = parts[0];
      rest = parts.slice(1).join(':');
    }
  }
  const [local, remote, extra] = rest.split(':');
  if (extra !== undefined || local === '' || remote === '') {
    throw userError(`invalid --port "${text}"`, 'use LOCAL[:REMOTE] with LOCAL = port or host:port, e.g. --port 8080:http');
  }
  const spec: PortSpec = { localHost: host, localPort: portNumber(local, 'local port') };
  if (remote !== undefined) spec.remote = /^\d+$/.test(remote) ? portNumber(remote, 'remote port') : remote;
  return spec;
}

/** Two --port flags sending to one local address would mix their traffic: refused before anything. */
export function refuseSharedLocalPorts(ports: PortSpec[]): void {
  const seen = new Set<string>();
  for (const p of ports) {
    const key = `${p.localHost}:${p.localPort}`;
    if (seen.has(key)) throw userError(`two --port flags send to local port ${key}`, 'give each Service port a local port of its own, e.g. --port 9090:9090 --port 2345:2345');
    seen.add(key);
  }
}
