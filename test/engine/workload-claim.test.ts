// How a restore mark is judged: by its process when it ran on this machine, else by its age;
// marks written before the process was recorded are still read (by their age).
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { thisProcess } from '../../plugin/engine/holder-process.js';
import { markState, restoreMark, STALE_MARK_MS, RESTORING_ANNOTATION } from '../../plugin/engine/workload-claim.js';

const now = Date.parse('2026-12-03T12:00:00Z');
const at = (msAgo: number) => new Date(now - msAgo).toISOString();
const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;

describe('markState', () => {
  it.each([
    ['an old-format mark, fresh', { by: 'restore-x', since: at(1000) }, 'holds'],
    ['an old-format mark, older than the limit', { by: 'restore-x', since: at(STALE_MARK_MS + 1000) }, 'stale'],
    ['a live process of this machine', { by: 'restore-x', since: at(1000), process: thisProcess() }, 'holds'],
    ['a gone process of this machine, fresh', { by: 'restore-x', since: at(1000), process: { ...thisProcess(), pid: deadPid } }, 'dead'],
    ['a process of another machine, fresh', { by: 'restore-x', since: at(1000), process: { ...thisProcess(), host: 'elsewhere', pid: deadPid } }, 'holds'],
    ['a process of another machine, older than the limit', { by: 'restore-x', since: at(STALE_MARK_MS + 1000), process: { ...thisProcess(), host: 'elsewhere' } }, 'stale'],
  ])('%s', (_what, mark, state) => {
    expect(markState(mark, now)).toBe(state);
  });

  it('reads an old-format annotation as it was written', () => {
    const old = JSON.stringify({ by: 'restore-intercept-a', since: at(0) });
    expect(restoreMark({ metadata: { annotations: { [RESTORING_ANNOTATION]: old } } })).toEqual({ by: 'restore-intercept-a', since: at(0) });
  });
});
