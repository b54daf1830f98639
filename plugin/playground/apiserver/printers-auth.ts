// Printers for ServiceAccounts and RBAC bindings, after kubernetes/pkg/printers/internalversion/
// printers.go (printServiceAccount, printRoleBinding, printClusterRoleBinding and
// rbac.SubjectsStrings). Roles and ClusterRoles have no printer there: they get the default
// Name / Created At table.
import type { Printer } from './printers-common.js';
import { age, ageColumn, col, nameColumn } from './printers-common.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const serviceAccountPrinter: Printer = {
  columns: [
    nameColumn,
    col('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'),
    ageColumn,
  ],
  cells: (sa) => [sa.metadata.name, (sa.secrets ?? []).length, age(sa.metadata.creationTimestamp)],
};

/** rbac.SubjectsStrings: users, groups and namespace/name of service accounts. */
function subjectCells(subjects: Obj[] | undefined): string[] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
    else if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingPrinter(what: string, roleRefDoc: string): Printer {
  return {
    columns: [
      nameColumn,
      col('Role', 'string', roleRefDoc),
      ageColumn,
      col('Users', 'string', `Users in the ${what}`, 1),
      col('Groups', 'string', `Groups in the ${what}`, 1),
      col('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`, 1),
    ],
    cells: (b) => [b.metadata.name, `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`, age(b.metadata.creationTimestamp), ...subjectCells(b.subjects)],
  };
}

export const authPrinters: Record<string, Printer> = {
  ServiceAccount: serviceAccountPrinter,
  RoleBinding: bindingPrinter('roleBinding', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.'),
  ClusterRoleBinding: bindingPrinter('clusterRoleBinding', 'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error.'),
};
