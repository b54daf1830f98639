// The generic registry (k8s.io/apiserver/pkg/registry/generic/registry/store.go) over the
// in-memory Store: create, update (with optimistic concurrency and no-op detection) and the
// admission steps on the way (defaulting, validation, PodSecurity, service IP allocation).
import { randomUUID } from 'node:crypto';
import type { ResourceInfo } from './resources.js';
import { findResource, resources } from './resources.js';
import type { Store } from './store.js';
import {
  ApiError, alreadyExists, badRequest, conflict, forbidden, invalid, namespaceNotFound, notFound,
} from './status.js';
import {
  keepServerMetadata, prepareForCreate, prepareForStatusUpdate, prepareForUpdate, unchanged,
} from './strategy.js';
import { ClusterIpAllocator, IpNotAvailable, NodePortAllocator } from './ipalloc.js';
import { admitCreate, admitUpdate } from './admission.js';
import { generateSuffix } from './names.js';
import type { RbacGuard } from './rbac-escalation.js';
import type { FieldValidation } from './decode/options.js';
import { fieldManagerTarget, updateManagedFields } from './fieldmanager/managers.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RequestContext {
  dryRun: boolean;
  /** Warning headers to send back (`Warning: 299 - "..."`). */
  warnings: string[];
  user: string;
  /** RBAC's escalation check on writes of roles and bindings; absent for system:masters. */
  guardRbac?: RbacGuard;
  /** What unknown and duplicate fields in the body do (the fieldValidation parameter; Warn by default). */
  fieldValidation?: FieldValidation;
  /** The field manager of the write: the fieldManager parameter, else the User-Agent's product. */
  fieldManager?: string;
  /** A server-side apply: the body carries its managedFields, computed already. */
  applied?: boolean;
}

/** The manager of writes the API server makes itself, as its loopback client's User-Agent names it. */
const serverManager = 'kube-apiserver';

function managedAfter(info: ResourceInfo, ctx: RequestContext, subresource: string, old: Obj | undefined, obj: Obj, sent: unknown): Obj[] | undefined {
  const write = { target: fieldManagerTarget(info), manager: ctx.fieldManager ?? serverManager, subresource, now: nowTimestamp() };
  return updateManagedFields(write, old, obj, sent);
}

function setManaged(obj: Obj, managedFields: unknown): void {
  if (Array.isArray(managedFields) && managedFields.length > 0) obj.metadata.managedFields = managedFields;
  else delete obj.metadata.managedFields;
}

export function grKey(info: ResourceInfo): string {
  return `${info.group}/${info.resource}`;
}

export function nowTimestamp(offsetSeconds = 0): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000 + offsetSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

export class Registry {
  readonly clusterIps: ClusterIpAllocator;
  private readonly nodePorts = new NodePortAllocator();

  constructor(readonly store: Store, serviceCIDR: string) {
    this.clusterIps = new ClusterIpAllocator(serviceCIDR);
  }

  get(info: ResourceInfo, ns: string, name: string): Obj {
    const obj = this.store.get(grKey(info), info.namespaced ? ns : '', name);
    if (!obj) throw notFound(info, name);
    return obj;
  }

  namespace(ns: string): Obj | undefined {
    return this.store.get('/namespaces', '', ns);
  }

  private checkNamespace(info: ResourceInfo, ns: string, name: string): void {
    if (!info.namespaced) return;
    const namespace = this.namespace(ns);
    if (!namespace) throw namespaceNotFound(ns);
    if (namespace.metadata.deletionTimestamp) {
      // NamespaceLifecycle admission plugin.
      throw forbidden(info, name, `unable to create new content in namespace ${ns} because it is being terminated`);
    }
  }

