// Errors as kube-apiserver reports them: metav1.Status bodies with the reason, code, message and
// details that k8s.io/apimachinery/pkg/api/errors builds (NewNotFound, NewAlreadyExists, ...).
import type { ServerResponse } from 'node:http';
import type { ResourceInfo } from './resources.js';
import { qualifiedResource } from './resources.js';

export interface StatusCause { reason?: string; message: string; field?: string }

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** An error that the HTTP layer turns into a Status response. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Record<string, unknown> {
    return statusBody(this.code, this.reason, this.message, this.details);
  }
}

export function statusBody(code: number, reason: string, message: string, details?: StatusDetails): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason,
  };
  if (details) body.details = details;
  body.code = code;
  return body;
}

function groupDetails(info: ResourceInfo, name: string): StatusDetails {
  const details: StatusDetails = { name, kind: info.resource };
  if (info.group !== '') details.group = info.group;
  return details;
}

export function notFound(info: ResourceInfo, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(info)} "${name}" not found`, groupDetails(info, name));
}

export function namespaceNotFound(ns: string): ApiError {
  return new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
}

export function alreadyExists(info: ResourceInfo, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(info)} "${name}" already exists`, groupDetails(info, name));
}

/** The optimistic-concurrency failure (errors.NewConflict with registry.OptimisticLockErrorMsg). */
export function conflict(info: ResourceInfo, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(info)} "${name}": ${why}`,
    groupDetails(info, name));
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(method: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`,
    { causes: [{ message: `method ${method} is not supported` }] });
}

export function notFoundPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

export function forbidden(info: ResourceInfo, name: string, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `${qualifiedResource(info)} "${name}" is forbidden: ${why}`, groupDetails(info, name));
}

/** The 422 for field errors (errors.NewInvalid): `<Kind>[.<group>] "<name>" is invalid: ...`. */
export function invalid(info: ResourceInfo, name: string, errors: { type: string; field: string; message: string }[]): ApiError {
  const what = info.group === '' ? info.kind : `${info.kind}.${info.group}`;
  const texts = errors.map((e) => e.message);
  const message = `${what} "${name}" is invalid: ${texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`}`;
  const details: StatusDetails = { name, kind: info.kind, causes: errors.map((e) => ({ reason: e.type, message: e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message, field: e.field })) };
  if (info.group !== '') details.group = info.group;
  return new ApiError(422, 'Invalid', message, details);
}

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const apiErr = err instanceof ApiError ? err
    : new ApiError(500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`);
  sendJson(res, apiErr.code, apiErr.toStatus());
}
