// Pod create/update validation with the real kube-apiserver texts (core/validation/validation.go).
import { describe, it, expect } from '@jest/globals';
import { defaultObject, invalidMessage, validateCreate, validateUpdate } from '../../../plugin/playground/apiserver/validation/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type O = any;
const DNS_LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

function pod(mutate: (p: O) => void = () => {}): O {
  const p: O = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      containers: [{ name: 'app', image: 'node:22', ports: [{ containerPort: 8080, name: 'http' }], volumeMounts: [{ name: 'code', mountPath: '/app' }] }],
      volumes: [{ name: 'code', configMap: { name: 'code' } }],
    },
  };
  mutate(p);
  defaultObject('Pod', p);
  return p;
}
const messages = (p: O): string[] => validateCreate('Pod', p).map((e) => e.message);

describe('pod create validation', () => {
  it('accepts a typical pod', () => {
    expect(messages(pod())).toEqual([]);
  });

  const cases: Array<{ name: string; mutate: (p: O) => void; want: string[] }> = [
    { name: 'container name not a DNS label', mutate: (p) => { p.spec.containers[0].name = 'App_1'; }, want: [`spec.containers[0].name: Invalid value: "App_1": ${DNS_LABEL}`] },
    { name: 'container name longer than 63', mutate: (p) => { p.spec.containers[0].name = 'a'.repeat(64); }, want: [`spec.containers[0].name: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`] },
    { name: 'container name missing', mutate: (p) => { delete p.spec.containers[0].name; }, want: ['spec.containers[0].name: Required value'] },
    { name: 'duplicate container name', mutate: (p) => { p.spec.containers.push({ name: 'app', image: 'x' }); }, want: ['spec.containers[1].name: Duplicate value: "app"'] },
    { name: 'init container reusing a container name', mutate: (p) => { p.spec.initContainers = [{ name: 'app', image: 'x' }]; }, want: ['spec.initContainers[0].name: Duplicate value: "app"'] },
    { name: 'no containers', mutate: (p) => { p.spec.containers = []; }, want: ['spec.containers: Required value'] },
    { name: 'image missing', mutate: (p) => { delete p.spec.containers[0].image; }, want: ['spec.containers[0].image: Required value'] },
    { name: 'port name too long', mutate: (p) => { p.spec.containers[0].ports[0].name = 'a-very-long-port-name'; }, want: ['spec.containers[0].ports[0].name: Invalid value: "a-very-long-port-name": must be no more than 15 characters'] },
    {
      name: 'port name with capitals and no letters rules', mutate: (p) => { p.spec.containers[0].ports[0].name = 'HTTP'; },
      want: ['spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain at least one letter (a-z)'],
    },
    { name: 'port name with consecutive hyphens', mutate: (p) => { p.spec.containers[0].ports[0].name = 'a--b'; }, want: ['spec.containers[0].ports[0].name: Invalid value: "a--b": must not contain consecutive hyphens'] },
    { name: 'port name starting with a hyphen', mutate: (p) => { p.spec.containers[0].ports[0].name = '-ab'; }, want: ['spec.containers[0].ports[0].name: Invalid value: "-ab": must not begin or end with a hyphen'] },
    { name: 'duplicate port name in a container', mutate: (p) => { p.spec.containers[0].ports.push({ containerPort: 9090, name: 'http' }); }, want: ['spec.containers[0].ports[1].name: Duplicate value: "http"'] },
    { name: 'containerPort out of range', mutate: (p) => { p.spec.containers[0].ports[0].containerPort = 70000; }, want: ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'] },
    { name: 'containerPort missing', mutate: (p) => { delete p.spec.containers[0].ports[0].containerPort; }, want: ['spec.containers[0].ports[0].containerPort: Required value'] },
    { name: 'unsupported protocol', mutate: (p) => { p.spec.containers[0].ports[0].protocol = 'HTTP'; }, want: ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'] },
    { name: 'env name with =', mutate: (p) => { p.spec.containers[0].env = [{ name: 'A=B', value: '1' }]; }, want: ['spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than \'=\''] },
    { name: 'env names with dots and dashes are fine (relaxed)', mutate: (p) => { p.spec.containers[0].env = [{ name: 'my.var-1', value: '1' }]; }, want: [] },
    { name: 'env name missing', mutate: (p) => { p.spec.containers[0].env = [{ value: '1' }]; }, want: ['spec.containers[0].env[0].name: Required value', 'spec.containers[0].env[0].name: Invalid value: "": environment variable name must be non-empty'] },
    { name: 'env value and valueFrom', mutate: (p) => { p.spec.containers[0].env = [{ name: 'A', value: '1', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]; }, want: ['spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty'] },
    { name: 'env fieldRef path unsupported', mutate: (p) => { p.spec.containers[0].env = [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } }]; }, want: ['spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.bogus": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"'] },
    { name: 'envFrom prefix with =', mutate: (p) => { p.spec.containers[0].envFrom = [{ prefix: 'X=', configMapRef: { name: 'c' } }]; }, want: ['spec.containers[0].envFrom[0].prefix: Invalid value: "X=": a valid environment variable name must consist only of printable ASCII characters other than \'=\''] },
    { name: 'envFrom without a source', mutate: (p) => { p.spec.containers[0].envFrom = [{ prefix: 'X_' }]; }, want: ['spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`'] },
    { name: 'mount of an unknown volume', mutate: (p) => { p.spec.containers[0].volumeMounts.push({ name: 'nope', mountPath: '/x' }); }, want: ['spec.containers[0].volumeMounts[1].name: Not found: "nope"'] },
    { name: 'duplicate mountPath', mutate: (p) => { p.spec.containers[0].volumeMounts.push({ name: 'code', mountPath: '/app' }); }, want: ['spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/app": must be unique'] },
    { name: 'volume name not a DNS label', mutate: (p) => { p.spec.volumes[0].name = 'Code'; p.spec.containers[0].volumeMounts = []; }, want: [`spec.volumes[0].name: Invalid value: "Code": ${DNS_LABEL}`] },
    {
      name: 'duplicate volume name', mutate: (p) => { p.spec.volumes.push({ name: 'code', emptyDir: {} }); },
      want: ['spec.volumes[1].name: Duplicate value: "code"'],
    },
    { name: 'two volume sources', mutate: (p) => { p.spec.volumes[0].secret = { secretName: 's' }; }, want: ['spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type', 'spec.containers[0].volumeMounts[0].name: Not found: "code"'] },
    {
      name: 'configMap items: absolute path and ..', mutate: (p) => { p.spec.volumes[0].configMap.items = [{ key: 'a', path: '/abs' }, { key: 'b', path: 'x/../y' }, { path: 'c' }]; },
      want: ['spec.volumes[0].configMap.items[0].path: Invalid value: "/abs": must be a relative path', 'spec.volumes[0].configMap.items[1].path: Invalid value: "x/../y": must not contain \'..\'', 'spec.volumes[0].configMap.items[2].key: Required value',
        // a volume that failed validation is not mountable (ValidateVolumes only records valid ones)
        'spec.containers[0].volumeMounts[0].name: Not found: "code"'],
    },
    { name: 'configMap defaultMode out of range', mutate: (p) => { p.spec.volumes[0].configMap.defaultMode = 1000; }, want: ['spec.volumes[0].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive', 'spec.containers[0].volumeMounts[0].name: Not found: "code"'] },
    { name: 'configMap volume without a name', mutate: (p) => { delete p.spec.volumes[0].configMap.name; }, want: ['spec.volumes[0].configMap.name: Required value', 'spec.containers[0].volumeMounts[0].name: Not found: "code"'] },
    { name: 'probe without a handler', mutate: (p) => { p.spec.containers[0].readinessProbe = { periodSeconds: 5 }; }, want: ['spec.containers[0].readinessProbe: Required value: must specify a handler type'] },
    { name: 'probe with two handlers', mutate: (p) => { p.spec.containers[0].livenessProbe = { httpGet: { port: 8080 }, tcpSocket: { port: 8080 } }; }, want: ['spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type'] },
    { name: 'probe port name invalid', mutate: (p) => { p.spec.containers[0].readinessProbe = { tcpSocket: { port: 'Web_Port' } }; }, want: ['spec.containers[0].readinessProbe.tcpSocket.port: Invalid value: "Web_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'] },
    { name: 'probe port number invalid', mutate: (p) => { p.spec.containers[0].readinessProbe = { httpGet: { port: 0 } }; }, want: ['spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive'] },
    { name: 'liveness successThreshold must be 1', mutate: (p) => { p.spec.containers[0].livenessProbe = { exec: { command: ['true'] }, successThreshold: 2 }; }, want: ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'] },
    { name: 'unsupported restartPolicy', mutate: (p) => { p.spec.restartPolicy = 'Sometimes'; }, want: ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'] },
    { name: 'ephemeral containers on create', mutate: (p) => { p.spec.ephemeralContainers = [{ name: 'dbg', image: 'busybox' }]; }, want: ['spec.ephemeralContainers: Forbidden: cannot be set on create'] },
    { name: 'bad pod name', mutate: (p) => { p.metadata.name = 'Web'; }, want: ['metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')'] },
    { name: 'missing name', mutate: (p) => { delete p.metadata.name; }, want: ['metadata.name: Required value: name or generateName is required'] },
    { name: 'bad label value', mutate: (p) => { p.metadata.labels.app = 'a b'; }, want: ['metadata.labels: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')'] },
    { name: 'bad label key prefix', mutate: (p) => { p.metadata.labels = { 'Bad_Prefix/x': 'y' }; }, want: ['metadata.labels: Invalid value: "Bad_Prefix/x": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')'] },
    { name: 'bad annotation key', mutate: (p) => { p.metadata.annotations = { 'a/b/c': 'x' }; }, want: ['metadata.annotations: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\') with an optional DNS subdomain prefix and \'/\' (e.g. \'example.com/MyName\')'] },
  ];
  it.each(cases)('$name', ({ mutate, want }) => {
    expect(messages(pod(mutate))).toEqual(want);
  });
});

describe('the image field (validateContainerCommon, validateContainerOnlyForPod)', () => {
  it('takes any non-empty reference, pinned or not, well-formed or not: parsing it is the kubelet\'s job', () => {
    for (const image of [`node:22-alpine@sha256:${'a'.repeat(64)}`, 'node@sha256:abc', 'Not/A:Reference::']) {
      expect(messages(pod((p) => { p.spec.containers[0].image = image; }))).toEqual([]);
    }
  });

  it('refuses leading or trailing whitespace in a pod, on create and update, but not in a template', () => {
    expect(messages(pod((p) => { p.spec.containers[0].image = ' node:22'; }))).toEqual(['spec.containers[0].image: Invalid value: " node:22": must not have leading or trailing whitespace']);
    const old = pod();
    const next = structuredClone(old);
    next.spec.containers[0].image = 'node:23 ';
    expect(validateUpdate('Pod', next, old).map((e) => e.message)).toEqual(['spec.containers[0].image: Invalid value: "node:23 ": must not have leading or trailing whitespace']);
    const deployment: O = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: pod().spec } } };
    deployment.spec.template.spec.containers[0].image = ' node:22';
    defaultObject('Deployment', deployment);
    expect(validateCreate('Deployment', deployment)).toEqual([]);
  });
});

describe('pod update validation', () => {
  const update = (mutate: (p: O) => void): string[] => {
    const old = pod();
    const next = structuredClone(old);
    mutate(next);
    defaultObject('Pod', next);
    return validateUpdate('Pod', next, old).map((e) => e.message);
  };

  it('allows changing an image, adding a toleration and lowering activeDeadlineSeconds', () => {
    expect(update((p) => {
      p.spec.containers[0].image = 'node:23';
      p.spec.tolerations.push({ key: 'x', operator: 'Exists' });
      p.metadata.labels.tier = 'front';
    })).toEqual([]);
  });

  it('refuses a sidecar container: pod updates may not add or remove containers', () => {
    expect(update((p) => { p.spec.containers.push({ name: 'agent', image: 'node:22' }); }))
      .toEqual(['spec.containers: Forbidden: pod updates may not add or remove containers']);
  });

  it('refuses other spec changes with the real list of updatable fields', () => {
    const [msg, ...rest] = update((p) => { p.spec.containers[0].ports[0].containerPort = 9090; });
    expect(rest).toEqual([]);
    expect(msg.startsWith('spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n')).toBe(true);
    expect(msg).toContain('containers');
  });

  it('refuses removing a toleration', () => {
    const old = pod((p) => { p.spec.tolerations = [{ key: 'x', operator: 'Exists' }]; });
    const next = structuredClone(old);
    next.spec.tolerations = next.spec.tolerations.filter((t: O) => t.key !== 'x');
    expect(validateUpdate('Pod', next, old).map((e) => e.message)).toEqual(['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
  });

  it('refuses raising activeDeadlineSeconds and renaming', () => {
    const old = pod((p) => { p.spec.activeDeadlineSeconds = 10; });
    const next = structuredClone(old);
    next.spec.activeDeadlineSeconds = 20;
    next.metadata.name = 'other';
    expect(validateUpdate('Pod', next, old).map((e) => e.message)).toEqual([
      'metadata.name: Invalid value: "other": field is immutable',
      'spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value',
    ]);
  });
});

describe('ephemeral containers (pods/ephemeralcontainers)', () => {
  const withEphemeral = (old: O, ecs: O[]): string[] => {
    const next = structuredClone(old);
    next.spec.ephemeralContainers = ecs;
    defaultObject('Pod', next);
    return validateUpdate('Pod', next, old).map((e) => e.message);
  };

  it('allows adding a debug container that targets an existing container', () => {
    expect(withEphemeral(pod(), [{ name: 'debugger', image: 'busybox', targetContainerName: 'app', stdin: true, tty: true }])).toEqual([]);
  });

  it('forbids ports, probes, resources and subPath, and unknown targets', () => {
    expect(withEphemeral(pod(), [{
      name: 'dbg', image: 'busybox', ports: [{ containerPort: 80 }], readinessProbe: { tcpSocket: { port: 80 } }, targetContainerName: 'nope',
      volumeMounts: [{ name: 'code', mountPath: '/c', subPath: 'x' }],
    }])).toEqual([
      'spec.ephemeralContainers[0].targetContainerName: Not found: "nope"',
      'spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container',
      'spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container',
      'spec.ephemeralContainers[0].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container',
    ]);
  });

  it('forbids duplicate names across containers', () => {
    expect(withEphemeral(pod(), [{ name: 'app', image: 'busybox' }])).toEqual(['spec.ephemeralContainers[0].name: Duplicate value: "app"']);
  });

  it('forbids removing or changing an existing ephemeral container', () => {
    const old = pod();
    old.spec.ephemeralContainers = [{ name: 'dbg', image: 'busybox' }];
    defaultObject('Pod', old);
    expect(withEphemeral(old, [])).toEqual(['spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be removed\n']);
    const [changed] = withEphemeral(old, [{ ...old.spec.ephemeralContainers[0], image: 'alpine' }]);
    expect(changed.startsWith('spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be changed\n')).toBe(true);
  });
});

describe('invalidMessage', () => {
  it('joins one error bare and several in brackets', () => {
    const errs = validateCreate('Pod', pod((p) => { p.spec.containers[0].image = ''; p.spec.containers[0].name = ''; }));
    expect(invalidMessage('Pod', '', 'web', errs.slice(0, 1))).toBe('Pod "web" is invalid: spec.containers[0].name: Required value');
    expect(invalidMessage('Deployment', 'apps', 'web', errs)).toBe('Deployment.apps "web" is invalid: [spec.containers[0].name: Required value, spec.containers[0].image: Required value]');
  });
});
