// kubectl's global flags, which kubectl leaves to the plugin to parse (toolchain.md).
import type { Argv } from 'yargs';
import type { KubeFlags } from '../kube/kubeconfig.js';

export function withKubeOptions<T>(y: Argv<T>) {
  return y
    .option('kubeconfig', { type: 'string', describe: 'Path to the kubeconfig file to use', group: 'Kubernetes:' })
    .option('context', { type: 'string', describe: 'The kubeconfig context to use', group: 'Kubernetes:' })
    .option('cluster', { type: 'string', describe: 'The kubeconfig cluster to use', group: 'Kubernetes:' })
    .option('user', { type: 'string', describe: 'The kubeconfig user to use', group: 'Kubernetes:' })
    .option('namespace', { alias: 'n', type: 'string', describe: 'The namespace to work in', group: 'Kubernetes:' })
    .option('request-timeout', { type: 'string', describe: 'How long to wait for one API request (0 = no limit)', group: 'Kubernetes:' })
    .option('as', { type: 'string', describe: 'Username to impersonate for the operation', group: 'Kubernetes:' });
}

export function kubeFlagsOf(argv: Record<string, unknown>): KubeFlags {
  const s = (k: string) => (typeof argv[k] === 'string' ? (argv[k] as string) : undefined);
  return {
    kubeconfig: s('kubeconfig'),
    context: s('context'),
    cluster: s('cluster'),
    user: s('user'),
    namespace: s('namespace'),
    requestTimeout: s('request-timeout'),
    as: s('as'),
  };
}
