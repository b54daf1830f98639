// The registry's rules on their own: who gets a request when filters overlap (the first
// registered, also after a reconnect), a path prefix of / counted as global, mirrors beside all.
import { describe, expect, it } from '@jest/globals';
import { Registry, type ClientHandle } from '../../plugin/agent/registry.js';
import { rawHeaderLookup, type Match } from '../../plugin/protocol/matcher.js';

const handle = (name: string): ClientHandle => ({ id: name, name, openStream: () => { throw new Error('not used'); } });
const mappings = [{ agentPort: 15080, appPort: 8080 }];
const dev = (value: string, regex = false): Match => ({ headers: [{ name: 'x-dev', value, regex }] });

describe('registry', () => {
  it('keeps the first registered filter first when its client reconnects', () => {
    const r = new Registry(mappings);
    const alice = handle('alice@laptop');
    expect(r.register(alice, { id: 'a', port: 8080, match: dev('^al', true) })).toBeUndefined();
    expect(r.register(handle('bob@laptop'), { id: 'b', port: 8080, match: dev('alice') })).toBeUndefined();
    const who = () => r.route(15080, rawHeaderLookup(['x-dev', 'alice']), '/', 'GET')?.client.name;
    expect(who()).toBe('alice@laptop');
    // A network blip: alice's tunnel drops and her client registers again on a new connection.
    r.dropClient(alice);
    expect(who()).toBe('bob@laptop');
    expect(r.register(handle('alice@laptop'), { id: 'a', port: 8080, match: dev('^al', true) })).toBeUndefined();
    expect(who()).toBe('alice@laptop');
  });

  it('takes a path prefix of / alone as global, with the global conflict rules', () => {
    const r = new Registry(mappings);
    expect(r.register(handle('alice'), { id: 'a', port: 8080, match: dev('alice') })).toBeUndefined();
    expect(r.register(handle('bob'), { id: 'b', port: 8080, match: { path: { kind: 'prefix', value: '/' } } }))
      .toMatch(/has a filtered intercept by alice .*a global intercept would take its traffic/);
    expect(r.register(handle('bob'), { id: 'b', port: 8080, match: { path: { kind: 'prefix', value: '/' } }, mirror: true })).toBeUndefined();
  });
});
