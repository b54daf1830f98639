// Every kind the playground serves decodes against a client-node model, and the hand-filled
// facts (quantities, Go type names) land where the Go types have them.
import { describe, expect, it } from '@jest/globals';
import { resources, subresourceKind } from '../../../../plugin/playground/apiserver/resources.js';
import { goTypeString, modelFor, structType } from '../../../../plugin/playground/apiserver/decode/schema.js';

describe('schema', () => {
  it('finds a model for every served kind and every writable subresource', () => {
    const missing: string[] = [];
    for (const info of resources) {
      if (!modelFor(info.group, info.version, info.kind)) missing.push(`${info.group}/${info.version} ${info.kind}`);
      for (const sub of ['scale', 'binding', 'token'].filter((s) => info.subresources.includes(s))) {
        const k = subresourceKind(info, sub);
        if (!modelFor(k.group, k.version, k.kind)) missing.push(`${info.resource}/${sub}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('tells the two Event kinds apart', () => {
    expect(modelFor('', 'v1', 'Event')).toBe('CoreV1Event');
    expect(modelFor('events.k8s.io', 'v1', 'Event')).toBe('EventsV1Event');
    expect(modelFor('authentication.k8s.io', 'v1', 'TokenRequest')).toBe('AuthenticationV1TokenRequest');
  });

  it('types fields as the Go structs do', () => {
    expect(structType('V1LeaseSpec').fields.get('renewTime')).toEqual({ k: 'time', micro: true, pointer: true });
    expect(structType('V1ObjectMeta').fields.get('creationTimestamp')).toEqual({ k: 'time', micro: false, pointer: false });
    expect(goTypeString(structType('V1ResourceRequirements').fields.get('limits')!)).toBe('v1.ResourceList');
    expect(structType('V1EmptyDirVolumeSource').fields.get('sizeLimit')).toEqual({ k: 'quantity', pointer: true });
    expect(goTypeString(structType('V1PodSpec').fields.get('containers')!)).toBe('[]v1.Container');
    expect(goTypeString(structType('V1Secret').fields.get('data')!)).toBe('map[string][]uint8');
    expect(structType('V1LimitRangeItem').fields.get('default')).toMatchObject({ k: 'map', of: { k: 'quantity' } });
  });
});
