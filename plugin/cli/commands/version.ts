// `kubectl intercept version`: the plugin's version and, when a cluster is configured, the server's.
import type { Argv } from 'yargs';
import { pluginVersion } from '../../version.js';
import type { CliDeps } from '../deps.js';
import { kubeFlagsOf } from '../kube-options.js';

export function versionCommand(deps: CliDeps) {
  return {
    command: 'version',
    describe: 'Print the version of kubectl-intercept (and of the cluster, unless --client)',
    builder: (y: Argv) =>
      y
        .option('client', { type: 'boolean', default: false, describe: 'Only the client version; do not contact the cluster' })
        .option('output', { alias: 'o', choices: ['text', 'json'] as const, default: 'text' as const }),
    handler: async (argv: Record<string, unknown>) => {
      const flags = kubeFlagsOf(argv);
      const client = `v${pluginVersion()}`;
      let server: string | undefined;
      if (!argv.client) {
        // Loaded on demand so that `version --client` starts without the Kubernetes client.
        const [{ serverVersion }, { kubeconfigFiles, loadKubeAccess }] = await Promise.all([import('../../kube/api.js'), import('../../kube/kubeconfig.js')]);
        // Without any kubeconfig there is no server to ask; that is not an error for `version`.
        if (flags.kubeconfig || kubeconfigFiles(flags, deps.env).length > 0) server = await serverVersion(loadKubeAccess(flags, deps.env));
      }
      if (argv.output === 'json') {
        deps.stdout.write(JSON.stringify({ clientVersion: client, ...(server ? { serverVersion: server } : {}) }) + '\n');
      } else {
        deps.stdout.write(`Client Version: ${client}\n` + (server ? `Server Version: ${server}\n` : ''));
      }
    },
  };
}
