// The pod network for Node.js containers: a CommonJS file loaded with `node --require` that maps
// a listen() on an unspecified or loopback address onto the pod IP, and connects to
// localhost / 127.0.0.1 / ::1 onto the pod IP, so two replicas can both bind 0.0.0.0:8080 and
// "localhost inside a pod" is the pod. The pod IP is written into the file itself (one file per
// pod), so the container's environment stays exactly what the pod spec asks for. Connects to the
// host endpoints the kubelet names (the API server, which listens on this machine's loopback as a
// control plane listens on its own address) are left alone, so an in-pod client can reach it.
// It also ends the container when the kubelet's process is gone: on a real node containers outlive
// a kubelet crash, but a playground killed outright would otherwise leave its pods running on the
// developer's machine with nothing to ever stop them.
// With a cluster DNS it also resolves names as a pod's resolv.conf would have them resolved
// (search list, ndots), asking the cluster DNS for names in the cluster domain.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What a real kubelet writes into the pod's resolv.conf for dnsPolicy ClusterFirst. */
export interface PodDNS {
  /** The cluster DNS, `ip:port`. */
  server: string;
  search: string[];
  ndots: number;
}

function preloadSource(podIP: string, kubeletPid: number, hostEndpoints: readonly string[], dns: PodDNS | undefined): string {
  return `'use strict';
// Written by the playground kubelet: maps this pod's loopback and wildcard addresses to its IP.
const podIP = ${JSON.stringify(podIP)};
const kubeletPid = ${kubeletPid};
setInterval(function watchKubelet() {
  try {
    process.kill(kubeletPid, 0);
  } catch (err) {
    if (err && err.code === 'ESRCH') process.kill(process.pid, 'SIGKILL');
  }
}, 1000).unref();
const net = require('node:net');
const dgram = require('node:dgram');
const local = new Set(['', '0.0.0.0', '::', '::0', 'localhost', '127.0.0.1', '::1', '0:0:0:0:0:0:0:0']);
const mapHost = (host) => (host === undefined || host === null || local.has(String(host).toLowerCase()) ? podIP : host);
const hostEndpoints = new Set(${JSON.stringify(hostEndpoints)});
const mapPeer = (host, port) => (hostEndpoints.has(String(host) + ':' + String(port)) ? host : mapHost(host));
// net treats any truthy path option as a pipe (http passes path: null for TCP).
const isPort = (v) => typeof v === 'number' || (typeof v === 'string' && /^\\d+$/.test(v));

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function podListen(...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    if (!first.path && first.handle === undefined && first._handle === undefined && first.fd === undefined) {
      args[0] = Object.assign({}, first, { host: mapHost(first.host) });
    }
  } else if (first === undefined || typeof first === 'function' || isPort(first)) {
    if (first === undefined || typeof first === 'function') args.unshift(0);
    if (args.length < 2 || args[1] === undefined || args[1] === null || typeof args[1] === 'string') args[1] = mapHost(args[1]);
    else args.splice(1, 0, podIP);
  }
  return listen.apply(this, args);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function podConnect(...args) {
  const first = args[0];
  if (Array.isArray(first) && first[0] !== null && typeof first[0] === 'object') {
    if (!first[0].path) first[0] = Object.assign({}, first[0], { host: mapPeer(first[0].host, first[0].port) });
  } else if (first !== null && typeof first === 'object') {
    if (!first.path) args[0] = Object.assign({}, first, { host: mapPeer(first.host, first.port) });
  } else if (isPort(first)) {
    if (typeof args[1] === 'string' || args[1] === undefined) args[1] = mapPeer(args[1], first);
    else args.splice(1, 0, podIP);
  }
  return connect.apply(this, args);
};

const bind = dgram.Socket.prototype.bind;
dgram.Socket.prototype.bind = function podBind(...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object') {
    if (first.fd === undefined) args[0] = Object.assign({}, first, { address: mapHost(first.address) });
  } else {
    if (first === undefined || typeof first === 'function') args.unshift(0);
    if (typeof args[1] === 'string' || args[1] === undefined) args[1] = mapHost(args[1]);
    else args.splice(1, 0, podIP);
  }
  return bind.apply(this, args);
};

const podDNS = ${JSON.stringify(dns ?? null)};
if (podDNS) {
  const dns = require('node:dns');
  const resolver = new dns.Resolver({ timeout: 1000, tries: 2 });
  resolver.setServers([podDNS.server]);
  const hostLookup = dns.lookup;
  // resolv.conf's rule: fewer dots than ndots tries the search list first.
  const candidates = (name) => {
    if (name.endsWith('.')) return [name.slice(0, -1)];
    const searched = podDNS.search.map((s) => name + '.' + s);
    return name.split('.').length - 1 >= podDNS.ndots ? [name, ...searched] : [...searched, name];
  };
  const inCluster = (n) => n === 'cluster.local' || n.endsWith('.cluster.local');
  function podLookup(hostname, options, callback) {
    if (typeof options === 'function') { callback = options; options = {}; }
    const opts = typeof options === 'number' ? { family: options } : (options || {});
    const name = String(hostname || '').toLowerCase();
    if (name === '' || name === 'localhost' || net.isIP(name) || opts.family === 6) return hostLookup(hostname, options, callback);
    const list = candidates(name).filter(inCluster);
    const next = (i) => {
      if (i >= list.length) return hostLookup(hostname, options, callback);
      resolver.resolve4(list[i], (err, addresses) => {
        if (err || addresses.length === 0) return next(i + 1);
        if (opts.all) return callback(null, addresses.map((address) => ({ address, family: 4 })));
        callback(null, addresses[0], 4);
      });
    };
    next(0);
  }
  dns.lookup = podLookup;
  dns.promises.lookup = (hostname, options) => new Promise((resolve, reject) => podLookup(hostname, options || {}, (err, address, family) => {
    if (err) reject(err);
    else resolve(Array.isArray(address) ? address : { address, family });
  }));
}
`;
}

/**
 * Writes the pod's preload file; returns its path (for `--require` and NODE_OPTIONS).
 * `hostEndpoints` are `host:port` pairs on this machine's loopback that stay the host's.
 */
export async function writePreload(podDir: string, podIP: string, hostEndpoints: readonly string[] = [], dns?: PodDNS): Promise<string> {
  const file = path.join(podDir, 'pod-network.cjs');
  await writeFile(file, preloadSource(podIP, process.pid, hostEndpoints, dns));
  return file;
}
