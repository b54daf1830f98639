// The laptop's way into the cluster while an intercept holds (decision 13): the local proxy, the
// `--forward` ports and one local forward per Service port for the service-link variables, all
// dialed by an agent from the pod. This module only plans and wires; the listeners live in
// plugin/tunnel.
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { userError } from '../errors.js';
import { isServiceIPSet, serviceLinkVars } from '../kube/service-links.js';
import { startForward } from '../tunnel/forwards.js';
import { startOutboundProxy, type LocalListener } from '../tunnel/outbound-proxy.js';
import type { OutboundContext } from '../tunnel/outbound-relay.js';

/** `--forward SERVICE:PORT[:LOCAL_PORT]` as typed; PORT is a Service port name or number. */
export interface ForwardRequest {
  service: string;
  port: string | number;
  /** 0 = any free port. */
  localPort: number;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function portNumber(text: string, what: string, spec: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw userError(`invalid ${what} "${text}" in --forward ${spec}`, 'ports are numbers from 1 to 65535: --forward users:8080 or --forward users:http:9000');
  return n;
}

export function parseForwardSpec(text: string): ForwardRequest {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3 || !DNS_LABEL.test(parts[0])) {
    throw userError(`invalid --forward "${text}"`, 'use SERVICE:PORT[:LOCAL_PORT], e.g. --forward users:8080 or --forward db:postgres:5432');
  }
  const port = /^\d+$/.test(parts[1]) ? portNumber(parts[1], 'Service port', text) : parts[1];
  if (port === '') throw userError(`invalid --forward "${text}": the Service port is empty`, 'use SERVICE:PORT[:LOCAL_PORT]');
  return { service: parts[0], port, localPort: parts[2] === undefined ? 0 : portNumber(parts[2], 'local port', text) };
}

/** A local listener to make: where the pod should connect, and for which Service port. */
export interface ForwardPlan {
  service: string;
  servicePort: V1ServicePort;
  /** What the agent dials: the cluster IP, or for a headless Service its name (the pod's DNS answers). */
  host: string;
  localPort: number;
}

function dialHost(service: V1Service, namespace: string): string {
  return isServiceIPSet(service) ? service.spec!.clusterIP! : `${service.metadata!.name}.${namespace}`;
}

const tcp = (sp: V1ServicePort) => (sp.protocol ?? 'TCP') === 'TCP';

/** Checks each --forward against the namespace's Services; an unknown one is a user error before anything changes. */
export function planForwards(requests: readonly ForwardRequest[], services: readonly V1Service[], namespace: string): ForwardPlan[] {
  return requests.map((r) => {
    const service = services.find((s) => s.metadata?.name === r.service);
    const spec = `${r.service}:${r.port}`;
    if (!service) {
      throw userError(`--forward ${spec}: no Service "${r.service}" in namespace "${namespace}"`, `its Services: ${services.map((s) => s.metadata?.name).join(', ') || 'none'}`);
    }
    const ports = (service.spec?.ports ?? []).filter(tcp);
    const sp = ports.find((p) => p.port === r.port || (p.name !== undefined && p.name === r.port));
    if (!sp) {
      throw userError(`--forward ${spec}: Service "${r.service}" has no TCP port "${r.port}"`, `its ports: ${ports.map((p) => (p.name ? `${p.port} (${p.name})` : String(p.port))).join(', ') || 'none'}`);
    }
    return { service: r.service, servicePort: sp, host: dialHost(service, namespace), localPort: r.localPort };
  });
}

/** What InterceptInfo records (the Lease, `status`): where the proxy and the --forward ports are. */
export interface OutboundInfo {
  proxy: string;
  forwards: { service: string; port: number; local: string }[];
  /** The service-link forwards: Service → its port → the local port, so `env` can print the variables. */
  links: Record<string, Record<string, number>>;
}

export interface OutboundOptions {
  namespace: string;
  /** The namespace's Services, for the service-link forwards. */
  services: readonly V1Service[];
  /** The pod template's enableServiceLinks (default true): without it the app has no link variables. */
  enableServiceLinks: boolean;
  forwards: readonly ForwardPlan[];
  context: OutboundContext;
}

/**
 * Services whose link variables the app container has (the pod's namespace, with a cluster IP),
 * except `kubernetes`: its variables make client libraries take the in-cluster configuration
 * (client-go rest.InClusterConfig, client-node loadFromCluster), which on a laptop has no
 * ServiceAccount token file and would shadow the developer's kubeconfig.
 */
function linkedServices(services: readonly V1Service[], enabled: boolean): V1Service[] {
  if (!enabled) return [];
  return services.filter((s) => isServiceIPSet(s) && s.metadata?.name !== 'kubernetes' && (s.spec?.ports ?? []).some(tcp));
}

/** The service-link variables for `links` (Service → port → local port on 127.0.0.1), in the kubelet's format. */
export function serviceLinkEnv(services: readonly V1Service[], enableServiceLinks: boolean, links: OutboundInfo['links']): Record<string, string> {
  const env: Record<string, string> = {};
  for (const service of linkedServices(services, enableServiceLinks)) {
    const ports = links[service.metadata?.name ?? ''];
    if (!ports) continue;
    for (const [k, v] of serviceLinkVars(service, (sp) => {
      const local = tcp(sp) ? ports[String(sp.port)] : undefined;
      return local === undefined ? undefined : { host: '127.0.0.1', port: local };
    })) env[k] = v;
  }
  return env;
}

export class Outbound {
  private constructor(
    private readonly listeners: LocalListener[],
    readonly info: OutboundInfo,
    /** Service-link variables pointing at the local forwards. */
    readonly links: Record<string, string>,
  ) {}

  /** Starts every listener, or none: a port in use is a user error and what started is closed. */
  static async start(opts: OutboundOptions): Promise<Outbound> {
    const listeners: LocalListener[] = [];
    try {
      const proxy = await startOutboundProxy(opts.context);
      listeners.push(proxy);
      const forwards: OutboundInfo['forwards'] = [];
      for (const f of opts.forwards) {
        const l = await startForward({ host: f.host, port: f.servicePort.port, localPort: f.localPort }, opts.context);
        listeners.push(l);
        forwards.push({ service: f.service, port: f.servicePort.port, local: `${l.host}:${l.port}` });
      }
      const links: OutboundInfo['links'] = {};
      for (const service of linkedServices(opts.services, opts.enableServiceLinks)) {
        const ports: Record<string, number> = (links[service.metadata!.name!] = {});
        for (const sp of (service.spec?.ports ?? []).filter(tcp)) {
          const l = await startForward({ host: dialHost(service, opts.namespace), port: sp.port, localPort: 0 }, opts.context);
          listeners.push(l);
          ports[String(sp.port)] = l.port;
        }
      }
      const info = { proxy: `${proxy.host}:${proxy.port}`, forwards, links };
      return new Outbound(listeners, info, serviceLinkEnv(opts.services, opts.enableServiceLinks, links));
    } catch (err) {
      await Promise.all(listeners.map((l) => l.close()));
      throw err;
    }
  }

  /** What `-- COMMAND` gets besides the app's environment, so proxy-aware clients go through the pod. */
  proxyEnv(): Record<string, string> {
    const http = `http://${this.info.proxy}`;
    const socks = `socks5h://${this.info.proxy}`;
    const noProxy = 'localhost,127.0.0.1,::1';
    return {
      HTTP_PROXY: http, HTTPS_PROXY: http, ALL_PROXY: socks, NO_PROXY: noProxy,
      http_proxy: http, https_proxy: http, all_proxy: socks, no_proxy: noProxy,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.listeners.map((l) => l.close()));
  }
}
