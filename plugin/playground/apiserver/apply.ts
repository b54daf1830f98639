// Server-side apply (PATCH with application/apply-patch+yaml), as handlers/patch.go's
// applyPatcher does it: the body is a YAML or JSON configuration of the object in the URL's
// version; the field manager merges it into the live object (or an empty one: apply creates),
// and the result goes through the same update or create as any write, with its managedFields.
import yaml from 'js-yaml';
import type { ResourceInfo } from './resources.js';
import { groupVersion } from './resources.js';
import type { Registry, RequestContext } from './registry.js';
import { grKey, nowTimestamp } from './registry.js';
import { badRequest } from './status.js';
import { decodePatched } from './decode/request.js';
import { applyConfiguration, fieldManagerTarget, kindShape, undeclaredFields } from './fieldmanager/managers.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const applyPatchType = 'application/apply-patch+yaml';

function configuration(info: ResourceInfo, body: Buffer): Obj {
  let config: unknown;
  try {
    config = yaml.load(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw badRequest('error decoding YAML: the configuration is not an object');
  const c = config as Obj;
  if (c.apiVersion !== groupVersion(info)) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${String(c.apiVersion ?? '')}, expected: ${groupVersion(info)}`);
  }
  const undeclared = undeclaredFields(kindShape(fieldManagerTarget(info)), c);
  if (undeclared.length > 0) {
    const text = undeclared.length === 1 ? undeclared[0] : ['errors:', ...undeclared.map((u) => `  ${u}`)].join('\n');
    throw badRequest(`failed to create typed patch object (${groupVersion(info).includes('/') ? groupVersion(info) : `/${groupVersion(info)}`}, Kind=${info.kind}): ${text}`);
  }
  return c;
}

/** Applies the configuration in `body`; `created` when there was no object. */
export function serverSideApply(
  reg: Registry, info: ResourceInfo, ns: string, name: string, subresource: string, body: Buffer, ctx: RequestContext, force: boolean,
): { created: boolean; object: Obj } {
  const config = configuration(info, body);
  const live = reg.store.get(grKey(info), info.namespaced ? ns : '', name);
  const write = { target: fieldManagerTarget(info), manager: ctx.fieldManager ?? '', subresource, now: nowTimestamp() };
  const meta: Obj = config.metadata ?? {};
  const applied = applyConfiguration(write, live, live ? config : { ...config, metadata: { ...meta, name: meta.name ?? name } }, force);
  const decoded: Obj = decodePatched(info, applied, 'merge', Buffer.from(JSON.stringify(config)), { fieldValidation: 'Ignore', warnings: ctx.warnings });
  const applyCtx: RequestContext = { ...ctx, applied: true };
  if (!live) {
    if (decoded.metadata?.name !== name) throw badRequest(`the name of the object (${String(decoded.metadata?.name)}) does not match the name on the URL (${name})`);
    return { created: true, object: reg.create(info, ns, decoded, applyCtx) };
  }
  decoded.metadata.resourceVersion = config.metadata?.resourceVersion ?? live.metadata.resourceVersion;
  return { created: false, object: reg.update(info, ns, name, decoded, applyCtx, subresource) };
}
