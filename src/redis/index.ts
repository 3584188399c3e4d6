/**
 * paritydeals-sdk/redis: the entitlement cache's shared store over your own Redis client
 * (ioredis or node-redis), for a fleet of instances that should share one cache.
 */
export { redisStore, type RedisLike, type IoRedisLike, type NodeRedisLike } from './store.js';
export type { EntitlementStore } from '../entitlements/store.js';
