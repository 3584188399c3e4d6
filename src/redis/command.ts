/**
 * The one way this SDK talks to a user's Redis client, shared by the entitlement store
 * (`paritydeals-sdk/redis`) and the usage outbox. Typed structurally, so neither Redis package
 * is a dependency: ioredis's `call(command, ...args)` or node-redis's `sendCommand(args)`.
 */
import { ParityDealsError } from '../core/errors.js';

/** ioredis (`new Redis(...)`, v4 and later). */
export interface IoRedisLike {
  /** Sends one command: `call("GET", key)`. */
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** node-redis (`createClient(...)`, v4 and later), connected. */
export interface NodeRedisLike {
  /** Sends one command: `sendCommand(["GET", key])`. */
  sendCommand(args: string[]): Promise<unknown>;
}

/** A Redis client of either package. */
export type RedisLike = IoRedisLike | NodeRedisLike;

/** A function sending one command through `redis`; throws `notAClient` when it is neither kind. */
export function redisCommand(redis: RedisLike, notAClient: string): (args: string[]) => Promise<unknown> {
  // ioredis first: it also has a `sendCommand`, which takes its own Command objects.
  if (typeof (redis as IoRedisLike)?.call === 'function') {
    return ([command, ...args]) => (redis as IoRedisLike).call(command as string, ...args);
  }
  if (typeof (redis as NodeRedisLike)?.sendCommand === 'function') {
    return (args) => (redis as NodeRedisLike).sendCommand(args);
  }
  throw new ParityDealsError(notAClient);
}
