// A restricted user for tests, made the way a cluster admin makes one, with the real kubectl and
// the admin's kubeconfig: `kubectl create serviceaccount`, a Role from a manifest, `kubectl create
// rolebinding`, `kubectl create token`, and a kubeconfig that carries that token instead of the
// admin's. The user is `system:serviceaccount:<namespace>:<name>`.
import { readFileSync, writeFileSync } from 'node:fs';
import yaml from 'js-yaml';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

/** Runs the real kubectl with the admin's kubeconfig. */
export type AdminKubectl = (args: string[], input?: string) => Promise<{ code: number; stdout: string; stderr: string }>;

export interface RestrictedUser {
  /** `system:serviceaccount:<namespace>:<name>`, as 403 messages name it. */
  user: string;
  namespace: string;
  name: string;
  token: string;
  /** A kubeconfig like the admin's (server, CA, context namespace) with this user's token. */
  kubeconfigPath: string;
}

async function ok(kubectl: AdminKubectl, args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** Writes a copy of a kubeconfig whose every user authenticates with `token`. */
export function kubeconfigWithToken(adminKubeconfigPath: string, token: string, outPath: string): void {
  const config = yaml.load(readFileSync(adminKubeconfigPath, 'utf8')) as { users: { user: Record<string, unknown> }[] };
  for (const entry of config.users) entry.user = { token };
  writeFileSync(outPath, yaml.dump(config), { mode: 0o600 });
}

/**
 * ServiceAccount `name` in `namespace` (default "default"), a Role `name` holding `rules` bound to
 * it by a RoleBinding `name` (no Role or binding when `rules` is empty), and a token for it.
 */
export async function createRestrictedUser(
  kubectl: AdminKubectl,
  adminKubeconfigPath: string,
  opts: { name: string; namespace?: string; rules: PolicyRule[] },
): Promise<RestrictedUser> {
  const namespace = opts.namespace ?? 'default';
  const { name } = opts;
  await ok(kubectl, ['create', 'serviceaccount', name, '-n', namespace]);
  if (opts.rules.length > 0) {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace }, rules: opts.rules };
    await ok(kubectl, ['create', '-f', '-'], JSON.stringify(role));
    await ok(kubectl, ['create', 'rolebinding', name, '-n', namespace, `--role=${name}`, `--serviceaccount=${namespace}:${name}`]);
  }
  const token = (await ok(kubectl, ['create', 'token', name, '-n', namespace])).trim();
  const kubeconfigPath = `${adminKubeconfigPath}.${namespace}.${name}`;
  kubeconfigWithToken(adminKubeconfigPath, token, kubeconfigPath);
  return { user: `system:serviceaccount:${namespace}:${name}`, namespace, name, token, kubeconfigPath };
}
