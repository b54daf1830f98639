// Loads kubeconfig the way kubectl does (client-node's loadFromDefault differs: it throws on
// duplicates and missing files and silently falls back to localhost:8080), then applies the
// kubectl flags. See shared/reference/toolchain.md, "kubectl plugin conventions".
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { configError, userError } from '../errors.js';

/** The kubectl flags every command accepts, as parsed from the command line. */
export interface KubeFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  requestTimeout?: string;
  as?: string;
}

/** Everything a command needs to talk to one cluster as one user. */
export interface KubeAccess {
  kc: KubeConfig;
  contextName: string;
  clusterName: string;
  userName: string;
  server: string;
  namespace: string;
  /** Whether -n was given (some commands default to all namespaces otherwise). */
  namespaceExplicit: boolean;
  /** 0 means no timeout, as with kubectl. */
  requestTimeoutMs: number;
}

type Named = { name: string; [key: string]: unknown };
interface RawConfig {
  clusters: Named[];
  users: Named[];
  contexts: Named[];
  'current-context'?: string;
}

// Fields that hold file paths; kubectl resolves relative ones against the kubeconfig's folder.
const clusterPathFields = ['certificate-authority'];
const userPathFields = ['client-certificate', 'client-key', 'tokenFile'];

function absolutise(entry: Named, section: string, fields: string[], dir: string): Named {
  const inner = { ...(entry[section] as Record<string, unknown> | undefined) };
  for (const f of fields) {
    const v = inner[f];
    if (typeof v === 'string' && v !== '' && !isAbsolute(v)) inner[f] = resolve(dir, v);
  }
  return { ...entry, [section]: inner };
}

function readConfigFile(file: string): RawConfig {
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw configError(`error loading config file "${file}": ${why}`, 'fix the file, or point --kubeconfig/KUBECONFIG at another one');
  }
  if (doc == null) return { clusters: [], users: [], contexts: [] };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw configError(`error loading config file "${file}": not a kubeconfig (expected a YAML mapping)`, 'fix the file, or point --kubeconfig/KUBECONFIG at another one');
  }
  const d = doc as Record<string, unknown>;
  const list = (key: string): Named[] => {
    const v = d[key];
    if (v == null) return [];
    if (!Array.isArray(v) || v.some((e) => typeof e?.name !== 'string')) {
      throw configError(`error loading config file "${file}": "${key}" must be a list of named entries`, 'fix the file');
    }
    return v as Named[];
  };
  const dir = dirname(resolve(file));
  return {
    clusters: list('clusters').map((c) => absolutise(c, 'cluster', clusterPathFields, dir)),
    users: list('users').map((u) => absolutise(u, 'user', userPathFields, dir)),
    contexts: list('contexts'),
    'current-context': typeof d['current-context'] === 'string' ? (d['current-context'] as string) : undefined,
  };
}

/** kubectl's merge: the first definition of each name wins, and so does the first current-context. */
function mergeConfigs(configs: RawConfig[]): RawConfig {
  const merged: RawConfig = { clusters: [], users: [], contexts: [] };
  for (const c of configs) {
    for (const key of ['clusters', 'users', 'contexts'] as const) {
      for (const e of c[key]) if (!merged[key].some((m) => m.name === e.name)) merged[key].push(e);
    }
    if (!merged['current-context'] && c['current-context']) merged['current-context'] = c['current-context'];
  }
  return merged;
}

/** Which files kubectl would read, in order. */
export function kubeconfigFiles(flags: KubeFlags, env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  if (flags.kubeconfig) {
    if (!existsSync(flags.kubeconfig)) {
      throw configError(`kubeconfig "${flags.kubeconfig}" not found`, 'check the --kubeconfig path');
    }
    return [flags.kubeconfig];
  }
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter((f) => f !== '' && existsSync(f));
  const dflt = join(home, '.kube', 'config');
  return existsSync(dflt) ? [dflt] : [];
}

