/** Per-request options, the optional last argument of every method. */
export interface RequestOptions {
  /**
   * Aborts the request, including any wait between retries. Once the request has left, an abort
   * leaves a write's outcome unknown (`outcomeUnknown`). One signal may serve any number of calls.
   */
  signal?: AbortSignal | undefined;
  /** Milliseconds per attempt, above 0 and at most 2147483647; overrides the client's `timeout` (or `edgeTimeout`). */
  timeout?: number | undefined;
  /** Retries for this request, an integer from 0 to 10; overrides the client's `maxRetries`. */
  maxRetries?: number | undefined;
  /** Extra headers for this request; override the client's. Values may not hold CR, LF or other control characters. */
  headers?: Record<string, string> | undefined;
}