  create(info: ResourceInfo, ns: string, body: Obj, ctx: RequestContext): Obj {
    const obj = structuredClone(body);
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw badRequest('the object provided is not a JSON object');
    obj.metadata = obj.metadata ?? {};
    const meta = obj.metadata;
    if (info.namespaced) {
      if (meta.namespace && meta.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = ns;
    } else {
      delete meta.namespace;
    }
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${generateSuffix()}`;
    obj.kind = info.kind;
    obj.apiVersion = info.group === '' ? info.version : `${info.group}/${info.version}`;
    if (!meta.name) {
      throw invalid(info, '', [{ type: 'FieldValueRequired', field: 'metadata.name', message: 'metadata.name: Required value: name or generateName is required' }]);
    }
    this.checkNamespace(info, ns, meta.name);
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    const sentManaged = meta.managedFields;
    delete meta.managedFields;
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    prepareForCreate(info, obj);
    admitCreate(info, obj, this.namespace(ns)?.metadata?.labels ?? {}, ctx, this.store);
    // Every write records its manager's fields, defaulted ones included (fieldmanager Update).
    setManaged(obj, ctx.applied ? sentManaged : managedAfter(info, ctx, '', undefined, obj, sentManaged));
    if (this.store.get(grKey(info), info.namespaced ? ns : '', meta.name)) throw alreadyExists(info, meta.name);
    if (info.kind === 'Service') this.allocateService(info, obj, ctx.dryRun);
    if (ctx.dryRun) return obj;
    // apiVersion and kind first, as the real server's JSON has them.
    return this.store.put(grKey(info), { apiVersion: obj.apiVersion, kind: obj.kind, ...obj });
  }

  private allocateService(info: ResourceInfo, svc: Obj, dryRun: boolean): void {
    const spec = svc.spec ?? (svc.spec = {});
    const type = spec.type ?? 'ClusterIP';
    if (type !== 'ExternalName' && spec.clusterIP !== 'None') {
      const requested = spec.clusterIP || spec.clusterIPs?.[0] || undefined;
      let ip: string;
      try {
        ip = this.clusterIps.allocate(requested);
      } catch (err) {
        if (!(err instanceof IpNotAvailable)) throw err;
        const message = `spec.clusterIPs: Invalid value: []string{"${err.ip}"}: ${err.message}`;
        throw invalid(info, svc.metadata.name, [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs', message }]);
      }
      if (dryRun) this.clusterIps.release(ip);
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
      spec.ipFamilies = spec.ipFamilies ?? ['IPv4'];
      spec.ipFamilyPolicy = spec.ipFamilyPolicy ?? 'SingleStack';
    } else if (spec.clusterIP === 'None') {
      spec.clusterIPs = ['None'];
    }
    if (type === 'NodePort' || type === 'LoadBalancer') {
      for (const port of spec.ports ?? []) {
        port.nodePort = this.nodePorts.allocate(port.nodePort);
        if (dryRun) this.nodePorts.release(port.nodePort);
      }
    }
  }

  /** Releases what a deleted object held (service IPs and node ports). */
  released(obj: Obj): void {
    if (obj.kind !== 'Service') return;
    if (obj.spec?.clusterIP !== 'None') this.clusterIps.release(obj.spec?.clusterIP);
    for (const port of obj.spec?.ports ?? []) this.nodePorts.release(port.nodePort);
  }

  /**
   * PUT semantics for the main resource or a subresource ('status'): stale
   * metadata.resourceVersion is a 409, a missing object a 404 (or a create where the strategy
   * allows it), and an update that changes nothing stores nothing.
   */
  update(info: ResourceInfo, ns: string, name: string, body: Obj, ctx: RequestContext, subresource = ''): Obj {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the object provided is not a JSON object');
    const bodyName = body.metadata?.name;
    if (bodyName !== undefined && bodyName !== name) {
      throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    }
    if (info.namespaced && body.metadata?.namespace && body.metadata.namespace !== ns) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const old = this.store.get(grKey(info), info.namespaced ? ns : '', name);
    if (!old) {
      if (info.createOnUpdate && subresource === '') {
        return this.create(info, ns, { ...body, metadata: { ...(body.metadata ?? {}), name } }, ctx);
      }
      throw notFound(info, name);
    }
    const rv = body.metadata?.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) throw conflict(info, name);
    let obj: Obj = structuredClone(body);
    obj.metadata = obj.metadata ?? {};
    obj.metadata.name = name;
    if (subresource === 'status') {
      obj = prepareForStatusUpdate(info, obj, old);
      keepServerMetadata(obj, old);
    } else {
      keepServerMetadata(obj, old);
      prepareForUpdate(info, obj, old);
    }
    obj.kind = info.kind;
    obj.apiVersion = info.group === '' ? info.version : `${info.group}/${info.version}`;
    if (info.kind === 'Service' && subresource === '') this.keepServiceIps(info, obj, old);
    admitUpdate(info, obj, old, this.namespace(ns)?.metadata?.labels ?? {}, ctx, subresource);
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    if (ctx.applied) setManaged(obj, body.metadata?.managedFields);
    if (unchanged(obj, old)) return old;
    if (!ctx.applied) setManaged(obj, managedAfter(info, ctx, subresource, old, obj, body.metadata?.managedFields));
    if (ctx.dryRun) return obj;
    if (this.readyToRemove(obj)) {
      this.released(obj);
      return this.store.remove(grKey(info), obj.metadata.namespace ?? '', name) ?? obj;
    }
    return this.store.put(grKey(info), obj);
  }

  private keepServiceIps(info: ResourceInfo, svc: Obj, old: Obj): void {
    svc.spec = svc.spec ?? {};
    const before = old.spec?.clusterIP;
    if (svc.spec.clusterIP === undefined || svc.spec.clusterIP === '') {
      svc.spec.clusterIP = before;
      svc.spec.clusterIPs = old.spec?.clusterIPs;
    } else if (svc.spec.clusterIP !== before) {
      const message = `spec.clusterIPs[0]: Invalid value: []string{"${svc.spec.clusterIP}"}: may not change once set`;
      throw invalid(info, svc.metadata.name, [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', message }]);
    }
    if (svc.spec.clusterIPs === undefined) svc.spec.clusterIPs = old.spec?.clusterIPs;
    for (const key of ['ipFamilies', 'ipFamilyPolicy'] as const) {
      if (svc.spec[key] === undefined && old.spec?.[key] !== undefined) svc.spec[key] = old.spec[key];
    }
  }

  /** An object being deleted whose last finalizer is gone and whose grace period is over. */
  readyToRemove(obj: Obj): boolean {
    const m = obj.metadata;
    // A namespace also waits for its spec.finalizers (the namespace controller's `kubernetes`).
    if (obj.kind === 'Namespace' && (obj.spec?.finalizers ?? []).length > 0) return false;
    return Boolean(m.deletionTimestamp) && (m.finalizers ?? []).length === 0 && (m.deletionGracePeriodSeconds ?? 0) === 0;
  }

  /** Every object of a namespace, for namespace finalization. */
  namespaceContent(ns: string): { info: ResourceInfo; obj: Obj }[] {
    const out: { info: ResourceInfo; obj: Obj }[] = [];
    for (const info of resources) {
      // A view's objects are its storage's, listed once under their own resource.
      if (!info.namespaced || info.storedAs) continue;
      for (const obj of this.store.list(grKey(info), ns)) out.push({ info, obj });
    }
    return out;
  }
}

export function resourceFor(group: string, version: string, resource: string): ResourceInfo {
  const info = findResource(group, version, resource);
  if (!info) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  return info;
}
