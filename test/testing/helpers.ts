// Plain-HTTP helpers for the emulator tests: fetch for ordinary calls, node:http for raw
// request lines (fetch would normalise `..` and friends before they reach the server).

import { request as httpRequest } from 'node:http';
import type { Emulator } from '../../src/testing/index.js';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface CallOptions {
  /** Default: the emulator's key. null sends no Authorization header. */
  key?: string | null;
  edge?: boolean;
  headers?: Record<string, string>;
  /** Sent as is instead of JSON.stringify(body). */
  raw?: string;
}

/** One API call; `path` is below /api/v1, e.g. '/customers/'. */
export async function call(
  emu: Pick<Emulator, 'url' | 'edgeUrl' | 'apiKey'>,
  method: string,
  path: string,
  body?: unknown,
  opts: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  const key = opts.key === undefined ? emu.apiKey : opts.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const payload = opts.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  if (payload !== undefined && !('content-type' in headers)) headers['content-type'] = 'application/json';
  const res = await fetch(`${opts.edge ? emu.edgeUrl : emu.url}/api/v1${path}`, {
    method,
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** A request with the exact request-target given (no normalisation). */
export function rawRequest(
  port: number,
  method: string,
  target: string,
  opts: { body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path: target, headers: opts.headers ?? {}, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export const DAY = 86_400_000;

/** Creates a customer and subscribes it to a plan through the real checkout flow. */
export async function subscribed(
  emu: Emulator,
  customerId: string,
  planIdentifier = 'plan-pro-monthly',
  chargePeriod = 'MONTHLY',
  features?: unknown,
) {
  const created = await call(emu, 'POST', '/customers/', { customerId });
  if (created.status !== 201 && created.status !== 400) throw new Error(`customer create: ${created.text}`);
  const co = await call(emu, 'POST', '/checkout/', {
    planIdentifier,
    chargePeriod,
    customerId,
    successUrl: 'https://app.test/ok',
    ...(features ? { features } : {}),
  });
  if (co.status !== 201) throw new Error(`checkout: ${co.text}`);
  return emu.completeCheckout(co.body.checkoutSessionId);
}
