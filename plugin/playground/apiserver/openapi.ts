// OpenAPI for kubectl: kubectl 1.32 first downloads /openapi/v2 (protobuf; an empty document
// decodes fine), then asks /openapi/v3 whether each kind's PATCH takes the `fieldValidation` query
// parameter (QueryParamVerifierV3); when it does, kubectl skips client-side schema validation and
// sends fieldValidation instead, so the server's decoder is the one judge. Without these,
// `kubectl apply -f` fails with "failed to download openapi" unless --validate=false. Each
// group-version document also carries the schemas of its kinds (openapi-schemas.ts) and a list
// path per resource whose GET names the kind: `kubectl explain` finds a kind's schema through it
// (kubectl pkg/explain/v2/templates/plaintext.tmpl).
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resources } from './resources.js';
import type { ResourceInfo } from './resources.js';
import { sendJson } from './status.js';
import { schemasFor } from './openapi-schemas.js';

type Obj = Record<string, unknown>;

function gvPath(group: string): string {
  return group === '' ? 'api/v1' : `apis/${group}/v1`;
}

function listPath(info: ResourceInfo): string {
  return `/${gvPath(info.group)}/${info.resource}`;
}

function itemPath(info: ResourceInfo): string {
  const base = `/${gvPath(info.group)}`;
  return info.namespaced ? `${base}/namespaces/{namespace}/${info.resource}/{name}` : `${base}/${info.resource}/{name}`;
}

const writeParameters = ['dryRun', 'fieldManager', 'fieldValidation']
  .map((name) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } }));

function operation(info: ResourceInfo, verb: string): Obj {
  return {
    operationId: `${verb}${info.kind}`,
    'x-kubernetes-action': verb,
    'x-kubernetes-group-version-kind': { group: info.group, version: info.version, kind: info.kind },
    parameters: verb === 'list' ? [] : writeParameters,
    responses: { 200: { description: 'OK' } },
  };
}

function gvDocument(group: string): Obj {
  const paths: Obj = {};
  const infos = resources.filter((r) => r.group === group);
  for (const info of infos) {
    if (!info.review) paths[listPath(info)] = { get: operation(info, 'list') };
    paths[itemPath(info)] = { put: operation(info, 'put'), patch: operation(info, 'patch') };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.4' },
    paths,
    components: { schemas: schemasFor(infos) },
  };
}

interface Document { body: string; hash: string }
let documents: Map<string, Document> | undefined;

/** Built on first use: the schemas take a few milliseconds to assemble. */
function allDocuments(): Map<string, Document> {
  documents ??= new Map([...new Set(resources.map((r) => r.group))].map((g) => {
    const body = JSON.stringify(gvDocument(g));
    return [gvPath(g), { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase() }];
  }));
  return documents;
}

/** Serves /openapi/v2 and /openapi/v3[/<gv>]; false for other paths. */
export function serveOpenApi(path: string, req: IncomingMessage, res: ServerResponse): boolean {
  if (path === '/openapi/v2') {
    // An empty protobuf message: the gnostic Document with no definitions. The response names the
    // type without '@' (kube-openapi's subTypeProtobuf): '@' is a MIME tspecial, and kubectl's
    // mime.ParseMediaType rejects the request-side spelling ("unexpected content after media subtype").
    res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'Content-Length': 0 });
    res.end();
    return true;
  }
  if (path === '/openapi/v3') {
    const paths: Obj = {};
    for (const [gv, doc] of allDocuments()) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${doc.hash}` };
    sendJson(res, 200, { paths });
    return true;
  }
  const doc = path.startsWith('/openapi/v3/') ? allDocuments().get(path.slice('/openapi/v3/'.length)) : undefined;
  if (!doc) return false;
  void req;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(doc.body), Etag: `"${doc.hash}"` });
  res.end(doc.body);
  return true;
}

