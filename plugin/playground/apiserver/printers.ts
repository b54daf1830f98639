// The column sets of kube-apiserver's printers (kubernetes/pkg/printers/internalversion/printers.go),
// keyed by kind; kinds without one get the default Name / Created At table.
import { corePrinters } from './printers-core.js';
import { workloadPrinters } from './printers-workloads.js';
import { authPrinters } from './printers-auth.js';
import { quotaPrinters } from './printers-quota.js';
import type { Printer } from './printers-common.js';
import { col, nameColumn } from './printers-common.js';

export type { Column, Printer } from './printers-common.js';

const defaultPrinter: Printer = {
  // The default table convertor (k8s.io/apiserver/pkg/registry/rest/table.go).
  columns: [
    nameColumn,
    col('Created At', 'date', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
  ],
  cells: (obj) => [obj.metadata?.name ?? '', obj.metadata?.creationTimestamp ?? ''],
};

const printers: Record<string, Printer> = { ...corePrinters, ...workloadPrinters, ...authPrinters, ...quotaPrinters };

export function printerFor(kind: string): Printer {
  return printers[kind] ?? defaultPrinter;
}
