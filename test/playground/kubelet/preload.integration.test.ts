// The pod-network preload: two node processes binding the same wildcard port on different pod
// IPs, each reaching itself through "localhost".
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { writePreload } from '../../../plugin/playground/kubelet/preload.js';
import { close, listen } from './fixtures.js';

let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-preload-')); });
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.on('exit', r)) : undefined)));
  await rm(dir, { recursive: true, force: true });
});

const app = `
const http = require('node:http');
const dgram = require('node:dgram');
const port = Number(process.argv[2]);
const server = http.createServer((req, res) => res.end(process.argv[3]));
const ready = () => {
  http.get('http://localhost:' + port + '/', (res) => {
    let body = '';
    res.on('data', (d) => { body += d; });
    res.on('end', () => {
      const udp = dgram.createSocket('udp4');
      udp.bind(0, () => console.log(JSON.stringify({ address: server.address().address, self: body, udp: udp.address().address })));
    });
  });
};
if (process.argv[4] === 'wildcard') server.listen(port, '0.0.0.0', ready);
else server.listen(port, ready);
`;

async function runPod(podIP: string, port: number, name: string, form: 'wildcard' | 'no-host'): Promise<{ address: string; self: string; udp: string }> {
  const podDir = path.join(dir, name);
  await mkdir(podDir, { recursive: true });
  const preload = await writePreload(podDir, podIP);
  await writeFile(path.join(podDir, 'app.js'), app);
  const child = spawn(process.execPath, ['--require', preload, path.join(podDir, 'app.js'), String(port), name, form], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out));
    });
  });
}

function get(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host, port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('pod network preload', () => {
  it('lets two pods bind 0.0.0.0 on one port, each on its pod IP, and localhost is the pod itself', async () => {
    const probe = net.createServer();
    const port = await listen(probe);
    await close(probe);
    const [a, b] = await Promise.all([
      runPod('127.77.0.2', port, 'pod-a', 'wildcard'),
      runPod('127.77.0.3', port, 'pod-b', 'no-host'),
    ]);
    expect(a).toEqual({ address: '127.77.0.2', self: 'pod-a', udp: '127.77.0.2' });
    expect(b).toEqual({ address: '127.77.0.3', self: 'pod-b', udp: '127.77.0.3' });
    expect(await get('127.77.0.2', port)).toBe('pod-a');
    expect(await get('127.77.0.3', port)).toBe('pod-b');
  });
});

describe('host endpoints', () => {
  it('leaves connects to a named host endpoint (the API server) on the host, and maps other loopback connects to the pod', async () => {
    const host = http.createServer((_req, res) => res.end('host'));
    const hostPort = await listen(host);
    const podDir = path.join(dir, 'pod-c');
    await mkdir(podDir, { recursive: true });
    const preload = await writePreload(podDir, '127.77.0.4', [`127.0.0.1:${hostPort}`]);
    const script = `
const http = require('node:http');
const get = (port) => new Promise((resolve) => http.get('http://127.0.0.1:' + port + '/', (res) => {
  let b = ''; res.on('data', (d) => { b += d; }); res.on('end', () => resolve(b));
}).on('error', (e) => resolve(e.code)));
http.createServer((q, s) => s.end('pod')).listen(${hostPort + 1}, async () => {
  console.log(JSON.stringify({ apiserver: await get(${hostPort}), self: await get(${hostPort + 1}) }));
  process.exit(0);
});`;
    const child = spawn(process.execPath, ['--require', preload, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    try {
      const out = await new Promise<string>((resolve) => {
        let text = '';
        child.stdout!.on('data', (d: Buffer) => { text += d.toString(); if (text.includes('\n')) resolve(text); });
      });
      expect(JSON.parse(out)).toEqual({ apiserver: 'host', self: 'pod' });
    } finally {
      await close(host);
    }
  });
});
