// Field numbers of the protobuf messages kubectl sends for accounts and access: `create
// serviceaccount`, `create token`, `create role|clusterrole|rolebinding|clusterrolebinding` and
// `auth can-i` / `auth whoami`, from k8s.io/api core/v1, rbac/v1, authentication/v1 and
// authorization/v1 generated.proto. Review statuses are the server's to fill, so they are skipped.
import { ptr, rep, rs, s, skip, t, type Schema } from './protobuf-schema.js';

export const authMessages: Record<string, Schema> = {
  ServiceAccount: {
    1: t('metadata', 'ObjectMeta'), 2: rep('secrets', 'ObjectReference'), 3: rep('imagePullSecrets', 'LocalObjectReference'),
    4: ptr('automountServiceAccountToken', 'bool'),
  },
  ObjectReference: { 1: s('kind'), 2: s('namespace'), 3: s('name'), 4: s('uid'), 5: s('apiVersion'), 6: s('resourceVersion'), 7: s('fieldPath') },
  Role: { 1: t('metadata', 'ObjectMeta'), 2: rep('rules', 'PolicyRule') },
  ClusterRole: { 1: t('metadata', 'ObjectMeta'), 2: rep('rules', 'PolicyRule'), 3: t('aggregationRule', 'AggregationRule') },
  AggregationRule: { 1: rep('clusterRoleSelectors', 'LabelSelector') },
  PolicyRule: { 1: rs('verbs'), 2: rs('apiGroups'), 3: rs('resources'), 4: rs('resourceNames'), 5: rs('nonResourceURLs') },
  RoleBinding: { 1: t('metadata', 'ObjectMeta'), 2: rep('subjects', 'Subject'), 3: t('roleRef', 'RoleRef') },
  ClusterRoleBinding: { 1: t('metadata', 'ObjectMeta'), 2: rep('subjects', 'Subject'), 3: t('roleRef', 'RoleRef') },
  RoleRef: { 1: s('apiGroup'), 2: s('kind'), 3: s('name') },
  Subject: { 1: s('kind'), 2: s('apiGroup'), 3: s('name'), 4: s('namespace') },
  TokenRequest: { 1: t('metadata', 'ObjectMeta'), 2: t('spec', 'TokenRequestSpec'), 3: skip('status') },
  TokenRequestSpec: { 1: rs('audiences'), 3: t('boundObjectRef', 'BoundObjectReference'), 4: ptr('expirationSeconds', 'int64') },
  BoundObjectReference: { 1: s('kind'), 2: s('apiVersion'), 3: s('name'), 4: s('uid') },
  SelfSubjectAccessReview: { 1: t('metadata', 'ObjectMeta'), 2: t('spec', 'SelfSubjectAccessReviewSpec'), 3: skip('status') },
  SelfSubjectAccessReviewSpec: { 1: t('resourceAttributes', 'ResourceAttributes'), 2: t('nonResourceAttributes', 'NonResourceAttributes') },
  ResourceAttributes: {
    1: s('namespace'), 2: s('verb'), 3: s('group'), 4: s('version'), 5: s('resource'), 6: s('subresource'), 7: s('name'),
    8: skip('fieldSelector'), 9: skip('labelSelector'),
  },
  NonResourceAttributes: { 1: s('path'), 2: s('verb') },
  SelfSubjectRulesReview: { 1: t('metadata', 'ObjectMeta'), 2: t('spec', 'SelfSubjectRulesReviewSpec'), 3: skip('status') },
  SelfSubjectRulesReviewSpec: { 1: s('namespace') },
  SelfSubjectReview: { 1: t('metadata', 'ObjectMeta'), 2: skip('status') },
};
