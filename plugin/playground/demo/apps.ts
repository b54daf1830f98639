// The demo services' code, shipped to the pods in ConfigMaps (so the same manifests run on a real
// cluster with the node:22-alpine image). Plain Node.js, stdlib only, CommonJS (no package.json
// next to it). Each answers JSON naming the service, pod, version, path and the x-dev header.

const common = String.raw`
const http = require('node:http');
const os = require('node:os');
const SERVICE = process.env.SERVICE_NAME;
const PORT = Number(process.env.PORT || 8080);
const VERSION = process.env.VERSION || 'v1';
const POD = process.env.POD_NAME || process.env.HOSTNAME || os.hostname();

function send(res, code, body) {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function describe(req) {
  return { service: SERVICE, pod: POD, version: VERSION, path: req.url, method: req.method, xDev: req.headers['x-dev'] ?? null };
}

function serve(handler) {
  const server = http.createServer((req, res) => {
    if (req.url === '/health' || req.url === '/healthz') return send(res, 200, { ...describe(req), status: 'ok' });
    Promise.resolve(handler(req, res)).catch((err) => send(res, 500, { ...describe(req), error: String(err && err.message || err) }));
  });
  server.keepAliveTimeout = 2000;
  server.listen(PORT, '0.0.0.0', () => console.log(SERVICE + ' ' + VERSION + ' listening on :' + PORT + ' as ' + POD));
  const stop = () => {
    console.log(SERVICE + ': shutting down');
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
`;

export const USERS_JS = `${common}
const USERS = [{ id: 1, name: 'Ada' }, { id: 2, name: 'Grace' }, { id: 3, name: 'Linus' }];
serve((req, res) => {
  const m = /^\\/users\\/(\\d+)/.exec(req.url || '');
  const users = m ? USERS.filter((u) => u.id === Number(m[1])) : USERS;
  send(res, 200, { ...describe(req), users });
});
`;

export const ORDERS_JS = `${common}
const USERS_HOST = process.env.USERS_SERVICE_HOST;
const USERS_PORT = process.env.USERS_SERVICE_PORT;

function callUsers(req) {
  return new Promise((resolve) => {
    if (!USERS_HOST) return resolve({ error: 'USERS_SERVICE_HOST is not set: was the users Service created before this pod?' });
    const headers = req.headers['x-dev'] ? { 'x-dev': req.headers['x-dev'] } : {};
    const out = http.get({ host: USERS_HOST, port: USERS_PORT, path: '/users', headers, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        try { resolve(JSON.parse(body)); } catch { resolve({ error: 'users answered ' + res.statusCode + ': ' + body.slice(0, 200) }); }
      });
    });
    out.on('timeout', () => out.destroy(new Error('users did not answer within 2s')));
    out.on('error', (err) => resolve({ error: 'calling users at ' + USERS_HOST + ':' + USERS_PORT + ': ' + err.message }));
  });
}

serve(async (req, res) => {
  const users = await callUsers(req);
  send(res, 200, { ...describe(req), greeting: process.env.GREETING || null, apiKeySet: Boolean(process.env.API_KEY), users });
});
`;
