// A bare loopback HTTP server for faults the emulator has no reason to stage: redirects, bodies
// that do not match the operation, huge or cut answers, echoed secrets, silent idle closes.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawServer {
  /** `http://127.0.0.1:PORT`, usable as a client's baseUrl and edgeApiUrl. */
  url: string;
  /** Every request read, in order. */
  received: Received[];
  server: http.Server;
  close(): Promise<void>;
}

/** Starts a server that reads each request's body and hands it to `answer`. */
export async function rawServer(
  answer: (req: Received, res: http.ServerResponse, socket: Socket) => void,
): Promise<RawServer> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(r);
      answer(r, res, req.socket);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON (or raw text) answer. */
export function reply(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
