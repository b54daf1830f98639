// Server-side apply is not implemented: the playground answers `kubectl apply --server-side` as a
// server without it does (handlers/patch.go: a 415 for the unknown patch type, before the object
// is looked up), and kubectl says plainly what is missing.
import { describe, expect, it } from '@jest/globals';
import { useTestApiServer } from './harness.js';

const server = useTestApiServer();

const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n';

describe('kubectl apply --server-side', () => {
  it('is refused whether the object exists or not, and kubectl names server-side apply', async () => {
    const message = 'the body of the request was in an unknown format - accepted media types include: '
      + 'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json';
    for (const setup of [async () => undefined, () => server().ok(['create', '-f', '-'], configMap)]) {
      await setup();
      const res = await server().kubectl(['apply', '--server-side', '-f', '-'], configMap);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(`error: Server-side apply not available on the server: (${message})\n`);
    }
    const raw = await server().request('PATCH', '/api/v1/namespaces/default/configmaps/absent?fieldManager=me',
      { body: configMap, headers: { 'Content-Type': 'application/apply-patch+yaml' } });
    expect(raw.status).toBe(415);
    expect(JSON.parse(raw.text)).toMatchObject({ reason: 'UnsupportedMediaType', code: 415, message });
  });

  it('leaves client-side apply working', async () => {
    expect(await server().ok(['apply', '-f', '-'], configMap.replace('"1"', '"2"'))).toBe('configmap/ssa configured\n');
  });
});
