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
}

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
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  #raw: Promise<WithResponse<T>>;
  #data: Promise<T> | undefined;

  constructor(raw: Promise<WithResponse<T>>) {
    // The data promise is made only when someone asks for it, so calling only `withResponse()`
    // on a failed request does not leave a second, unhandled rejection behind.
    super((resolve) => resolve(undefined as T));
    this.#raw = raw;
  }

  /** The data with the response it came in. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#raw;
  }

  #value(): Promise<T> {
    return (this.#data ??= this.#raw.then((r) => r.data));
  }

  // biome-ignore lint/suspicious/noThenProperty: an APIPromise is a Promise; awaiting it yields the data
  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#value().then(onfulfilled, onrejected);
  }

  override catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.#value().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.#value().finally(onfinally);
  }
}
