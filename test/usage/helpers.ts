// What the reporter tests that drive a UsageReporter directly share.
import type { Emulator } from '../../src/testing/index.js';
import type { ReporterConfig } from '../../src/usage/flusher.js';
import { freePort } from '../redis/helpers.js';

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

/** A loopback URL nothing listens on: the API is down, connections are refused. */
export async function deadUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

/** Both base URLs on a dead port: the options need the pair. */
export async function deadHosts(): Promise<{ baseUrl: string; edgeApiUrl: string }> {
  const url = await deadUrl();
  return { baseUrl: url, edgeApiUrl: `${url}/edge` };
}

/** Each customer's meter as the emulator holds it. */
export function meters(emu: Pick<Emulator, 'state'>): Record<string, number> {
  return Object.fromEntries(emu.state().usage.map((u) => [u.customerId, u.value]));
}
