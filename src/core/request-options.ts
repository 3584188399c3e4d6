/** Per-request options, the optional last argument of every method. */
export interface RequestOptions {
  /** Aborts the request, including any wait between retries. */
  signal?: AbortSignal | undefined;
  /** Milliseconds per attempt; overrides the client's `timeout` (or `edgeTimeout`). */
  timeout?: number | undefined;
  /** Retries for this request; overrides the client's `maxRetries`. */
  maxRetries?: number | undefined;
  /** Extra headers for this request; override the client's. */
  headers?: Record<string, string> | undefined;
}
