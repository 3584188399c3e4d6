// Shared test setup: one emulator per test file on loopback, a client pointed at it.
import { after, before, beforeEach } from 'node:test';
import { type ClientOptions, ParityDeals } from '../src/index.node.js';
import { type Emulator, startEmulator } from '../src/testing/index.js';

export interface Harness {
  emu: Emulator;
  client: ParityDeals;
  /** A client with other options, closed with the harness. */
  clientWith(options: ClientOptions): ParityDeals;
}

/**
 * Starts an emulator before the file's tests, resets it before each test, and closes it after.
 * The returned object is filled in by `before`, so read its fields inside tests only.
 */
export function useEmulator(options: ClientOptions = {}): Harness {
  const clients: ParityDeals[] = [];
  const harness = {
    clientWith(extra: ClientOptions) {
      const c = new ParityDeals({
        accessToken: harness.emu.apiKey,
        baseUrl: harness.emu.url,
        edgeApiUrl: harness.emu.edgeUrl,
        // Tests that provoke retries would print warnings; those that check logs pass a logger.
        ...(extra.logger ? {} : { logLevel: 'off' as const }),
        ...extra,
      });
      clients.push(c);
      return c;
    },
  } as Harness;
  before(async () => {
    harness.emu = await startEmulator();
    harness.client = harness.clientWith(options);
  });
  beforeEach(() => {
    harness.emu.reset();
    // The emulator forgot everything: so must the clients' entitlement caches.
    for (const c of clients) c.entitlements.invalidate();
  });
  after(async () => {
    for (const c of clients) c.close();
    await harness.emu.close();
  });
  return harness;
}
