/**
 * A request as a resource method describes it: plain data the pipeline turns into HTTP. Being
 * plain data (but for `transform`), it can also cross to the synchronous client's worker.
 */
export interface RequestSpec<T = unknown> {
  /** `module.method`, for logs and errors, e.g. `reporting.reportUsage`. */
  operation: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** `edge` for entitlement reads, `main` for everything else. */
  host: 'main' | 'edge';
  /** Path below `/api/<version>`, path parameters already percent-encoded. */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** The JSON body, already in the API's snake_case. */
  body?: Record<string, unknown>;
  /**
   * Whether sending this request twice has the same effect as sending it once. Decides which
   * failures are retried: see `shouldRetry` in retry.ts.
   */
  repeatable: boolean;
  /**
   * What a success answer must hold, else the call fails with an `APIError` that says what came
   * instead: by default a JSON object; `{ array }` an object with that field a list (pages,
   * entitlements); `'empty'` no body (a JSON object is accepted too).
   */
  answer?: 'empty' | { array: string } | undefined;
  /**
   * The idempotency key the body carries (events), put on any error so that the caller can send
   * the same event again and have it counted once.
   */
  idempotencyKey?: string | undefined;
  /** Turns the parsed JSON body into the method's result; identity when absent. */
  transform?: (data: unknown) => T;
}
