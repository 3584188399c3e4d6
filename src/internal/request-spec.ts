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
   * When true, the timeout (`edgeTimeout` or the call's `timeout`) bounds the whole call, every
   * attempt and every wait between them, not each attempt: entitlement reads sit on users'
   * request paths and must answer within a known time.
   */
  totalTimeout?: boolean;
  /**
   * What a successful request changes that the entitlement cache keeps a copy of. Plain data, so
   * it crosses to the sync client's worker and back; the client that sent the request applies it.
   */
  effect?: Effect;
  /** Said after a 404: which record was missing and what to do, e.g. create the customer first. */
  notFound?: string;
  /** For a non-repeatable request whose outcome is unknown: how to check whether it was applied. */
  reconcile?: string;
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

/** A request's effect on cached entitlements (see `EntitlementCache.observe`). */
export type Effect =
  /** Usage reported: the cached meter moves the same way (DELTA adds, SET replaces). */
  | { kind: 'usage'; customerId: string; featureId: string; behaviour: 'DELTA' | 'SET'; value: number }
  /** Something about this customer changed (created, sent to checkout): refetch their entitlements. */
  | { kind: 'customer'; customerId: string }
  /** A subscription changed (updated, cancelled): refetch its customer's entitlements. */
  | { kind: 'subscription'; subscriptionId: string }
  /** Subscriptions were listed: the cache learns which customer each belongs to. */
  | { kind: 'subscriptions-listed' };
