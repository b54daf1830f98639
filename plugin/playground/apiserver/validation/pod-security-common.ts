// Helpers shared by the Pod Security Standards checks (pod-security-admission policy/helpers.go):
// pluralize, joinQuote, visitContainers and the forbidden reason/detail result.

import { isObj, list, type Obj } from './types.js';

export interface CheckResult { reason: string; detail: string }
export interface Check { id: string; level: 'baseline' | 'restricted'; run: (spec: Obj, meta: Obj) => CheckResult | undefined }


export const pluralize = (one: string, many: string, n: number): string => (n === 1 ? one : many);
/** helpers.go joinQuote: wraps in quotes without escaping the items. */
export const joinQuote = (items: string[]): string => (items.length ? `"${items.join('", "')}"` : '');
export const sortedUnique = (items: Iterable<string>): string[] => [...new Set(items)].sort();
export const containersText = (names: string[]): string => `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;

/** visitContainers: init, regular, then ephemeral containers. */
export function containers(spec: Obj): Obj[] {
  return [...list(spec?.initContainers), ...list(spec?.containers), ...list(spec?.ephemeralContainers)];
}
export const sc = (c: Obj): Obj => (isObj(c?.securityContext) ? c.securityContext : undefined);
export const podSC = (spec: Obj): Obj => (isObj(spec?.securityContext) ? spec.securityContext : undefined);
export const isWindows = (spec: Obj): boolean => spec?.os?.name === 'windows';

