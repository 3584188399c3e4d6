import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { onAbort } from './abort.js';
import {
  MAX_RESPONSE_BYTES,
  neverConnected,
  TransportError,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './transport.js';

/**
 * How long an idle keep-alive socket is kept. Shorter than the 5 s that Node servers (and most
 * proxies) keep an idle connection, so the client drops a socket before the server does: reusing
 * a socket the server has just closed would fail a request that was never read, and for an
 * operation that cannot be repeated that failure could not be told apart from a lost answer.
 */
const IDLE_SOCKET_MS = 4_000;

/**
 * How many times a request that found its kept-alive socket closed by the server is moved to
 * another one. Idle sockets go stale together (a server's idle sweep), so a second pooled one
 * may be closed too; the last try opens a socket of its own.
 */
const STALE_SOCKET_RETRIES = 3;

export interface NodeTransport {
  transport: Transport;
  /** Closes idle keep-alive sockets; requests in flight finish. */
  close(): void;
}

/**
 * A transport on `node:http`/`node:https` with keep-alive agents of its own. On Node it costs
 * far less per request than the built-in `fetch`, which matters on the entitlement hot path.
 *
 * It knows how far each request got, which decides whether it may be sent again:
 * - nothing is written until the socket is connected (TCP, and TLS for https), so a failure
 *   before that, the connect timeout included, is `connect`: certainly not sent;
 * - on a kept-alive socket, the write waits one turn of the event loop, so that a close the
 *   server sent while the socket was idle is seen first; such a request is moved to another
 *   socket, since not one byte of it left (see STALE_SOCKET_RETRIES).
 */
export function nodeTransport(): NodeTransport {
  const httpAgent = idleExpiring(new http.Agent({ keepAlive: true, scheduling: 'lifo' }));
  const httpsAgent = idleExpiring(new https.Agent({ keepAlive: true, scheduling: 'lifo' }));

  const transport: Transport = async (req) => {
    for (let stale = 0; ; stale++) {
      try {
        return await attempt(req, httpAgent, httpsAgent, stale >= STALE_SOCKET_RETRIES);
      } catch (error) {
        if (!(error instanceof StaleSocket)) throw error;
      }
    }
  };

  return {
    transport,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** A kept-alive socket the server closed before this request was written to it. */
class StaleSocket extends Error {}

function attempt(
  req: TransportRequest,
  httpAgent: http.Agent,
  httpsAgent: https.Agent,
  ownSocket: boolean,
): Promise<TransportResponse> {
  return new Promise<TransportResponse>((resolve, reject) => {
    if (req.signal?.aborted) {
      reject(new TransportError('abort', 'the request was aborted before it was sent', { sent: false }));
      return;
    }
    const target = split(req.url);
    const secure = target.protocol === 'https:';
    // `sent` turns true when the request is handed to a connected socket; before that a failure
    // proves nothing reached the server.
    let sent = false;
    let settled = false;
    let failure: Error | undefined;
    const request = (secure ? https : http).request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        path: target.path,
        method: req.method,
        headers: req.headers,
        agent: ownSocket ? false : secure ? httpsAgent : httpAgent,
      },
      (res) => {
        const declared = Number(res.headers['content-length']);
        if (declared > MAX_RESPONSE_BYTES) return cut(tooLarge(res.statusCode, `declared ${declared} bytes`));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) cut(tooLarge(res.statusCode, 'it went on'));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (!res.complete) return fail(new Error('the connection closed before the answer was complete'));
          done();
          const body =
            chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: flatten(res.headers), body });
        });
        res.on('error', fail);
      },
    );

    const cut = (error: Error): void => {
      failure ??= error;
      request.destroy(failure);
    };
    const unsubscribe = onAbort(req.signal, () =>
      cut(new TransportError('abort', 'the request was aborted', { sent })),
    );
    const connectMs = Math.min(req.connectTimeout, req.timeout);
    const connectTimer = setTimeout(
      () => cut(new TransportError('connect', `no connection within ${connectMs} ms`)),
      connectMs,
    );
    const timer = setTimeout(
      () =>
        cut(
          sent
            ? new TransportError('timeout', `no answer within ${req.timeout} ms`)
            : new TransportError('connect', `no connection within ${req.timeout} ms`),
        ),
      req.timeout,
    );

    const write = (socket: Socket): void => {
      if (settled || failure) return;
      sent = true;
      idleSince.delete(socket);
      clearTimeout(connectTimer);
      request.end(req.body);
    };
    request.on('socket', (socket) => {
      if (request.reusedSocket) {
        // A FIN the server sent while the socket sat idle may be waiting in the kernel; one turn
        // of the loop lets Node read it (the socket then ends) before anything is written.
        setImmediate(() => {
          if (socket.destroyed || socket.readableEnded || !socket.writable) cut(new StaleSocket());
          else write(socket);
        });
      } else if (socket.connecting) socket.once(secure ? 'secureConnect' : 'connect', () => write(socket));
      else write(socket);
    });

    function done(): void {
      settled = true;
      clearTimeout(timer);
      clearTimeout(connectTimer);
      unsubscribe();
    }
    function fail(error: Error): void {
      if (settled) return;
      done();
      if (failure) {
        reject(failure);
        return;
      }
      // Not one byte was written: on a reused socket, the server had closed it (move to another);
      // on a new one, the connection never came up.
      if (!sent && request.reusedSocket) {
        reject(new StaleSocket());
        return;
      }
      const kind = !sent || neverConnected(error) ? 'connect' : 'network';
      const code = (error as { code?: string }).code;
      reject(new TransportError(kind, code ? `${code}: ${error.message}` : error.message, { cause: error }));
    }
    request.on('error', fail);
    request.on('close', () => fail(new Error('the connection closed before an answer came')));
  });
}

