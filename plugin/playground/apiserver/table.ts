// Server-side printing: a meta.k8s.io/v1 Table when the Accept header asks for
// `as=Table;v=v1;g=meta.k8s.io` (kubectl get), with the columns of kube-apiserver's printers and
// rows that carry PartialObjectMetadata (or the object, or nothing) per `includeObject`.
import type { ResourceInfo } from './resources.js';
import { printerFor } from './printers.js';
import { ApiError } from './status.js';
import { storageForm } from './event-versions.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface TableRequest {
  includeObject: 'None' | 'Metadata' | 'Object';
}

/** Reads the Accept header; undefined when a Table is not asked for. */
export function tableRequest(accept: string | undefined, query: URLSearchParams): TableRequest | undefined {
  if (!accept) return undefined;
  const wantsTable = accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim().replace(/\s/g, ''));
    return params.includes('as=Table') && params.includes('g=meta.k8s.io') && (params.includes('v=v1') || params.includes('v=v1beta1'));
  });
  if (!wantsTable) return undefined;
  const include = query.get('includeObject') ?? 'Metadata';
  if (!['None', 'Metadata', 'Object'].includes(include)) {
    throw new ApiError(400, 'BadRequest', `includeObject: Unsupported value: "${include}": supported values: "None", "Metadata", "Object"`);
  }
  return { includeObject: include as TableRequest['includeObject'] };
}

function rowObject(obj: Obj, include: TableRequest['includeObject']): Obj | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** A Table for a list (`<Kind>List`) or a single object. */
export function tableFor(info: ResourceInfo, body: Obj, req: TableRequest): Obj {
  const printer = printerFor(info.kind);
  const isList = Array.isArray(body.items);
  const items: Obj[] = isList ? body.items : [body];
  const apiVersion = info.group === '' ? info.version : `${info.group}/${info.version}`;
  const rows = items.map(function toRow(item) {
    const full = item.kind ? item : { kind: info.kind, apiVersion, ...item };
    // The printers read the stored form, as kube-apiserver's read the internal type.
    const row: Obj = { cells: printer.cells(storageForm(info.group, info.kind, full)) };
    const object = rowObject(full, req.includeObject);
    if (object) row.object = object;
    return row;
  });
  const metadata: Obj = isList ? { ...body.metadata } : { resourceVersion: body.metadata?.resourceVersion };
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: printer.columns, rows };
}
