import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { APIConnectionError, APIConnectionTimeoutError, ParityDeals } from '../../src/index.node.js';
import { nodeTransport } from '../../src/internal/node-transport.js';
import { TransportError } from '../../src/internal/transport.js';
import { rejected } from '../expect.js';

// A bare server: these tests are about sockets, which the emulator's API would only hide.
let server: http.Server;
let base: string;
const opened: number[] = [];
let closed = 0;

before(async () => {
  server = http.createServer((req, res) => {
    const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
    setTimeout(() => res.end(JSON.stringify({ path: req.url })), delay);
  });
  server.keepAliveTimeout = 60_000; // longer than the client's idle limit, so the client closes first
  server.on('connection', (socket) => {
    opened.push(Date.now());
    socket.on('close', () => closed++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const get = (t: ReturnType<typeof nodeTransport>, path: string, timeout = 10_000) =>
  t.transport({
    method: 'GET',
    url: base + path,
    headers: {},
    body: undefined,
    timeout,
    connectTimeout: timeout,
    signal: undefined,
  });

describe('node transport', () => {
  it('reuses one socket, keeps busy ones, and closes idle ones after 4 s', async () => {
    const t = nodeTransport();
    const before = opened.length;
    const slow = get(t, '/slow?delay=4500');
    await get(t, '/a');
    await get(t, '/b');
    assert.equal(opened.length - before, 2, 'the slow request holds one socket, the quick two share one');
    const closedBefore = closed;
    const res = await slow;
    assert.equal(res.status, 200, 'a busy socket is not cut by the idle limit');
    assert.equal(closed - closedBefore, 1, 'the idle socket was closed by the client');
    t.close();
  });

  it('sends a path verbatim, without resolving dot segments', async () => {
    const t = nodeTransport();
    const res = await get(t, '/api/v1/customers/%2E%2E/');
    assert.deepEqual(JSON.parse(res.body), { path: '/api/v1/customers/%2E%2E/' });
    t.close();
  });

  it('tells a refused connection from a timeout', async () => {
    const t = nodeTransport();
    const refused = await rejected(
      t.transport({
        method: 'GET',
        url: 'http://127.0.0.1:1/x',
        headers: {},
        body: undefined,
        timeout: 1000,
        connectTimeout: 1000,
        signal: undefined,
      }),
    );
    assert.ok(refused instanceof TransportError && refused.failure === 'connect');
    const slow = await rejected(get(t, '/x?delay=500', 50));
    assert.ok(slow instanceof TransportError && slow.failure === 'timeout');
    t.close();
  });
});

describe('a server that closes idle sockets without saying when', () => {
  // Like many proxies: no Keep-Alive header, and an idle connection closed after IDLE_MS.
  const IDLE_MS = 200;
  let silent: http.Server;
  let url: string;
  let applied = 0;
  let connections = 0;

  before(async () => {
    silent = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        applied++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ value: 1, customerId: 'c', featureId: 'f', behaviour: 'DELTA' }));
      });
    });
    silent.keepAliveTimeout = 0; // no Keep-Alive hint, no built-in idle close: ours below
    silent.on('connection', (socket) => {
      connections++;
      let idle: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(idle);
        idle = setTimeout(() => socket.destroy(), IDLE_MS);
      };
      arm();
      socket.on('data', () => clearTimeout(idle));
      socket.on('close', () => clearTimeout(idle));
      silent.on('request', (req, res) => {
        if (req.socket === socket) res.on('finish', arm);
      });
    });
    silent.setMaxListeners(0);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  after(() => silent.close());

  it('DELTAs sent just as the socket closes all land, once each', async () => {
    const client = new ParityDeals({
      accessToken: 'k',
      baseUrl: url,
      edgeApiUrl: `${url}/edge`,
      logLevel: 'off',
      maxRetries: 0,
    });
    const sends = 24;
    const failures: string[] = [];
    applied = 0;
    connections = 0;
    for (let i = 0; i < sends; i++) {
      // At the idle limit, give or take a few ms: both sides of the server's close. The first
      // reuse comes just after the close, whose FIN the client sees before writing (provably not
      // sent) and learns the limit from; a request racing a close the client has never seen,
      // within the same millisecond, cannot be told from a lost answer and would stay unknown.
      await new Promise((r) => setTimeout(r, IDLE_MS + (((i + 5) % 7) - 2)));
      try {
        await client.reporting.reportUsage({ value: 1, customerId: 'c', featureId: 'f', behaviour: 'DELTA' });
      } catch (error) {
        failures.push(`send ${i}: ${String(error)}`);
      }
    }
    client.close();
    assert.deepEqual(failures, [], 'no DELTA failed');
    assert.equal(applied, sends, 'and none was applied twice');
    assert.equal(connections, sends, 'from the first close on, a socket near the limit is dropped, not raced');
  });
});

describe('a TCP handshake that never completes', () => {
  // A process that listens and then never accepts: once its queue of one is full, the kernel drops
  // further SYNs, so connecting hangs, which no answering server can stage.
  let child: ChildProcess;
  const fillers: net.Socket[] = [];
  let url: string;
  before(async () => {
    const script = `
      const server = require('node:net').createServer();
      server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
        process.stdout.write(server.address().port + '\\n', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0));
      });`;
    child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<string>((resolve) =>
      child.stdout?.once('data', (d: Buffer) => resolve(String(d).trim())),
    );
    url = `http://127.0.0.1:${port}`;
    // Fill the accept queue: connect until a connection no longer comes up.
    for (let i = 0; i < 16; i++) {
      const socket = net.connect(Number(port), '127.0.0.1');
      fillers.push(socket);
      const up = await new Promise<boolean>((resolve) => {
        socket.once('connect', () => resolve(true));
        setTimeout(() => resolve(false), 300);
      });
      if (!up) break;
    }
  });
  after(() => {
    for (const socket of fillers) socket.destroy();
    child.kill('SIGKILL');
  });

  it('is a connect failure: nothing was sent, so even a DELTA is tried again', async () => {
    const client = new ParityDeals({
      accessToken: 'k',
      baseUrl: url,
      edgeApiUrl: `${url}/edge`,
      logLevel: 'off',
      connectTimeout: 150,
      timeout: 5_000,
      maxRetries: 2,
      maxRetryDelay: 10,
    });
    const started = Date.now();
    const e = await rejected(
      client.reporting.reportUsage({ value: 1, customerId: 'c', featureId: 'f', behaviour: 'DELTA' }),
    );
    const took = Date.now() - started;
    client.close();
    assert.ok(e instanceof APIConnectionError && !(e instanceof APIConnectionTimeoutError), String(e));
    assert.equal(e.outcomeUnknown, false, 'certainly not sent');
    assert.match(e.message, /no connection within 150 ms.*Failed after 3 attempts/);
    assert.ok(took >= 3 * 140 && took < 3_000, `three connect timeouts, not one answer timeout: ${took} ms`);
  });

  it('within a shorter attempt timeout, the attempt timeout bounds the connect', async () => {
    const t = nodeTransport();
    const e = await rejected(
      t.transport({
        method: 'POST',
        url: `${url}/x`,
        headers: {},
        body: '{}',
        timeout: 100,
        connectTimeout: 3_000,
        signal: undefined,
      }),
    );
    t.close();
    assert.ok(e instanceof TransportError && e.failure === 'connect' && !e.sent, String(e));
  });
});
