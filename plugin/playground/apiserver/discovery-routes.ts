// Serves /version and the discovery paths; returns false for any other path.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  aggregatedContentType, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions,
  serverVersion, wantsAggregated,
} from './discovery.js';
import { apiGroups } from './resources.js';
import { sendJson } from './status.js';

export function serveDiscovery(path: string, req: IncomingMessage, res: ServerResponse, serverAddress: string): boolean {
  const accept = req.headers.accept;
  if (path === '/version') {
    sendJson(res, 200, serverVersion);
    return true;
  }
  if (path === '/api' || path === '/apis') {
    if (wantsAggregated(accept)) {
      sendJson(res, 200, aggregatedDiscovery(path === '/api'), aggregatedContentType);
      // Vary on Accept as the real handler does, so caches keep the two forms apart.
    } else {
      sendJson(res, 200, path === '/api' ? apiVersions(serverAddress) : apiGroupList());
    }
    return true;
  }
  if (path === '/api/v1') {
    sendJson(res, 200, apiResourceList(''));
    return true;
  }
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (m && apiGroups().includes(m[1])) {
    if (m[2] === undefined) sendJson(res, 200, apiGroup(m[1]));
    else if (m[2] === 'v1') sendJson(res, 200, apiResourceList(m[1]));
    else return false;
    return true;
  }
  return false;
}
