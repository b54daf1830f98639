// events.k8s.io/v1 Events through the real kubectl: served and discovered, eventTime decoded as a
// MicroTime, the strict validation of pkg/apis/core/validation/events.go, and one storage with
// the core v1 Events (each version sees the other's writes under its own field names).
import { describe, expect, it } from '@jest/globals';
import { useTestApiServer } from './harness.js';

const server = useTestApiServer();
const ok = (args: string[], input?: string): Promise<string> => server().ok(args, input);

const event = (name: string, fields: string[]): string => [
  'apiVersion: events.k8s.io/v1', 'kind: Event', 'metadata:', `  name: ${name}`, ...fields, '',
].join('\n');

const complete = (eventTime: string): string[] => [
  `eventTime: "${eventTime}"`, 'reportingController: example.com/tester', 'reportingInstance: tester-1', 'action: Testing',
  'reason: Tested', 'note: all good', 'type: Normal', 'regarding: {kind: Pod, namespace: default, name: web-0, apiVersion: v1}',
];

describe('events.k8s.io/v1 Event', () => {
  it('is in discovery', async () => {
    const out = await ok(['api-resources', '--api-group=events.k8s.io', '--no-headers']);
    expect(out.split(/\s+/).filter(Boolean)).toEqual(['events', 'ev', 'events.k8s.io/v1', 'true', 'Event']);
  });

  it('refuses an eventTime with milliseconds, as every MicroTime', async () => {
    const res = await server().kubectl(['create', '-f', '-'], event('millis', complete('2026-12-02T17:26:14.592Z')));
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('Error from server (BadRequest): error when creating "STDIN": Event in version "v1" cannot be handled as a Event: '
      + 'parsing time "2026-12-02T17:26:14.592Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".592Z" as ".000000"\n');
  });

  it('refuses what the strict events.k8s.io validation refuses, naming the internal fields', async () => {
    const res = await server().kubectl(['create', '-f', '-'], event('bad', [
      'eventTime: "2026-12-02T17:26:14.592000Z"', 'reportingController: tester', 'type: Bogus', 'deprecatedCount: 3',
      'series: {count: 1, lastObservedTime: "2026-12-02T17:26:14.592000Z"}',
    ]));
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('The Event "bad" is invalid: \n'
      + '* reportingInstance: Required value\n* action: Required value\n* reason: Required value\n'
      + '* series.count: Invalid value: "": should be at least 2\n* type: Invalid value: "": has invalid value: Bogus\n'
      + '* count: Invalid value: "": needs to be unset\n');
    const raw = await server().request('POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
      body: { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'bare' }, type: 'Normal' },
    });
    expect(raw.status).toBe(422);
    expect(JSON.parse(raw.text).message).toBe('Event.events.k8s.io "bare" is invalid: eventTime: Required value');
  });

  it('is the same object as the core v1 Event, each version under its own names', async () => {
    await ok(['create', '-f', '-'], event('shared', complete('2026-12-02T17:26:14.592Z'.replace('.592Z', '.592000Z'))));
    expect(await ok(['get', 'events.v1.events.k8s.io', 'shared', '-o', 'jsonpath={.eventTime} {.note} {.regarding.name} {.reportingController}']))
      .toBe('2026-12-02T17:26:14.592000Z all good web-0 example.com/tester');
    expect(await ok(['get', 'events.v1.', 'shared', '-o', 'jsonpath={.apiVersion} {.message} {.involvedObject.name} {.reportingComponent}']))
      .toBe('v1 all good web-0 example.com/tester');
    // A core write shows through events.k8s.io, with its deprecated fields.
    await ok(['patch', 'events.v1.', 'shared', '--type=merge', '-p', '{"count":4}']);
    expect(await ok(['get', 'events.v1.events.k8s.io', 'shared', '-o', 'jsonpath={.deprecatedCount}'])).toBe('4');
    expect(await ok(['get', 'events.v1.events.k8s.io', '--field-selector=regarding.name=web-0', '-o', 'name']))
      .toBe('event.events.k8s.io/shared\n');
    const bad = await server().kubectl(['get', 'events.v1.events.k8s.io', '--field-selector=involvedObject.name=web-0']);
    expect(bad.stderr).toContain('field label not supported: involvedObject.name');
    expect(await ok(['get', 'events.v1.events.k8s.io'])).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n.*Normal\s+Tested\s+pod\/web-0\s+all good\n$/);
  });

  it('is watched and deleted through either version', async () => {
    const watch = server().request('GET', '/apis/events.k8s.io/v1/namespaces/default/events?watch=1&timeoutSeconds=1&fieldSelector=metadata.name%3Dcore-made');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const created = await server().request('POST', '/api/v1/namespaces/default/events', {
      body: { metadata: { name: 'core-made' }, involvedObject: { kind: 'Node', name: 'playground' }, reason: 'Seen', message: 'from core', type: 'Normal' },
    });
    expect(created.status).toBe(201);
    const lines = (await watch).text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([{ type: 'ADDED', object: expect.objectContaining({ apiVersion: 'events.k8s.io/v1', note: 'from core', regarding: { kind: 'Node', name: 'playground' } }) }]);
    await ok(['delete', 'events.v1.events.k8s.io', 'core-made']);
    expect((await server().request('GET', '/api/v1/namespaces/default/events/core-made')).status).toBe(404);
  });
});
