// The demo workloads: Deployments `users` (Service with a numeric targetPort) and `orders` (Service
// with a named targetPort, env from a value, a Secret key, a ConfigMap envFrom and the downward
// API), both node:22-alpine running code from a ConfigMap, compliant with PodSecurity restricted.
import { ORDERS_JS, USERS_JS } from './apps.js';
import type { KubeObject } from '../controllers/types.js';

export const DEMO_NAMESPACE = 'default';
export const DEMO_DEPLOYMENTS = ['users', 'orders'] as const;
export const DEMO_IMAGE = 'node:22-alpine';
/** Service port of both demo Services: above 1024, so kube-proxy can listen without privileges. */
export const SERVICE_PORT = 8080;
const USERS_PORT = 9090;
const ORDERS_PORT = 3000;

const restrictedPod = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } };
const restrictedContainer = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

function app(name: string, port: number, replicas: number, env: object[], envFrom?: object[]): KubeObject[] {
  const labels = { app: name };
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-app`, namespace: DEMO_NAMESPACE, labels }, data: { 'server.js': name === 'users' ? USERS_JS : ORDERS_JS } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: DEMO_NAMESPACE, labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            securityContext: restrictedPod,
            containers: [
              {
                name,
                image: DEMO_IMAGE,
                command: ['node', '/app/server.js'],
                ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
                env: [
                  { name: 'SERVICE_NAME', value: name },
                  { name: 'PORT', value: String(port) },
                  { name: 'VERSION', value: 'v1' },
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  ...env,
                ],
                ...(envFrom ? { envFrom } : {}),
                readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 1, failureThreshold: 3 },
                securityContext: restrictedContainer,
                volumeMounts: [{ name: 'app', mountPath: '/app', readOnly: true }],
              },
            ],
            volumes: [{ name: 'app', configMap: { name: `${name}-app` } }],
          },
        },
      },
    },
  ];
}

function service(name: string, targetPort: number | string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: DEMO_NAMESPACE, labels: { app: name } },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: SERVICE_PORT, protocol: 'TCP', targetPort }] },
  };
}

/** In apply order: Services before the Deployments, so pods get the service link env variables. */
export function demoObjects(): KubeObject[] {
  return [
    service('users', USERS_PORT),
    service('orders', 'http'),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orders-config', namespace: DEMO_NAMESPACE }, data: { GREETING: 'hello from orders', LOG_LEVEL: 'info' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-secret', namespace: DEMO_NAMESPACE }, type: 'Opaque', data: { 'api-key': Buffer.from('demo-api-key-123').toString('base64') } },
    ...app('users', USERS_PORT, 2, []),
    ...app('orders', ORDERS_PORT, 2, [{ name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'orders-secret', key: 'api-key' } } }, { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }], [{ configMapRef: { name: 'orders-config' } }]),
  ];
}
