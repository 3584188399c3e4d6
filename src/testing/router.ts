// From a raw HTTP request to an API answer, in the order Django REST framework applies its
// checks: unknown path 404, then authentication 401, then method 405, then the body (415/400),
// then the handler. Nothing here touches sockets, so faults can run a handler and throw the
// answer away (drop-after-handle).

import { ErrorAnswer } from './error-answer.js';
import { camelizeBody, isPlainObject } from './fields.js';

export interface ApiRequest {
  method: string;
  host: 'main' | 'edge';
  /** Raw path without the /edge prefix and without the query, still percent-encoded. */
  path: string;
  /** The raw query string without '?', e.g. `customer_id=c1&page=2`. */
  rawQuery: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  rawBody: string;
  /** Where this request was addressed, e.g. `http://127.0.0.1:4010` (from the Host header),
   *  for the absolute URLs in answers. */
  origin: string;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Context {
  req: ApiRequest;
  /** Decoded `:param` path segments, in order. */
  params: string[];
  /** The JSON body with camelCase keys; {} when there is none. */
  body: Record<string, unknown>;
}

export type Handler = (ctx: Context) => ApiResponse;

/** A pattern like `customers/:id/` below /api/v1; `:id` matches one non-empty segment. */
export interface Route {
  pattern: string;
  methods: Partial<Record<'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', Handler>>;
}

const API_PREFIX = '/api/v1/';

export class Router {
  private readonly routes: Array<{ segments: string[]; route: Route }>;

  constructor(
    routes: Route[],
    private readonly apiKeys: () => readonly string[],
  ) {
    this.routes = routes.map((route) => ({ segments: route.pattern.split('/'), route }));
  }

  /** Never throws: a handler bug becomes a 500 JSON answer and the server keeps going. */
  handle(req: ApiRequest): ApiResponse {
    try {
      return this.dispatch(req);
    } catch (err) {
      if (err instanceof ErrorAnswer) return { status: err.status, body: err.body, headers: err.headers };
      return {
        status: 500,
        body: { detail: `Internal emulator error: ${err instanceof Error ? err.message : String(err)}` },
      };
    }
  }

  private dispatch(req: ApiRequest): ApiResponse {
    const found = this.match(req.path);
    if (!found) return { status: 404, body: { detail: 'Not found.' } };
    this.authenticate(req.headers.authorization);
    const handler = found.route.methods[req.method as keyof Route['methods']];
    if (!handler) {
      return {
        status: 405,
        body: { detail: `Method "${req.method}" not allowed.` },
        headers: { allow: Object.keys(found.route.methods).join(', ') },
      };
    }
    const body = req.method === 'GET' || req.method === 'HEAD' ? {} : parseBody(req);
    return handler({ req, params: found.params, body });
  }

  private match(path: string): { route: Route; params: string[] } | undefined {
    if (!path.startsWith(API_PREFIX)) return undefined;
    const segments = path.slice(API_PREFIX.length).split('/');
    outer: for (const { segments: pattern, route } of this.routes) {
      if (pattern.length !== segments.length) continue;
      const params: string[] = [];
      for (let i = 0; i < pattern.length; i++) {
        const want = pattern[i] as string;
        const got = segments[i] as string;
        if (want.startsWith(':')) {
          // Ids arrive percent-encoded; decode the one segment once, so `a%2Fb` is the id "a/b".
          let decoded: string;
          try {
            decoded = decodeURIComponent(got);
          } catch {
            continue outer;
          }
          if (decoded === '') continue outer;
          params.push(decoded);
        } else if (want !== got) {
          continue outer;
        }
      }
      return { route, params };
    }
    return undefined;
  }

  private authenticate(header: string | undefined): void {
    const fail = (detail: string) => new ErrorAnswer(401, { detail }, { 'www-authenticate': 'Bearer realm="api"' });
    if (!header) throw fail('Authentication credentials were not provided.');
    const [scheme, key, extra] = header.trim().split(/\s+/);
    if (scheme?.toLowerCase() !== 'bearer') throw fail('Authentication credentials were not provided.');
    if (!key) throw fail('Invalid token header. No credentials provided.');
    if (extra !== undefined) throw fail('Invalid token header. Token string should not contain spaces.');
    if (!this.apiKeys().includes(key)) throw fail('Invalid token.');
  }
}

function parseBody(req: ApiRequest): Record<string, unknown> {
  if (req.rawBody.trim() === '') return {};
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new ErrorAnswer(415, { detail: `Unsupported media type "${type}" in request.` });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.rawBody);
  } catch (err) {
    throw new ErrorAnswer(400, { detail: `JSON parse error - ${(err as Error).message}` });
  }
  if (!isPlainObject(parsed)) {
    const got = Array.isArray(parsed)
      ? 'list'
      : parsed === null
        ? 'NoneType'
        : typeof parsed === 'string'
          ? 'str'
          : typeof parsed;
    throw new ErrorAnswer(400, { nonFieldErrors: [`Invalid data. Expected a dictionary, but got ${got}.`] });
  }
  return camelizeBody(parsed);
}
