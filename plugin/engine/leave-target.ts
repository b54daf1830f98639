// Which intercept `leave` means (Telepresence's words): an intercept's name; a workload, when the
// caller holds one intercept on it; or nothing, when the caller holds exactly one. Anything that
// could mean several ends none of them: the caller names one.
import { userError } from '../errors.js';
import type { InterceptInfo } from './events.js';
import { describeWorkload } from './kube-objects.js';
import type { WorkloadRef } from './refs.js';

type Held = Pick<InterceptInfo, 'name' | 'kind' | 'workload' | 'holder'>;

/** The user part of a Lease holder (`user@host`): the same user on any machine is the caller. */
export function holderUser(holder: string): string {
  const at = holder.lastIndexOf('@');
  return at < 0 ? holder : holder.slice(0, at);
}

function listed(intercepts: Held[]): string {
  return intercepts.map((i) => `${i.name} (${describeWorkload({ kind: i.kind, name: i.workload })}, held by ${i.holder})`).join(', ');
}

/**
 * The name of the intercept to end. `word` is what the user typed, `ref` the same read as a
 * workload (undefined when it is not a valid workload name).
 */
export function leaveTarget(intercepts: Held[], user: string, namespace: string, word?: string, ref?: WorkloadRef): string {
  const mine = intercepts.filter((i) => holderUser(i.holder) === user);
  const nameOne = 'name one: kubectl intercept leave NAME (or --all to end every intercept in the namespace)';
  if (word === undefined) {
    if (mine.length === 1) return mine[0].name;
    if (mine.length > 1) throw userError(`you hold ${mine.length} intercepts in namespace "${namespace}": ${mine.map((i) => i.name).join(', ')}`, nameOne);
    throw userError(
      `you hold no intercept in namespace "${namespace}"` + (intercepts.length ? `; others do: ${listed(intercepts)}` : ''),
      intercepts.length ? 'to end another user\'s intercept, name it: kubectl intercept leave NAME' : 'see the intercepts with `kubectl intercept status` (-A for every namespace)',
    );
  }
  if (intercepts.some((i) => i.name === word)) return word;
  const on = ref ? intercepts.filter((i) => i.workload === ref.name && (ref.kind === undefined || i.kind === ref.kind)) : [];
  const mineOn = on.filter((i) => holderUser(i.holder) === user);
  if (mineOn.length === 1) return mineOn[0].name;
  if (mineOn.length > 1) throw userError(`you hold ${mineOn.length} intercepts on ${word}: ${mineOn.map((i) => i.name).join(', ')}; none was ended`, nameOne);
  if (on.length > 0) throw userError(`you hold no intercept on ${word}; others do: ${listed(on)}`, 'to end another user\'s intercept, name it: kubectl intercept leave NAME');
  throw userError(`no intercept "${word}" in namespace "${namespace}", and none on a workload of that name`, 'see the intercepts with `kubectl intercept status`');
}