/** The context names of the kubeconfig files kubectl would read (for completion; reads no cluster). */
export function contextNames(flags: KubeFlags, env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  return mergeConfigs(kubeconfigFiles(flags, env, home).map(readConfigFile)).contexts.map((c) => c.name);
}

/** Parses kubectl's --request-timeout: "0", a bare number of seconds, or a duration like 1m30s. */
export function parseRequestTimeout(value: string | undefined): number {
  if (value === undefined || value === '' || value === '0') return 0;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(value)) !== null) {
    total += Number(m[1]) * unit[m[2]];
    consumed = re.lastIndex;
  }
  if (consumed !== value.length || consumed === 0) {
    throw userError(`invalid --request-timeout "${value}"`, 'use a duration such as 30s, 1m or 0 for no timeout');
  }
  return total;
}

export function loadKubeAccess(flags: KubeFlags, env: NodeJS.ProcessEnv = process.env, home = homedir()): KubeAccess {
  const requestTimeoutMs = parseRequestTimeout(flags.requestTimeout);
  const files = kubeconfigFiles(flags, env, home);
  const kc = new KubeConfig();
  if (files.length === 0) {
    if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) {
      kc.loadFromCluster();
      return finish(kc, 'inCluster', flags, requestTimeoutMs);
    }
    throw configError(
      'no kubeconfig found (looked at ' + (env.KUBECONFIG ? `KUBECONFIG=${env.KUBECONFIG}` : join(home, '.kube', 'config')) + ')',
      'pass --kubeconfig, set KUBECONFIG, or try the local playground: kubectl intercept playground',
    );
  }
  const merged = mergeConfigs(files.map(readConfigFile));
  const contextName = flags.context || merged['current-context'];
  if (!contextName) {
    throw configError('no current context is set in your kubeconfig', 'pass --context, or run: kubectl config use-context NAME');
  }
  const ctxEntry = merged.contexts.find((c) => c.name === contextName);
  if (!ctxEntry) {
    throw configError(`context "${contextName}" does not exist`, 'list the contexts with: kubectl config get-contexts');
  }
  const ctx = { ...(ctxEntry.context as Record<string, unknown> | undefined) };
  if (flags.cluster) ctx.cluster = flags.cluster;
  if (flags.user) ctx.user = flags.user;
  const clusterEntry = merged.clusters.find((c) => c.name === ctx.cluster);
  if (!clusterEntry) {
    throw configError(`cluster "${String(ctx.cluster ?? '')}" of context "${contextName}" is not defined in your kubeconfig`, 'check --cluster, or fix the context');
  }
  let userEntry = merged.users.find((u) => u.name === ctx.user);
  if (flags.user && !userEntry) {
    throw configError(`user "${flags.user}" is not defined in your kubeconfig`, 'check --user');
  }
  userEntry ??= { name: String(ctx.user ?? ''), user: {} };
  if (flags.as) userEntry = { ...userEntry, user: { ...(userEntry.user as object), as: flags.as } };
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [clusterEntry],
    users: [userEntry],
    contexts: [{ name: contextName, context: ctx }],
    'current-context': contextName,
  };
  try {
    kc.loadFromString(yaml.dump(doc));
  } catch (err) {
    throw configError(`invalid kubeconfig: ${err instanceof Error ? err.message : String(err)}`, 'fix the kubeconfig');
  }
  return finish(kc, contextName, flags, requestTimeoutMs);
}

function finish(kc: KubeConfig, contextName: string, flags: KubeFlags, requestTimeoutMs: number): KubeAccess {
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw configError(`context "${contextName}" has no cluster server`, 'fix the cluster entry in your kubeconfig');
  }
  const context = kc.getContextObject(kc.getCurrentContext());
  return {
    kc,
    contextName,
    clusterName: cluster.name,
    userName: kc.getCurrentUser()?.name ?? '',
    server: cluster.server,
    namespace: flags.namespace || context?.namespace || 'default',
    namespaceExplicit: Boolean(flags.namespace),
    requestTimeoutMs,
  };
}
