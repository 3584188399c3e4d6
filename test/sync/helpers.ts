// Shared set-up of the sync client tests: the emulator runs in a child process (the sync client
// blocks this thread, so nothing in it could answer HTTP), with one async and one sync client.
import { after, before } from 'node:test';
import type { RecordedRequest } from '../../src/testing/index.js';
import { spawnEmulator, type RemoteEmulator } from '../../src/testing/index.js';
import { ParityDeals, type ClientOptions } from '../../src/index.node.js';
import type { SyncParityDeals } from '../../src/sync/index.js';

export interface Rig {
  emu: RemoteEmulator;
  options: ClientOptions;
  async: ParityDeals;
  sync: SyncParityDeals;
  close(): Promise<void>;
}

/** Quiet by default: the tests that look at log lines pass their own logger. */
export async function rig(extra: ClientOptions = {}): Promise<Rig> {
  const emu = await spawnEmulator({ now: Date.UTC(2025, 0, 1) });
  const options: ClientOptions = {
    accessToken: emu.apiKey,
    baseUrl: emu.url,
    edgeApiUrl: emu.edgeUrl,
    logLevel: 'off',
    ...extra,
  };
  const async = ParityDeals.createAsyncClient(options);
  const sync = ParityDeals.createSyncClient(options);
  return {
    emu,
    options,
    async,
    sync,
    async close() {
      sync.close();
      async.close();
      await emu.close();
    },
  };
}

/**
 * A rig for the tests of one `describe`: started before them, closed after. The returned object
 * is filled in by `before`, so read its fields inside hooks and tests only.
 */
export function useRig(extra: ClientOptions = {}): Rig {
  const holder = {} as Rig;
  before(async () => {
    Object.assign(holder, await rig(extra));
  });
  after(() => holder.close());
  return holder;
}

/** What the server saw of a request, without what legitimately differs between two sends. */
export function seen(r: RecordedRequest) {
  const {
    authorization,
    accept,
    'content-type': contentType,
    'user-agent': userAgent,
    'x-retry-count': retry,
  } = r.headers;
  return {
    method: r.method,
    host: r.host,
    path: r.path,
    query: r.query,
    body: r.body,
    headers: { authorization, accept, contentType, userAgent, retry },
  };
}

/** Replaces values the server makes afresh each time (ids, timestamps) by their type. */
export function stable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v) =>
    [
      'id',
      'createdOn',
      'modifiedOn',
      'checkoutSessionId',
      'checkoutUrl',
      'receivedAt',
      'currentPeriodStart',
      'currentPeriodEnd',
      'idempotencyKey',
      'timestamp',
    ].includes(key)
      ? typeof v
      : v,
  );
}

/** The fields an SDK error carries, to compare an async and a sync error. */
export function errorFields(error: unknown) {
  const e = error as Record<string, unknown> & Error;
  const { headers: _headers, ...fields } = e.toJSON
    ? (e as unknown as { toJSON(): Record<string, unknown> }).toJSON()
    : { ...e };
  // The request id is the server's, fresh per request: compare that both have one or neither.
  return { ...fields, requestId: typeof fields.requestId, class: e.constructor.name };
}
