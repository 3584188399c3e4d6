// What the reporter tests that drive a UsageReporter directly share.
import type { ReporterConfig } from '../../src/usage/flusher.js';

/** A reporter's settings for a test: no interval flush within a test's life, errors ignored unless given. */
export function reporterConfig(overrides: Partial<ReporterConfig> = {}): ReporterConfig {
  return {
    flushInterval: 60_000,
    maxBuffered: 100,
    concurrency: 4,
    onError: () => {},
    onDrop: () => {},
    waitUntil: undefined,
    ...overrides,
  };
}
