// Parsing of resource URLs (/api/v1/namespaces/{ns}/{resource}/{name}/{subresource} and the
// /apis/{group}/{version}/... forms) and reading request bodies.
import type { IncomingMessage } from 'node:http';
import type { ResourceInfo } from './resources.js';
import { findResource } from './resources.js';
import yaml from 'js-yaml';
import { ApiError, badRequest, notFoundPath } from './status.js';
import { decodeProtobufObject, protobufContentType } from './protobuf.js';
import type { RequestContext } from './registry.js';
import { decodeWrite } from './decode/request.js';
import type { Gvk } from './decode/request.js';

export interface ResourceRoute {
  info: ResourceInfo;
  /** '' for cluster-scoped resources and all-namespace requests. */
  namespace: string;
  name: string;
  subresource: string;
}

/** Returns undefined for paths that are not resource paths (discovery and the like). */
export function parseResourcePath(path: string): ResourceRoute | undefined {
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length >= 3 && findResource(group, version, rest[2])?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const info = findResource(group, version, rest[0]);
  if (!info || rest.length > 3) throw notFoundPath();
  if (info.namespaced === false && namespace !== '') throw notFoundPath();
  const subresource = rest[2] ?? '';
  if (subresource !== '' && !info.subresources.includes(subresource)) throw notFoundPath();
  return { info, namespace, name: rest[1] ?? '', subresource };
}

const maxBody = 3 * 1024 * 1024; // kube-apiserver's default request body limit

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise(function collect(resolve, reject) {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) {
        reject(new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    // The decoder's message shape: "couldn't get version/kind; json parse error: ..."
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

/** The body of a create or update, decoded into `target`'s Go type as kube-apiserver decodes it. */
export async function decodedBody(req: IncomingMessage, ctx: RequestContext, target: Gvk): Promise<Record<string, unknown>> {
  const body = await readBody(req);
  return decodeWrite(target, req.headers['content-type'], body, { fieldValidation: ctx.fieldValidation ?? 'Warn', warnings: ctx.warnings });
}

/**
 * Decodes a DELETE's DeleteOptions body by its Content-Type, as the API server's negotiated serializers do:
 * JSON (also when no type is given), YAML, or Kubernetes protobuf.
 */
export function decodeObject(contentType: string | undefined, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const type = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || type === '' || type === '*/*') return parseJson(body);
  if (type === protobufContentType) return decodeProtobufObject(body);
  if (type === 'application/yaml') {
    try {
      return yaml.load(body.toString('utf8'));
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
    }
  }
  throw new ApiError(415, 'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${protobufContentType}`);
}
