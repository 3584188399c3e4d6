/**
 * The entry for runtimes with Node's built-ins (Node, Bun, Deno): the same surface as
 * index.ts, with a client whose default transport is `node:http` on Node.
 */
import { ParityDeals as BaseClient, type TransportHandle } from './client.js';
import { fetchTransport } from './core/fetch-transport.js';
import { nodeTransport } from './core/node-transport.js';

export * from './index.js';

/** @inheritDoc */
export class ParityDeals extends BaseClient {
  protected static override defaultTransport(): TransportHandle {
    // Bun and Deno implement node:http on top of their own fetch; there fetch is the shorter path.
    const g = globalThis as { Bun?: unknown; Deno?: unknown };
    return g.Bun || g.Deno ? { transport: fetchTransport() } : nodeTransport();
  }
}
