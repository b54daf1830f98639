// The kubelet's token cache on a hand-turned clock: one TokenRequest per projection until 80% of
// the token's lifetime (or 24 hours) has passed, the old token kept while a refresh fails and it
// is still valid, and an error once it has expired.
import { describe, expect, it } from '@jest/globals';
import { TokenManager, type IssuedToken, type TokenRequestSpec } from '../../../plugin/playground/kubelet/token-manager.js';

function setup(lifetimeSeconds: number) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  let failWith: string | undefined;
  let issued = 0;
  const logged: string[] = [];
  const manager = new TokenManager(async (): Promise<IssuedToken> => {
    if (failWith) throw new Error(failWith);
    issued += 1;
    return { token: `t${issued}`, expirationTimestamp: new Date(now + lifetimeSeconds * 1000), expirationSeconds: lifetimeSeconds };
  }, (m) => logged.push(m), () => now, () => 0);
  return {
    manager, logged,
    advance: (seconds: number) => { now += seconds * 1000; },
    fail: (message: string | undefined) => { failWith = message; },
    now: () => now,
  };
}

const spec = (uid: string, audiences: string[] = []): TokenRequestSpec => ({
  audiences, expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: `pod-${uid}`, uid },
});

describe('TokenManager', () => {
  it('keeps a token until 80% of its lifetime, then asks for a new one', async () => {
    const t = setup(3607);
    expect(await t.manager.token('default', 'default', spec('a'))).toBe('t1');
    t.advance(2885);
    expect(await t.manager.token('default', 'default', spec('a'))).toBe('t1');
    expect(t.manager.nextRefresh('a')).toBe(t.now() + 0.6 * 1000);
    t.advance(1);
    expect(await t.manager.token('default', 'default', spec('a'))).toBe('t2');
  });

  it('caches per request: another pod or audience gets its own token', async () => {
    const t = setup(3607);
    expect(await t.manager.token('default', 'default', spec('a'))).toBe('t1');
    expect(await t.manager.token('default', 'default', spec('b'))).toBe('t2');
    expect(await t.manager.token('default', 'default', spec('a', ['vault']))).toBe('t3');
    t.manager.forget('a');
    expect(t.manager.nextRefresh('a')).toBeUndefined();
    expect(t.manager.nextRefresh('b')).toBeDefined();
  });

  it('refreshes a long-lived token after 24 hours', async () => {
    const t = setup(7 * 24 * 3600);
    await t.manager.token('default', 'default', spec('a'));
    t.advance(24 * 3600);
    expect(await t.manager.token('default', 'default', spec('a'))).toBe('t2');
  });

  it('keeps the old token while a refresh fails and it has not expired, and fails once it has', async () => {
    const t = setup(1000);
    await expect((async () => { t.fail('serviceaccounts "x" not found'); return t.manager.token('default', 'x', spec('c')); })())
      .rejects.toThrow('failed to fetch token: serviceaccounts "x" not found');
    t.fail(undefined);
    expect(await t.manager.token('default', 'default', spec('a'))).toBe('t1');
    t.advance(900);
    t.fail('connection refused');
    expect(await t.manager.token('default', 'default', spec('a'))).toBe('t1');
    expect(t.logged).toEqual(["couldn't update token for default/default: connection refused"]);
    t.advance(100);
    await expect(t.manager.token('default', 'default', spec('a'))).rejects.toThrow(/expired and refresh failed: connection refused$/);
  });
});
