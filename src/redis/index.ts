/**
 * paritydeals-sdk/redis: the entitlement cache's shared store over your own Redis client
 * (ioredis or node-redis), for a fleet of instances that should share one cache.
 */
export { redisStore } from './store.js';
export type { RedisLike, IoRedisLike, NodeRedisLike } from './command.js';
export type { EntitlementStore } from '../entitlements/store.js';
