// Continue tokens decoded as storage.DecodeContinue does, with its error texts: Go's base64
// CorruptInputError positions, encoding/json's errors, the version, resourceVersion, empty-key
// and path checks.
import { describe, expect, it } from '@jest/globals';
import { decodeContinue, encodeContinue } from '../../../plugin/playground/apiserver/continue-token.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64url');

describe('decodeContinue', () => {
  it.each([
    ['abcd!xyz', 'continue key is not valid: illegal base64 data at input byte 4'],
    ['a', 'continue key is not valid: illegal base64 data at input byte 0'],
    ['abcde', 'continue key is not valid: illegal base64 data at input byte 4'],
    ['abc=', 'continue key is not valid: illegal base64 data at input byte 3'],
    ['ab+c', 'continue key is not valid: illegal base64 data at input byte 2'],
    [b64('not json'), "continue key is not valid: invalid character 'o' in literal null (expecting 'u')"],
    [b64('"text"'), 'continue key is not valid: json: cannot unmarshal string into Go value of type storage.continueToken'],
    [b64('{"v":"meta.k8s.io/v2","rv":1,"start":"a"}'), 'continue key is not valid: server does not recognize this encoded version meta.k8s.io/v2'],
    [b64('{"rv":1,"start":"a"}'), 'continue key is not valid: server does not recognize this encoded version '],
    [b64('{"v":"meta.k8s.io/v1","rv":0,"start":"a"}'), 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'],
    [b64('{"v":"meta.k8s.io/v1","rv":5,"start":""}'), 'continue key is not valid: encoded start key empty (version meta.k8s.io/v1)'],
    [b64('{"v":"meta.k8s.io/v1","rv":5,"start":"../kube-system/x"}'), 'continue key is not valid: ../kube-system/x'],
    [b64('{"v":"meta.k8s.io/v1","rv":"5","start":"a"}'), 'continue key is not valid: json: cannot unmarshal string into Go struct field continueToken.rv of type int64'],
    [b64('{"v":"meta.k8s.io/v1","rv":1.5,"start":"a"}'), 'continue key is not valid: json: cannot unmarshal number 1.5 into Go struct field continueToken.rv of type int64'],
  ])('refuses %s', (token, message) => {
    expect(() => decodeContinue(token)).toThrow(message);
    try {
      decodeContinue(token);
    } catch (err) {
      expect((err as Error).message).toBe(message);
    }
  });

  it('reads back what it writes, case-insensitively as encoding/json does', () => {
    expect(decodeContinue(encodeContinue('default/web', 42))).toEqual({ start: 'default/web\u0000', rv: 42 });
    expect(decodeContinue(b64('{"V":"meta.k8s.io/v1","RV":7,"Start":"/x","other":1}'))).toEqual({ start: 'x', rv: 7 });
  });
});
