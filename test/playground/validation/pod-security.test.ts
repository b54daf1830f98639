// PodSecurity admission (pod-security-admission 0.32) texts for the restricted and baseline levels.
import { describe, it, expect } from '@jest/globals';
import { checkPodSecurity } from '../../../plugin/playground/apiserver/validation/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type O = any;
const ENFORCE = { 'pod-security.kubernetes.io/enforce': 'restricted' };
const compliant = (): O => ({
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'app', image: 'node', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  volumes: [{ name: 'code', configMap: { name: 'c' } }, { name: 'tmp', emptyDir: {} }],
});
const podWith = (mutate: (spec: O) => void, name = 'web'): O => {
  const spec = compliant();
  mutate(spec);
  return { metadata: { name }, spec };
};
const detail = (mutate: (spec: O) => void): string | undefined => {
  const r = checkPodSecurity(ENFORCE, 'Pod', podWith(mutate));
  return r.forbidden?.replace('pods "web" is forbidden: violates PodSecurity "restricted:latest": ', '');
};

describe('PodSecurity restricted: enforce on pods', () => {
  it('allows a compliant pod', () => {
    expect(checkPodSecurity(ENFORCE, 'Pod', podWith(() => {}))).toEqual({ warnings: [] });
  });

  it('forbids a bare pod with the four restricted reasons, in check order', () => {
    const r = checkPodSecurity(ENFORCE, 'Pod', { metadata: { name: 'x' }, spec: { containers: [{ name: 's', image: 'node' }] } });
    expect(r.forbidden).toBe('pods "x" is forbidden: violates PodSecurity "restricted:latest": '
      + 'allowPrivilegeEscalation != false (container "s" must set securityContext.allowPrivilegeEscalation=false), '
      + 'unrestricted capabilities (container "s" must set securityContext.capabilities.drop=["ALL"]), '
      + 'runAsNonRoot != true (pod or container "s" must set securityContext.runAsNonRoot=true), '
      + 'seccompProfile (pod or container "s" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
  });

  const cases: Array<{ name: string; mutate: (s: O) => void; want: string }> = [
    { name: 'allowPrivilegeEscalation on two containers', mutate: (s) => { s.containers.push({ name: 'b' }); s.containers[1].securityContext = { capabilities: { drop: ['ALL'] } }; }, want: 'allowPrivilegeEscalation != false (container "b" must set securityContext.allowPrivilegeEscalation=false)' },
    { name: 'allowPrivilegeEscalation on an init container and a container', mutate: (s) => { s.initContainers = [{ name: 'init', securityContext: { capabilities: { drop: ['ALL'] } } }]; s.containers[0].securityContext.allowPrivilegeEscalation = true; }, want: 'allowPrivilegeEscalation != false (containers "init", "app" must set securityContext.allowPrivilegeEscalation=false)' },
    { name: 'capabilities without drop ALL', mutate: (s) => { s.containers[0].securityContext.capabilities = { drop: ['NET_RAW'] }; }, want: 'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])' },
    { name: 'added capabilities other than NET_BIND_SERVICE', mutate: (s) => { s.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE', 'SYS_ADMIN', 'NET_ADMIN']; }, want: 'unrestricted capabilities (container "app" must not include "NET_ADMIN", "SYS_ADMIN" in securityContext.capabilities.add)' },
    { name: 'runAsNonRoot=false at pod level', mutate: (s) => { s.securityContext.runAsNonRoot = false; }, want: 'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)' },
    { name: 'runAsNonRoot=false on a container', mutate: (s) => { s.containers[0].securityContext.runAsNonRoot = false; }, want: 'runAsNonRoot != true (container "app" must not set securityContext.runAsNonRoot=false)' },
    { name: 'runAsUser=0', mutate: (s) => { s.securityContext.runAsUser = 0; s.containers[0].securityContext.runAsUser = 0; }, want: 'runAsUser=0 (pod and container "app" must not set runAsUser=0)' },
    { name: 'seccomp Unconfined', mutate: (s) => { s.securityContext.seccompProfile.type = 'Unconfined'; }, want: 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")' },
    { name: 'a hostPath volume', mutate: (s) => { s.volumes.push({ name: 'host', hostPath: { path: '/' } }); }, want: 'hostPath volumes (volume "host"), restricted volume types (volume "host" uses restricted volume type "hostPath")' },
    { name: 'two restricted volume types', mutate: (s) => { s.volumes.push({ name: 'a', nfs: { server: 's', path: '/' } }, { name: 'b', gitRepo: { repository: 'r' } }); }, want: 'restricted volume types (volumes "a", "b" use restricted volume types "gitRepo", "nfs")' },
    { name: 'host namespaces', mutate: (s) => { s.hostNetwork = true; s.hostPID = true; }, want: 'host namespaces (hostNetwork=true, hostPID=true)' },
    { name: 'privileged', mutate: (s) => { s.containers[0].securityContext.privileged = true; }, want: 'privileged (container "app" must not set securityContext.privileged=true)' },
    { name: 'hostPorts', mutate: (s) => { s.containers[0].ports = [{ containerPort: 80, hostPort: 80 }, { containerPort: 443, hostPort: 443 }]; }, want: 'hostPort (container "app" uses hostPorts 443, 80)' },
    { name: 'sysctls', mutate: (s) => { s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }]; }, want: 'forbidden sysctls (kernel.msgmax)' },
    { name: 'procMount', mutate: (s) => { s.containers[0].securityContext.procMount = 'Unmasked'; }, want: 'procMount (container "app" must not set securityContext.procMount to "Unmasked")' },
    { name: 'seLinuxOptions', mutate: (s) => { s.securityContext.seLinuxOptions = { type: 'spc_t', user: 'u' }; }, want: 'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)' },
    { name: 'AppArmor Unconfined on the pod and a container', mutate: (s) => { s.securityContext.appArmorProfile = { type: 'Unconfined' }; s.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' }; }, want: 'forbidden AppArmor profile (pod and container "app" must not set AppArmor profile type to "Unconfined")' },
    { name: 'ephemeral containers are checked too', mutate: (s) => { s.ephemeralContainers = [{ name: 'dbg', image: 'busybox', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsUser: 0 } }]; }, want: 'runAsUser=0 (container "dbg" must not set runAsUser=0)' },
  ];
  it.each(cases)('$name', ({ mutate, want }) => {
    expect(detail(mutate)).toBe(want);
  });

  it('reports AppArmor annotations from the pod metadata', () => {
    const pod = podWith(() => {});
    pod.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
    expect(checkPodSecurity(ENFORCE, 'Pod', pod).forbidden).toBe('pods "web" is forbidden: violates PodSecurity "restricted:latest": forbidden AppArmor profile (annotations must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined"")');
  });

  it('uses the enforce-version label in the policy name', () => {
    const r = checkPodSecurity({ ...ENFORCE, 'pod-security.kubernetes.io/enforce-version': 'v1.32' }, 'Pod', podWith((s) => { s.hostIPC = true; }));
    expect(r.forbidden).toBe('pods "web" is forbidden: violates PodSecurity "restricted:v1.32": host namespaces (hostIPC=true)');
  });
});

describe('PodSecurity: templates, warn and baseline', () => {
  const bareDeployment = (): O => ({ metadata: { name: 'web' }, spec: { template: { metadata: {}, spec: { containers: [{ name: 's', image: 'node' }] } } } });

  it('only warns for workload templates under enforce', () => {
    const r = checkPodSecurity(ENFORCE, 'Deployment', bareDeployment());
    expect(r.forbidden).toBeUndefined();
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0].startsWith('would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "s" must set')).toBe(true);
  });

  it('warns for pods under a warn label without forbidding', () => {
    const r = checkPodSecurity({ 'pod-security.kubernetes.io/warn': 'restricted' }, 'Pod', podWith((s) => { s.hostPID = true; }));
    expect(r).toEqual({ warnings: ['would violate PodSecurity "restricted:latest": host namespaces (hostPID=true)'] });
  });

  it('does not repeat the warning when warn and enforce are the same policy', () => {
    const r = checkPodSecurity({ ...ENFORCE, 'pod-security.kubernetes.io/warn': 'restricted' }, 'StatefulSet', bareDeployment());
    expect(r.warnings).toHaveLength(1);
  });

  it('audit produces nothing a client sees', () => {
    expect(checkPodSecurity({ 'pod-security.kubernetes.io/audit': 'restricted' }, 'Pod', bareDeployment())).toEqual({ warnings: [] });
  });

  it('baseline enforces only baseline checks, with non-default capabilities', () => {
    const baseline = { 'pod-security.kubernetes.io/enforce': 'baseline' };
    const ok = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } };
    expect(checkPodSecurity(baseline, 'Pod', ok)).toEqual({ warnings: [] });
    const bad = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', securityContext: { capabilities: { add: ['CHOWN', 'NET_ADMIN'] } } }] } };
    expect(checkPodSecurity(baseline, 'Pod', bad).forbidden).toBe('pods "p" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "c" must not include "NET_ADMIN" in securityContext.capabilities.add)');
  });

  it('ignores namespaces without labels, privileged level and kinds without pods', () => {
    expect(checkPodSecurity({}, 'Pod', bareDeployment())).toEqual({ warnings: [] });
    expect(checkPodSecurity({ 'pod-security.kubernetes.io/enforce': 'privileged' }, 'Pod', bareDeployment())).toEqual({ warnings: [] });
    expect(checkPodSecurity(ENFORCE, 'Service', {})).toEqual({ warnings: [] });
  });
});
