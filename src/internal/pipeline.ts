import { APIPromise, type ResponseInfo, type WithResponse } from '../core/api-promise.js';
import {
  errorFromBody,
  errorFromRedirect,
  errorFromResponse,
  errorFromTransport,
  errorFromUnsent,
  type FailureContext,
  scrub,
  scrubHeaders,
  scrubText,
} from './classify.js';
import { APIUserAbortError, ParityDealsError } from '../core/errors.js';
import { type LevelLogger, redactHeaders } from './logger.js';
import { Page, type PageBody, PagePromise } from '../core/page.js';
import type { RequestOptions } from '../core/request-options.js';
import type { RequestSpec } from './request-spec.js';
import { type AttemptFailure, outcomeUnknown, retryDelay, shouldRetry, sleep } from './retry.js';
import { TransportError, type Transport, type TransportResponse } from './transport.js';
import { checkRequestOptions } from './validate.js';

/** Everything the pipeline needs, resolved from the client's options and the environment. */
export interface PipelineConfig {
  accessToken: string;
  baseUrl: string;
  edgeApiUrl: string;
  apiVersion: string;
  timeout: number;
  edgeTimeout: number;
  connectTimeout: number;
  maxRetries: number;
  maxRetryDelay: number;
  transport: Transport;
  defaultHeaders: Record<string, string>;
  logger: LevelLogger;
  userAgent: string | undefined;
  /** Told of every call's outcome; the client applies a spec's `effect` to its cache here. */
  observer?: PipelineObserver | undefined;
}

/** What the pipeline tells its client after a call: it knows no resource and no cache itself. */
export interface PipelineObserver {
  succeeded(spec: RequestSpec<unknown>, data: unknown): void;
  failed(spec: RequestSpec<unknown>, error: unknown): void;
}

/**
 * Under a total timeout, a retry is not started with less time than this left: an attempt that
 * short cannot complete over a real network, and the caller's fallback should answer instead.
 */
const MIN_USEFUL_ATTEMPT_MS = 20;

/**
 * The one request pipeline: build the URL and headers, send, classify the answer, retry or
 * throw. Resources describe requests as `RequestSpec`s and never touch the network themselves.
 */
export class Pipeline {
  readonly #token: string;
  readonly #mainPrefix: string;
  readonly #edgePrefix: string;
  readonly #headers: Record<string, string>;
  readonly #config: Omit<PipelineConfig, 'accessToken'>;
  /** Set by the client's close(): the caller's requests are refused from then on (see `send`). */
  #closed = false;

