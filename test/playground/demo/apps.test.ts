// Runs the demo apps' real code as Node processes and talks HTTP to them.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORDERS_JS, USERS_JS } from '../../../plugin/playground/demo/apps.js';

const dir = mkdtempSync(join(tmpdir(), 'demo-apps-'));
const children: ChildProcess[] = [];

afterAll(async () => {
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : (c.once('exit', r), c.kill('SIGTERM'))))));
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function run(name: string, code: string, env: Record<string, string>): Promise<number> {
  const file = join(dir, `${name}.js`);
  writeFileSync(file, code);
  const port = await freePort();
  const child = spawn(process.execPath, [file], { env: { PATH: process.env.PATH, PORT: String(port), SERVICE_NAME: name, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return port;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

describe('demo apps', () => {
  it('users and orders answer JSON naming service, pod, version, path and x-dev; orders includes users', async () => {
    const usersPort = await run('users', USERS_JS, { POD_NAME: 'users-abc-1', VERSION: 'v1' });
    const u = await get(usersPort, '/users/2', { 'x-dev': 'alice' });
    expect(u).toEqual({ status: 200, body: expect.objectContaining({ service: 'users', pod: 'users-abc-1', version: 'v1', path: '/users/2', xDev: 'alice', users: [{ id: 2, name: 'Grace' }] }) });
    const ordersPort = await run('orders', ORDERS_JS, { POD_NAME: 'orders-xyz-9', USERS_SERVICE_HOST: '127.0.0.1', USERS_SERVICE_PORT: String(usersPort), GREETING: 'hi', API_KEY: 'k' });
    const o = await get(ordersPort, '/orders/42', { 'x-dev': 'bob' });
    expect(o.status).toBe(200);
    expect(o.body).toMatchObject({ service: 'orders', pod: 'orders-xyz-9', path: '/orders/42', xDev: 'bob', greeting: 'hi', apiKeySet: true });
    expect(o.body.users).toMatchObject({ service: 'users', xDev: 'bob', path: '/users' });
    expect((await get(ordersPort, '/health')).body).toMatchObject({ status: 'ok' });
  });
});
