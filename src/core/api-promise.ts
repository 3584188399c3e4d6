/** What the server answered, besides the data: for logging, support tickets and debugging. */
export interface ResponseInfo {
  /** HTTP status of the final attempt. */
  status: number;
  /** Response headers, lower-cased. */
  headers: Record<string, string>;
  /** The server's request id (`x-request-id`), when it sent one. */
  requestId: string | undefined;
  /** How many attempts it took (1 when the first one succeeded). */
  attempts: number;
  method: string;
  url: string;
  /**
   * Where the answer came from: `network` (this call's request), or, for entitlement reads,
   * `cache` (fresh in the cache), `stale` (past its TTL, served while a refresh runs or while
   * the edge API fails) or `fallback` (nothing known; the configured fallback answered).
   */
  source: AnswerSource;
  /** For `cache` and `stale` answers: milliseconds since the entitlements were fetched. */
  age?: number | undefined;
  /** For `stale` and `fallback` answers given because the edge API failed: that failure. */
  error?: Error | undefined;
}

/** See `ResponseInfo.source`. */
export type AnswerSource = 'network' | 'cache' | 'stale' | 'fallback';

/** What `.withResponse()` resolves with: the result and how it was obtained. */
export interface WithResponse<T> {
  data: T;
  response: ResponseInfo;
}

/**
 * The Promise every SDK method returns. Await it for the data; call `.withResponse()` for the
 * data together with the status, headers and request id.
 *
 * @example
 * const { data, response } = await client.customers.retrieve({ customerId: 'c1' }).withResponse();
 * console.log(response.requestId);
 */
export class APIPromise<T> extends Promise<T> {
  // `then` and friends must return plain Promises, or each chained call would build an APIPromise.
  /** `then` and `catch` return plain Promises, not APIPromises. */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  #raw: Promise<WithResponse<T>> | undefined;
  #data: Promise<T> | undefined;
  /** For answers known at once (a cache hit): the response is described when asked for. */
  #describe: (() => ResponseInfo) | undefined;
  #known: T | undefined;

  /** @param known For `APIPromise.known` only: the data this promise settles with at once. */
  constructor(raw: Promise<WithResponse<T>> | undefined, known?: { data: T; describe: () => ResponseInfo }) {
    // The data promise is made only when someone asks for it, so calling only `withResponse()`
    // on a failed request does not leave a second, unhandled rejection behind. (`then` always
    // goes through that native data promise: Promise.prototype.then on this subclass would look
    // up Symbol.species through a getter on every call, which is slower.)
    super((resolve) => resolve((known ? known.data : undefined) as T));
    this.#raw = raw;
    if (known) {
      this.#known = known.data;
      this.#describe = known.describe;
      // `await` takes its fast path only for a promise whose constructor is Promise itself. A
      // known answer's own state already is its data, so letting `await` read that state directly
      // is exact, and makes awaiting a cache hit about three times cheaper. (`instanceof
      // APIPromise` still holds; an explicit `.then()` still goes through the method below.)
      Object.defineProperty(this, 'constructor', { value: Promise });
    }
  }

  /**
   * An answer known now, such as a cached entitlement: no request, and `describe` runs only when
   * `withResponse()` is called, so a hot path that only awaits the data pays for nothing else.
   * @internal
   */
  static known<T>(data: T, describe: () => ResponseInfo): APIPromise<T> {
    // `this`, not the class's own name: a class that names itself inside its body is given an
    // inner alias by the bundler, and would then print as `_APIPromise`.
    return new this<T>(undefined, { data, describe });
  }

  /** The data with the response it came in. */
  withResponse(): Promise<WithResponse<T>> {
    if (this.#raw) return this.#raw;
    return Promise.resolve({ data: this.#known as T, response: (this.#describe as () => ResponseInfo)() });
  }

  #value(): Promise<T> {
    return (this.#data ??= this.#raw ? this.#raw.then((r) => r.data) : Promise.resolve(this.#known as T));
  }

  // biome-ignore lint/suspicious/noThenProperty: an APIPromise is a Promise; awaiting it yields the data
  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#value().then(onfulfilled, onrejected);
  }

  override catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.#value().finally(onfinally);
  }
}
