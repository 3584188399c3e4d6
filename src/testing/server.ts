// HTTP plumbing: sockets, bodies, the three areas of the URL space, faults, and closing.
//
//   /__emulator/...   admin API (no auth, never faulted, never recorded)
//   /checkout/{id}    the hosted checkout page (never faulted, never recorded)
//   /edge/...         the edge host: same API, recorded with host 'edge'
//   anything else     the main API host
//
// Paths are taken raw from the request line (not through the URL parser), so a
// percent-encoded id such as `..` or `a%2Fb` reaches the router exactly as sent.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Fault } from './faults.js';
import type { RecordedRequest } from './recorder.js';
import type { ApiRequest, ApiResponse } from './router.js';

/** Bodies above this are refused with 413: the API takes small JSON documents only. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface ServerHooks {
  api(req: ApiRequest): ApiResponse;
  admin(method: string, path: string, query: Record<string, string>, rawBody: string): ApiResponse;
  checkoutPage(method: string, sessionId: string): { status: number; html?: string; location?: string };
  record(entry: RecordedRequest): void;
  pickFault(method: string, path: string): Fault | undefined;
  nowIso(): string;
  /** A fresh id for the `x-request-id` answer header (API requests only). */
  requestId(): string;
}

/** Limits on connections, so a leaking or hostile client cannot exhaust the emulator. */
export interface ConnectionLimits {
  /** Open connections at most; more are closed as they arrive. */
  maxConnections: number;
  /** Milliseconds a new connection may stay silent before it is closed. */
  firstByteTimeout: number;
}

export class EmulatorServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closing: Promise<void> | undefined;
  private fallbackOrigin = 'http://127.0.0.1';
  private firstByteTimeout = Number.POSITIVE_INFINITY;

  constructor(private readonly hooks: ServerHooks) {
    this.server = createServer((req, res) => this.onRequest(req, res));
    // A hung request must not be cut by Node's own request timeout before the client's.
    this.server.requestTimeout = 0;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      // Clients send their request as soon as they connect; one that sends nothing is a leak
      // or an attack, and would otherwise hold its socket until close().
      const silent = Number.isFinite(this.firstByteTimeout)
        ? setTimeout(() => {
            if (socket.bytesRead === 0) socket.destroy();
          }, this.firstByteTimeout).unref()
        : undefined;
      socket.on('close', () => {
        clearTimeout(silent);
        this.sockets.delete(socket);
      });
    });
  }

  /** Bounds the connections (see ConnectionLimits); set before listen(). */
  limit(limits: ConnectionLimits): void {
    this.server.maxConnections = limits.maxConnections;
    this.firstByteTimeout = limits.firstByteTimeout;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const address = this.server.address();
        const bound = typeof address === 'object' && address ? address.port : port;
        resolve(bound);
      });
    });
  }

  setFallbackOrigin(origin: string): void {
    this.fallbackOrigin = origin;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    readBody(req, (rawBody, tooLarge) => {
      try {
        this.route(req, res, rawBody, tooLarge);
      } catch (err) {
        // Last line of defence: the hooks already catch handler bugs, this catches ours.
        sendJson(res, 500, { detail: `Internal emulator error: ${err instanceof Error ? err.message : String(err)}` });
      }
    });
  }

  private route(req: IncomingMessage, res: ServerResponse, rawBody: string, tooLarge: boolean): void {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
    const query = Object.fromEntries(new URLSearchParams(rawQuery));

    if (tooLarge) {
      sendJson(res, 413, { detail: `Request body larger than ${MAX_BODY_BYTES} bytes.` }, { connection: 'close' });
      return;
    }
    if (rawPath === '/__emulator' || rawPath.startsWith('/__emulator/')) {
      const r = this.hooks.admin(method, rawPath.slice('/__emulator'.length), query, rawBody);
      sendJson(res, r.status, r.body, r.headers);
      return;
    }
    const page = /^\/checkout\/([^/]+)\/?$/.exec(rawPath);
    if (page) {
      let id: string;
      try {
        id = decodeURIComponent(page[1] as string);
      } catch {
        id = '';
      }
      const r = this.hooks.checkoutPage(method, id);
      const headers: Record<string, string> = { 'cache-control': 'no-store' };
      if (r.location) headers.location = r.location;
      if (r.html !== undefined) headers['content-type'] = 'text/html; charset=utf-8';
      res.writeHead(r.status, headers);
      res.end(r.html ?? '');
      return;
    }

    const edge = rawPath === '/edge' || rawPath.startsWith('/edge/');
    const path = edge ? rawPath.slice('/edge'.length) || '/' : rawPath;
    const headers = flatHeaders(req);
    const requestId = this.hooks.requestId();
    this.hooks.record({
      method,
      host: edge ? 'edge' : 'main',
      path,
      query,
      headers,
      body: parseJsonOrUndefined(rawBody),
      rawBody,
      receivedAt: this.hooks.nowIso(),
      requestId,
    });
    const apiReq: ApiRequest = {
      method,
      host: edge ? 'edge' : 'main',
      path,
      rawQuery,
      query,
      headers,
      rawBody,
      origin: this.origin(req),
    };
    const answer = () => {
      const r = this.hooks.api(apiReq);
      sendJson(res, r.status, r.body, { ...r.headers, 'x-request-id': requestId });
    };

    const fault = this.hooks.pickFault(method, path);
    if (!fault) {
      answer();
      return;
    }
    switch (fault.type) {
      case 'latency': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          answer();
        }, fault.ms ?? 0);
        this.timers.add(timer);
        return;
      }
      case 'status':
        sendFaultStatus(res, fault, requestId);
        return;
      case 'reset':
        resetSocket(req.socket);
        return;
      case 'drop-after-handle':
        this.hooks.api(apiReq);
        req.socket.destroy();
        return;
      case 'hang':
        // Nothing: the socket stays open until the client gives up or close() destroys it.
        return;
    }
  }

  /** Absolute URLs in answers (checkoutUrl, next/previous) use the address the client used. */
  private origin(req: IncomingMessage): string {
    const host = req.headers.host;
    return host && /^[A-Za-z0-9.\-_:[\]]+$/.test(host) ? `http://${host}` : this.fallbackOrigin;
  }
}

function readBody(req: IncomingMessage, done: (body: string, tooLarge: boolean) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  });
  req.on('end', () => done(tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge));
  // An aborted upload has nobody to answer; 'error' must still be handled so it never throws.
  req.on('error', () => {});
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseJsonOrUndefined(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const payload = body === undefined || status === 204 ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(payload ? { 'content-type': 'application/json' } : {}),
    'content-length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  res.end(payload);
}

function sendFaultStatus(res: ServerResponse, fault: Fault, requestId: string): void {
  const status = fault.status ?? 500;
  const headers: Record<string, string> = { 'x-request-id': requestId };
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
  const detail =
    status === 429
      ? `Request was throttled.${fault.retryAfter !== undefined ? ` Expected available in ${String(fault.retryAfter)} seconds.` : ''}`
      : `Emulated fault: HTTP ${status}.`;
  sendJson(res, status, { detail }, headers);
}

/** A TCP RST where Node can (resetAndDestroy, Node >= 16.17), a plain destroy elsewhere. */
function resetSocket(socket: Socket): void {
  const s = socket as Socket & { resetAndDestroy?: () => void };
  if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
  else s.destroy();
}
