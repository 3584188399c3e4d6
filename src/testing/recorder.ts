// The log of API requests the emulator received, for tests to assert on what the SDK sent.
// A ring buffer: past the cap the oldest entries go, so a long run stays bounded in memory.

/** Default number of requests kept by requests(). */
export const DEFAULT_MAX_RECORDED_REQUESTS = 10_000;

/** An API request the emulator received, as `emulator.requests()` lists it. */
export interface RecordedRequest {
  method: string;
  host: 'main' | 'edge';
  /** Without the /edge prefix and the query, raw (still percent-encoded), e.g. '/api/v1/customers/c1/'. */
  path: string;
  /** Decoded query parameters; a repeated name keeps its last value. */
  query: Record<string, string>;
  /** Lower-cased names; repeated headers joined with ', '. */
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
  private ring: RecordedRequest[] = [];
  private start = 0;

  constructor(private readonly max: number) {}

  add(entry: RecordedRequest): void {
    if (this.max <= 0) return;
    if (this.ring.length < this.max) {
      this.ring.push(entry);
    } else {
      this.ring[this.start] = entry;
      this.start = (this.start + 1) % this.max;
    }
  }

  /** Oldest first; deep copies, so a test cannot edit the log by accident. */
  all(): RecordedRequest[] {
    return structuredClone([...this.ring.slice(this.start), ...this.ring.slice(0, this.start)]);
  }

  clear(): void {
    this.ring = [];
    this.start = 0;
  }
}
