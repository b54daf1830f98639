// Which intercept `leave` means: a name, a workload the caller holds one intercept on, or nothing
// when the caller holds exactly one; several possible meanings end none.
import { describe, expect, it } from '@jest/globals';
import { holderUser, leaveTarget } from '../../plugin/engine/leave-target.js';

const held = (name: string, workload: string, holder: string, kind: 'Deployment' | 'StatefulSet' = 'Deployment') => ({ name, workload, holder, kind });
const ME = 'me';
const one = [held('orders-me', 'orders', 'me@laptop'), held('orders-bob', 'orders', 'bob@vm'), held('users-bob', 'users', 'bob@vm')];
const two = [...one, held('orders-me2', 'orders', 'me@desktop')];

describe('leaveTarget', () => {
  it.each([
    ['no word, one of mine', one, undefined, 'orders-me'],
    ['an intercept name, anyone\'s', one, 'users-bob', 'users-bob'],
    ['a workload I hold one intercept on', one, 'orders', 'orders-me'],
    ['deploy/NAME', one, 'deploy/orders', 'orders-me'],
    ['the name wins over a workload of that name', [...two, held('orders', 'users', 'bob@vm')], 'orders', 'orders'],
  ] as const)('%s', (_what, intercepts, word, expected) => {
    const ref = word === undefined ? undefined : word.includes('/') ? { kind: 'Deployment' as const, name: word.split('/')[1] } : { name: word };
    expect(leaveTarget([...intercepts], ME, 'default', word, ref)).toBe(expected);
  });

  it.each([
    ['no word, two of mine', two, undefined, /^you hold 2 intercepts in namespace "default": orders-me, orders-me2$/],
    ['no word, none of mine', [one[1]], undefined, /^you hold no intercept in namespace "default"; others do: orders-bob \(deployment\/orders, held by bob@vm\)$/],
    ['a workload I hold two on', two, 'orders', /^you hold 2 intercepts on orders: orders-me, orders-me2; none was ended$/],
    ['a workload only others hold', one, 'users', /^you hold no intercept on users; others do: users-bob/],
    ['the wrong kind', one, 'sts/orders', /^no intercept "sts\/orders"/],
    ['nothing of that name', one, 'payments', /^no intercept "payments" in namespace "default", and none on a workload of that name$/],
  ] as const)('refuses: %s', (_what, intercepts, word, message) => {
    const ref = word === undefined ? undefined : word.includes('/') ? { kind: 'StatefulSet' as const, name: word.split('/')[1] } : { name: word };
    expect(() => leaveTarget([...intercepts], ME, 'default', word, ref)).toThrow(message);
  });

  it('a holder is user@host; a user name may hold an @ itself', () => {
    expect(holderUser('me@laptop')).toBe('me');
    expect(holderUser('me@example.com@laptop')).toBe('me@example.com');
    expect(holderUser('me')).toBe('me');
  });
});
