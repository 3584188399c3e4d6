/**
 * The transport of the Node entry (Node, Bun, Deno), in one place for the async client, the sync
 * client's worker and the sync client's background work. Node-only: the edge entry never loads it.
 */
import { fetchTransport } from './fetch-transport.js';
import { nodeTransport } from './node-transport.js';
import type { TransportHandle } from './transport.js';

export function runtimeTransport(): TransportHandle {
  // Bun and Deno implement node:http on top of their own fetch; there fetch is the shorter path.
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  return g.Bun || g.Deno ? { transport: fetchTransport() } : nodeTransport();
}
