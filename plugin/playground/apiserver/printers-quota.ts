// Printers for ResourceQuotas and LimitRanges, after kubernetes/pkg/printers/internalversion/
// printers.go printResourceQuota (used/hard per name, limits.* in their own column) and
// printLimitRange (the creation time in RFC 3339).
import type { Printer } from './printers-common.js';
import { age, ageColumn, col, nameColumn } from './printers-common.js';

const createdColumn = { ...ageColumn, name: 'Created At', type: 'date' };

const resourceQuotaPrinter: Printer = {
  columns: [nameColumn, ageColumn,
    col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.')],
  cells: (rq) => {
    const hard: Record<string, string> = rq.status?.hard ?? {};
    const used: Record<string, string> = rq.status?.used ?? {};
    const request: string[] = [];
    const limit: string[] = [];
    for (const name of Object.keys(hard).sort()) {
      // A name without a used value prints a zero Quantity.
      (name.split('.')[0] === 'limits' && name.includes('.') ? limit : request).push(`${name}: ${used[name] ?? '0'}/${hard[name]}`);
    }
    return [rq.metadata.name, age(rq.metadata.creationTimestamp), request.join(', '), limit.join(', ')];
  },
};

const limitRangePrinter: Printer = {
  columns: [nameColumn, createdColumn],
  cells: (lr) => [lr.metadata.name, lr.metadata.creationTimestamp ?? '0001-01-01T00:00:00Z'],
};

export const quotaPrinters: Record<string, Printer> = { ResourceQuota: resourceQuotaPrinter, LimitRange: limitRangePrinter };
