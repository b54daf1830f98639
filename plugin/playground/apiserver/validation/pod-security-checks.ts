// The Pod Security Standards checks of k8s.io/pod-security-admission 0.32, by check ID and level.

import { appArmor, hostNamespaces, hostPathVolumes, hostPorts, hostProcess, privileged, procMount, seLinuxOptions, seccompBaseline, sysctls } from './pod-security-baseline.js';
import type { Check } from './pod-security-common.js';
import { allowPrivilegeEscalation, capabilitiesRestricted, restrictedVolumes, runAsNonRoot, runAsUser, seccompRestricted } from './pod-security-restricted.js';

export { capabilitiesBaseline } from './pod-security-baseline.js';
export type { CheckResult } from './pod-security-common.js';

/** Sorted by check ID, as the evaluator reports them; restricted overrides of baseline checks noted. */
export const CHECKS: Check[] = [
  { id: 'allowPrivilegeEscalation', level: 'restricted', run: allowPrivilegeEscalation },
  { id: 'appArmorProfile', level: 'baseline', run: appArmor },
  { id: 'capabilities_restricted', level: 'restricted', run: capabilitiesRestricted },
  { id: 'hostNamespaces', level: 'baseline', run: hostNamespaces },
  { id: 'hostPathVolumes', level: 'baseline', run: hostPathVolumes },
  { id: 'hostPorts', level: 'baseline', run: hostPorts },
  { id: 'hostProcess', level: 'baseline', run: hostProcess },
  { id: 'privileged', level: 'baseline', run: privileged },
  { id: 'procMount', level: 'baseline', run: procMount },
  { id: 'restrictedVolumes', level: 'restricted', run: restrictedVolumes },
  { id: 'runAsNonRoot', level: 'restricted', run: runAsNonRoot },
  { id: 'runAsUser', level: 'restricted', run: runAsUser },
  { id: 'seLinuxOptions', level: 'baseline', run: seLinuxOptions },
  { id: 'seccompProfile_baseline', level: 'baseline', run: seccompBaseline },
  { id: 'seccompProfile_restricted', level: 'restricted', run: seccompRestricted },
  { id: 'sysctls', level: 'baseline', run: sysctls },
];

/** Baseline checks that a restricted check replaces at the restricted level. */
export const OVERRIDDEN_BY_RESTRICTED = new Set(['seccompProfile_baseline', 'capabilities_baseline']);

