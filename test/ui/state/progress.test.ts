import { describe, expect, it } from '@jest/globals';
import { foldProgress, initialProgress, withFailure } from '../../../ui/state/progress.js';
import { FAILED_START, LEAVE, START } from '../fixtures/events.js';

describe('foldProgress', () => {
  it('turns the start into one line per step, rollouts counting up, all done when active', () => {
    const mid = foldProgress(initialProgress(), START.slice(0, 5));
    expect(mid.lines.map((l) => [l.step, l.status])).toEqual([
      ['install', 'done'],
      ['rollout', 'running'],
    ]);
    expect(mid.lines[1]).toMatchObject({ ready: 1, total: 2 });
    const done = foldProgress(initialProgress(), START);
    expect(done.lines.map((l) => l.step)).toEqual(['install', 'rollout', 'service', 'tunnel']);
    expect(done.lines.every((l) => l.status === 'done')).toBe(true);
    expect(done.finished).toBe(true);
  });

  it('marks the running step failed and keeps the reason', () => {
    const s = foldProgress(initialProgress(), FAILED_START);
    expect(s.lines.map((l) => l.status)).toEqual(['done', 'failed']);
    expect(s.failure?.message).toMatch(/ImagePullBackOff/);
    const better = withFailure(s, { message: 'the rollout failed', hint: 'check the image' });
    expect(better.failure).toEqual({ message: 'the rollout failed', hint: 'check the image' });
  });

  it('starts a fresh list for leaving and restoring', () => {
    const s = foldProgress(foldProgress(initialProgress(), START), LEAVE);
    expect(s.phase).toBe('leave');
    expect(s.lines.map((l) => [l.step, l.status])).toEqual([
      ['restore', 'done'],
      ['rollout', 'done'],
    ]);
    expect(s.lines[0].message).toMatch(/removed the agent/);
    expect(s.finished).toBe(true);
  });
});
