// The log of API requests the emulator received, for tests to assert on what the SDK sent.
// Bounded twice, oldest dropped first: by count, and by bytes, since a count alone let 400
// recorded 1 MB bodies take the emulator to 2 GB and GET /__emulator/requests to a 500.

/** Default number of requests kept by requests(). */
export const DEFAULT_MAX_RECORDED_REQUESTS = 10_000;
/**
 * Default bytes of recorded requests kept (bodies, counted twice for the raw and the parsed
 * copy, plus headers): 64 MiB, thousands of ordinary requests, while the log and its JSON on
 * the admin API stay far below what a process and a JavaScript string can hold.
 */
export const DEFAULT_MAX_RECORDED_BYTES = 64 * 1024 * 1024;

/** An API request the emulator received, as `emulator.requests()` lists it. */
export interface RecordedRequest {
  method: string;
  host: 'main' | 'edge';
  /** Without the /edge prefix and the query, raw (still percent-encoded), e.g. '/api/v1/customers/c1/'. */
  path: string;
  /** Decoded query parameters; a repeated name keeps its last value. */
  query: Record<string, string>;
  /**
   * Lower-cased names; repeated headers joined with ', '. An `authorization` header with a key
   * the emulator does not accept is masked: `Bearer [rejected key …1234]` (its last 4 characters).
   */
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when empty or not JSON. */
  body: unknown;
  rawBody: string;
  /** Emulated-clock time the request arrived, ISO 8601. */
  receivedAt: string;
  /** The `x-request-id` the answer carried (also on faulted answers), e.g. 'req_5f0c...'. */
  requestId: string;
}

export class Recorder {
  private entries: Array<{ entry: RecordedRequest; bytes: number }> = [];
  private head = 0;
  private bytes = 0;

  constructor(
    private readonly max: number,
    private readonly maxBytes: number = DEFAULT_MAX_RECORDED_BYTES,
  ) {}

  add(entry: RecordedRequest): void {
    if (this.max <= 0 || this.maxBytes <= 0) return;
    const bytes = sizeOf(entry);
    this.entries.push({ entry, bytes });
    this.bytes += bytes;
    // The newest entry always stays, even alone above the byte cap: a test wants to see it.
    while (
      this.entries.length - this.head > 1 &&
      (this.entries.length - this.head > this.max || this.bytes > this.maxBytes)
    ) {
      this.bytes -= (this.entries[this.head] as { bytes: number }).bytes;
      this.entries[this.head] = undefined as never;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Oldest first; deep copies, so a test cannot edit the log by accident. */
  all(): RecordedRequest[] {
    return structuredClone(this.entries.slice(this.head).map((e) => e.entry));
  }

  clear(): void {
    this.entries = [];
    this.head = 0;
    this.bytes = 0;
  }
}

/** What an entry costs, roughly: its strings (the body twice, raw and parsed) and a fixed overhead. */
function sizeOf(entry: RecordedRequest): number {
  let bytes = 256 + entry.path.length + 2 * entry.rawBody.length;
  for (const name in entry.headers) bytes += name.length + (entry.headers[name] as string).length;
  for (const name in entry.query) bytes += name.length + (entry.query[name] as string).length;
  return bytes;
}