  constructor(config: PipelineConfig) {
    const { accessToken, ...rest } = config;
    this.#token = accessToken;
    this.#config = rest;
    this.#mainPrefix = `${trimSlash(config.baseUrl)}/api/${config.apiVersion}`;
    this.#edgePrefix = `${trimSlash(config.edgeApiUrl)}/api/${config.apiVersion}`;
    this.#headers = {
      accept: 'application/json',
      ...(config.userAgent ? { 'user-agent': config.userAgent } : {}),
      ...lowerKeys(config.defaultHeaders),
      authorization: `Bearer ${accessToken}`,
    };
  }

  /**
   * Builds a request (validating the caller's input) and sends it. A validation failure
   * becomes a rejected promise and nothing is sent.
   */
  send<T>(build: () => RequestSpec<T>, options?: RequestOptions): APIPromise<T> {
    let spec: RequestSpec<T>;
    try {
      spec = build();
    } catch (error) {
      return new APIPromise<T>(Promise.reject(error));
    }
    if (this.#closed) return new APIPromise<T>(Promise.reject(closedError(spec.operation)));
    return this.request(spec, options);
  }

  /** `send` for list requests. */
  sendPage<T>(build: () => RequestSpec<PageBody<T>>, options?: RequestOptions): PagePromise<T> {
    let spec: RequestSpec<PageBody<T>>;
    try {
      spec = build();
    } catch (error) {
      return new PagePromise<T>(Promise.reject(error));
    }
    if (this.#closed) return new PagePromise<T>(Promise.reject(closedError(spec.operation)));
    return this.requestPage(spec, options);
  }

  /** Sends `spec` and resolves with its transformed result. */
  request<T>(spec: RequestSpec<T>, options?: RequestOptions): APIPromise<T> {
    return new APIPromise(this.execute(spec, options));
  }

  /** Sends a list request; the result pages onward with the same spec and options. */
  requestPage<T>(spec: RequestSpec<PageBody<T>>, options?: RequestOptions): PagePromise<T> {
    const fetchPage = (query: Record<string, string>): Promise<WithResponse<PageBody<T>>> =>
      this.#closed
        ? Promise.reject(closedError(spec.operation))
        : this.execute({ ...spec, query: { ...spec.query, ...query } }, options);
    return new PagePromise(
      this.execute(spec, options).then(({ data, response }) => ({ data: new Page(data, fetchPage), response })),
    );
  }

  /**
   * Refuses the caller's requests from now on (`send`, `sendPage`, a page's next). `execute`
   * stays open: the client's last usage flush runs through it after close().
   */
  close(): void {
    this.#closed = true;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async execute<T>(spec: RequestSpec<T>, options: RequestOptions | undefined): Promise<WithResponse<T>> {
    const observer = this.#config.observer;
    if (!observer) return this.#execute(spec, options);
    try {
      const result = await this.#execute(spec, options);
      observer.succeeded(spec, result.data);
      return result;
    } catch (error) {
      observer.failed(spec, error);
      throw error;
    }
  }

  async #execute<T>(spec: RequestSpec<T>, options: RequestOptions | undefined): Promise<WithResponse<T>> {
    checkRequestOptions(spec.operation, options);
    const config = this.#config;
    const url = this.#url(spec);
    const headers: Record<string, string> = options?.headers
      ? { ...this.#headers, ...lowerKeys(options.headers) }
      : { ...this.#headers };
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const timeout = options?.timeout ?? (spec.host === 'edge' ? config.edgeTimeout : config.timeout);
    const deadline = spec.totalTimeout ? Date.now() + timeout : Number.POSITIVE_INFINITY;
    const connectTimeout = config.connectTimeout;
    const maxRetries = options?.maxRetries ?? config.maxRetries;
    const signal = options?.signal;
    const log = config.logger;
    // Once one attempt may have been applied, the operation's outcome stays unknown whatever the
    // later attempts answer: a SET dropped after the server stored it, then two 429s, has landed.
    let mayHaveApplied = false;
    const context = (attempts: number): FailureContext => ({
      operation: spec.operation,
      method: spec.method,
      url,
      repeatable: spec.repeatable,
      outcomeUnknown: mayHaveApplied,
      notFound: spec.notFound,
      reconcile: spec.reconcile,
      attempts,
      secret: this.#token,
      idempotencyKey: spec.idempotencyKey,
    });

    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) headers['x-retry-count'] = String(attempt - 1);
      const started = log.enabled('info') ? Date.now() : 0;
      if (log.enabled('debug'))
        log.debug(`→ ${spec.method} ${url}`, { headers: redactHeaders(headers), body: spec.body });

      let response: TransportResponse | undefined;
      let failure: TransportError | undefined;
      try {
        // Under a total timeout, later attempts get what is left of it (the first gets it whole).
        const attemptTimeout = spec.totalTimeout && attempt > 1 ? Math.max(1, deadline - Date.now()) : timeout;
        response = await config.transport({
          method: spec.method,
          url,
          headers,
          body,
          timeout: attemptTimeout,
          connectTimeout,
          signal,
        });
      } catch (error) {
        if (error instanceof ParityDealsError) {
          // A transport's own refusal (Deno's denied permission) carries what the runtime or a
          // custom fetch threw: keep only its text, the token cut out.
          if (error.cause !== undefined)
            Object.defineProperty(error, 'cause', { value: scrub(error.cause, this.#token), configurable: true });
          throw error;
        }
        if (!(error instanceof TransportError)) throw errorFromUnsent(error, context(attempt));
        failure = error;
      }

      if (response && response.status >= 200 && response.status < 300) {
        if (started) log.info(`${spec.method} ${url} → ${response.status} (${Date.now() - started} ms)`);
        if (log.enabled('debug'))
          log.debug(`← ${response.status} ${spec.method} ${url}`, { body: scrubText(response.body, this.#token) });
        const parsed = parseAnswer(response.body, spec);
        if (typeof parsed === 'string') {
          // A 2xx to a write means the server (or something posing as it) took the request.
          if (spec.method !== 'GET') mayHaveApplied = true;
          throw errorFromBody(response.status, response.body, response.headers, parsed, context(attempt));
        }
        // The headers go to the caller, the cache and its store: an echoed token must not.
        const clean = scrubHeaders(response.headers, this.#token);
        const info: ResponseInfo = {
          status: response.status,
          headers: clean,
          requestId: clean['x-request-id'] ?? clean['request-id'],
          attempts: attempt,
          method: spec.method,
          url,
          source: 'network',
        };
        return { data: spec.transform ? spec.transform(parsed.data) : (parsed.data as T), response: info };
      }

      if (response && response.status < 400) {
        if (spec.method !== 'GET' && !MOVED.has(response.status)) mayHaveApplied = true;
        throw errorFromRedirect(response.status, response.body, response.headers, context(attempt));
      }

      const cause: AttemptFailure = failure
        ? { transport: failure.failure, sent: failure.sent }
        : { status: (response as TransportResponse).status };
      if (spec.method !== 'GET' && outcomeUnknown(cause)) mayHaveApplied = true;
      const delay =
        attempt <= maxRetries && shouldRetry(spec.repeatable, cause)
          ? retryDelay(attempt, response?.headers, config.maxRetryDelay)
          : undefined;
      if (delay !== undefined && delay + MIN_USEFUL_ATTEMPT_MS < deadline - Date.now()) {
        // At info, not warn: a retry that succeeds is not the caller's problem, and an outage
        // would otherwise print a line per retry on every request of a busy server.
        log.info(
          `${spec.operation}: ${failure ? scrubText(failure.message, this.#token) : `status ${cause.status}`}; retry ${attempt} of ${maxRetries} in ${Math.round(delay)} ms`,
          { method: spec.method, url },
        );
        await sleep(
          delay,
          signal,
          () =>
            new APIUserAbortError(
              `${spec.operation} (${spec.method} ${url}) was aborted by its signal while waiting to retry.${mayHaveApplied ? ' An earlier attempt may have been applied.' : ''}`,
              { method: spec.method, url, outcomeUnknown: mayHaveApplied, idempotencyKey: spec.idempotencyKey },
            ),
        );
        continue;
      }

      const ctx = context(attempt);
      const error = failure
        ? errorFromTransport(failure, ctx)
        : errorFromResponse(
            cause.status as number,
            (response as TransportResponse).body,
            (response as TransportResponse).headers,
            ctx,
          );
      if (ctx.outcomeUnknown) log.warn(error.message, { method: spec.method, url });
      else if (started)
        log.info(`${spec.method} ${url} → ${failure ? failure.failure : cause.status} (${Date.now() - started} ms)`);
      throw error;
    }
  }

  #url(spec: RequestSpec<unknown>): string {
    const prefix = spec.host === 'edge' ? this.#edgePrefix : this.#mainPrefix;
    let url = prefix + spec.path;
    if (spec.query) {
      let sep = '?';
      for (const key in spec.query) {
        const value = spec.query[key];
        if (value === undefined) continue;
        url += `${sep}${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
        sep = '&';
      }
    }
    return url;
  }
}

/** Redirects that send the request elsewhere unhandled; a 303 or 304 may follow handling. */
const MOVED = new Set([0, 301, 302, 307, 308]);

/** The answer's JSON if it is what the operation returns, else what is wrong with it. */
function parseAnswer(text: string, spec: RequestSpec<unknown>): { data: unknown } | string {
  if (text === '') return spec.answer === 'empty' ? { data: undefined } : 'an empty body';
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'a body that is not JSON';
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return `JSON that is not an object (${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data})`;
  const field = typeof spec.answer === 'object' ? spec.answer.array : undefined;
  if (field !== undefined && !Array.isArray((data as Record<string, unknown>)[field]))
    return `a JSON object without the "${field}" list`;
  return { data };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in headers) {
    const value = headers[key];
    if (value !== undefined) out[key.toLowerCase()] = value;
  }
  return out;
}

/** What a call made after the client's close() rejects with, before anything is sent. */
export function closedError(operation: string): ParityDealsError {
  return new ParityDealsError(`${operation}: this client was closed; create another with new ParityDeals().`);
}
