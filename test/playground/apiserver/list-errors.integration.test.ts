// What a list refuses, through the real kubectl: bad continue tokens (storage/continue.go via the
// etcd3 store's "invalid continue token"), label selectors the labels parser refuses and field
// selectors the fields parser refuses, each a 400 BadRequest in kube-apiserver's words.
import { describe, expect, it } from '@jest/globals';
import { useTestApiServer } from './harness.js';

const server = useTestApiServer();

describe('continue tokens', () => {
  it('pages through a list with the tokens it hands out', async () => {
    for (const name of ['c1', 'c2', 'c3']) await server().ok(['create', 'configmap', name]);
    expect(await server().ok(['get', 'configmaps', '--chunk-size=1', '-o', 'name'])).toBe('configmap/c1\nconfigmap/c2\nconfigmap/c3\n');
    const first = JSON.parse(await server().ok(['get', '--raw', '/api/v1/namespaces/default/configmaps?limit=2']));
    expect(first.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['c1', 'c2']);
    expect(JSON.parse(Buffer.from(first.metadata.continue, 'base64url').toString())).toEqual({ v: 'meta.k8s.io/v1', rv: Number(first.metadata.resourceVersion), start: 'c2\u0000' });
  });

  it('refuses a token that does not decode, with DecodeContinue\'s error', async () => {
    const res = await server().kubectl(['get', '--raw', '/api/v1/namespaces/default/configmaps?limit=1&continue=abcd!xyz']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('Error from server (BadRequest): invalid continue token: continue key is not valid: illegal base64 data at input byte 4\n');
    const raw = await server().request('GET', '/api/v1/namespaces/default/configmaps?continue=abcd!xyz');
    expect(raw.status).toBe(400);
    expect(JSON.parse(raw.text)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
  });

  it('refuses a resourceVersion beside a continue token', async () => {
    const token = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 5, start: 'c1\u0000' })).toString('base64url');
    const res = await server().kubectl(['get', '--raw', `/api/v1/namespaces/default/configmaps?continue=${token}&resourceVersion=5`]);
    expect(res.stderr).toBe('Error from server (BadRequest): specifying resource version is not allowed when using continue\n');
  });
});

describe('selectors', () => {
  it('refuses a label selector the labels parser refuses, as kubectl shows it', async () => {
    const res = await server().kubectl(['get', 'configmaps', '-l', 'a in']);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('Error from server (BadRequest): Unable to find "/v1, Resource=configmaps" that match label selector "a in", '
      + 'field selector "": unable to parse requirement: found \'\' expected: \'(\'\n');
    const other = await server().kubectl(['get', 'configmaps', '-l', 'a,']);
    expect(other.stderr).toContain(": found '', expected: identifier after ','\n");
  });

  it('selects by set-based and exists requirements', async () => {
    await server().ok(['label', 'configmap', 'c1', 'tier=front', 'n=7']);
    await server().ok(['label', 'configmap', 'c2', 'tier=back']);
    const names = (selector: string): Promise<string> => server().ok(['get', 'configmaps', '-l', selector, '-o', 'name']);
    expect(await names('tier in (front,back),n')).toBe('configmap/c1\n');
    expect(await names('tier,!n')).toBe('configmap/c2\n');
    expect(await names('n>6')).toBe('configmap/c1\n');
  });

  it('refuses field selectors the fields parser refuses', async () => {
    const res = await server().kubectl(['get', 'configmaps', '--field-selector', 'metadata.name=a=b']);
    expect(res.stderr).toBe('Error from server (BadRequest): Unable to find "/v1, Resource=configmaps" that match label selector "", '
      + 'field selector "metadata.name=a=b": invalid field selector: unescaped character in value: =\n');
    const untrimmed = await server().kubectl(['get', 'configmaps', '--field-selector', 'metadata.name =c1']);
    expect(untrimmed.stderr).toContain('"metadata.name " is not a known field selector');
    expect(await server().ok(['get', 'configmaps', '--field-selector', 'metadata.name!=c1', '-o', 'name'])).toBe('configmap/c2\nconfigmap/c3\n');
  });
});
