/**
 * The entitlement cache's shared store over your own Redis client: every instance of your app
 * reads and fills one copy per customer, so one instance's miss saves the others a request.
 *
 * Typed structurally, so neither Redis package is a dependency of this SDK: any client with
 * ioredis's `call(command, ...args)` or node-redis's `sendCommand(args)` works (a standalone
 * client; for a cluster, pass a client with the same methods that routes by key).
 */
import type { EntitlementStore } from '../entitlements/store.js';
import { type RedisLike, redisCommand } from './command.js';

/**
 * An `EntitlementStore` over a Redis client you created (and connected, for node-redis). Values
 * are JSON strings under `cache.storePrefix` keys, with Redis expiring them (`SET ... PX`).
 *
 * @example
 * import Redis from 'ioredis';
 * import { redisStore } from 'paritydeals-sdk/redis';
 * const client = new ParityDeals({ cache: { store: redisStore(new Redis(process.env.REDIS_URL)) } });
 */
export function redisStore(redis: RedisLike): EntitlementStore {
  const send = redisCommand(
    redis,
    'redisStore needs a Redis client: an ioredis instance (with `call`) or a connected node-redis client (with `sendCommand`).',
  );
  return {
    async get(key) {
      const text = await send(['GET', key]);
      if (text === null || text === undefined) return undefined;
      return JSON.parse(String(text));
    },
    async set(key, value, ttlMs) {
      await send(['SET', key, JSON.stringify(value), 'PX', String(Math.max(1, Math.ceil(ttlMs)))]);
    },
    async delete(key) {
      await send(['DEL', key]);
    },
  };
}