function tooLarge(status: number | undefined, how: string): TransportError {
  return new TransportError(
    'too-large',
    `the server answered ${status ?? 'with no status'} with a body longer than ${MAX_RESPONSE_BYTES} bytes (MAX_RESPONSE_BYTES; ${how}), which was not read`,
  );
}

/**
 * Of an idle limit learned from a server's own close, the share a socket is then kept idle. A
 * server that closes idle connections without a `Keep-Alive: timeout` hint shows its limit only
 * by closing one; sockets are then dropped well before it, so that a request does not race the
 * server's close. The quarter left covers timer lag on both sides.
 */
const LEARNED_IDLE_SHARE = 0.75;
/** The shortest idle limit learned: a server that closed one socket early for some other reason must not turn keep-alive off. */
const MIN_IDLE_SOCKET_MS = 50;

/** When each pooled socket last went idle; deleted once a request is written to it. */
const idleSince = new WeakMap<Socket, number>();
const watched = new WeakSet<Socket>();

/**
 * Gives an agent's idle sockets a timeout, and only its idle ones. The agent's own `timeout`
 * option would keep a timer on busy sockets too, re-armed on every chunk read or written,
 * which costs about a tenth of a small request on loopback.
 *
 * The timeout starts at IDLE_SOCKET_MS and shrinks when the server is seen closing a socket
 * that sat idle (see LEARNED_IDLE_SHARE).
 */
function idleExpiring<A extends http.Agent>(agent: A): A {
  // Node's typings say keepSocketAlive returns void; it returns whether to keep the socket.
  const keep = agent.keepSocketAlive.bind(agent) as unknown as (socket: Socket) => boolean;
  const reuse = agent.reuseSocket.bind(agent);
  const patched = agent as unknown as {
    keepSocketAlive(socket: Socket): boolean;
    reuseSocket(socket: Socket, request: http.ClientRequest): void;
  };
  let limit = IDLE_SOCKET_MS;
  const learn = (socket: Socket): void => {
    const since = idleSince.get(socket);
    if (since === undefined) return;
    idleSince.delete(socket);
    const learned = Math.max(MIN_IDLE_SOCKET_MS, Math.floor((Date.now() - since) * LEARNED_IDLE_SHARE));
    if (learned >= limit) return;
    limit = learned;
    // The sockets idle now get the shorter limit too, counted from when they went idle.
    for (const list of Object.values(agent.freeSockets)) {
      for (const free of list ?? []) {
        const idle = idleSince.get(free as Socket);
        if (idle !== undefined) free.setTimeout(Math.max(1, limit - (Date.now() - idle)));
      }
    }
  };
  patched.keepSocketAlive = (socket) => {
    if (!keep(socket)) return false;
    socket.setTimeout(limit);
    idleSince.set(socket, Date.now());
    if (!watched.has(socket)) {
      watched.add(socket);
      // The server's FIN: on an idle socket, or on one handed to a request not yet written.
      socket.on('end', () => learn(socket));
    }
    return true;
  };
  patched.reuseSocket = (socket, request) => {
    socket.setTimeout(0);
    reuse(socket, request);
  };
  return agent;
}

interface Target {
  protocol: string;
  hostname: string;
  port: string;
  path: string;
}

const origins = new Map<string, Omit<Target, 'path'>>();

/**
 * Splits a URL into origin and path without WHATWG normalisation, which would resolve an
 * encoded `..` id into a step up the path. Origins are parsed once and remembered: a client
 * talks to two hosts at most.
 */
function split(url: string): Target {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  const origin = slash === -1 ? url : url.slice(0, slash);
  let parsed = origins.get(origin);
  if (!parsed) {
    const u = new URL(origin);
    parsed = { protocol: u.protocol, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port };
    if (origins.size > 64) origins.clear();
    origins.set(origin, parsed);
  }
  return { ...parsed, path: slash === -1 ? '/' : url.slice(slash) };
}

function flatten(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in headers) {
    const value = headers[key];
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
