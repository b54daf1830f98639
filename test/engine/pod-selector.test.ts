// selectorString: a LabelSelector in the list-call syntax, as LabelSelectorAsSelector writes it.
import { describe, expect, it } from '@jest/globals';
import { selectorString } from '../../plugin/engine/pod-selector.js';

describe('selectorString', () => {
  it.each([
    [{ matchLabels: { app: 'web' } }, 'app=web'],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] }, 'tier in (a,b)'],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['canary'] }, { key: 'owner', operator: 'Exists' }, { key: 'legacy', operator: 'DoesNotExist' }] }, 'app=web,track notin (canary),owner,!legacy'],
  ])('%j -> %s', (sel, text) => expect(selectorString(sel)).toBe(text));
  it('refuses an empty selector rather than listing every pod', () => {
    expect(() => selectorString({})).toThrow('the workload has an empty pod selector');
  });
});
