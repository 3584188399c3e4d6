// The admin API under /__emulator/: the Emulator controls over HTTP, for tests whose
// emulator runs in another process (spawnEmulator, the CLI). No auth: it only ever listens
// where the emulator does, loopback by default.
//
//   GET    /__emulator/health                   {ok, url, edgeUrl, apiKey, port}
//   GET    /__emulator/requests                 RecordedRequest[]
//   DELETE /__emulator/requests                 204
//   GET    /__emulator/faults                   {faults}  (times = what is left)
//   PUT    /__emulator/faults   {faults}        {faults}
//   DELETE /__emulator/faults                   204
//   GET    /__emulator/clock                    {now}
//   POST   /__emulator/clock    {advanceMs}     {now}
//   POST   /__emulator/reset                    204
//   GET    /__emulator/state                    EmulatorState
//   POST   /__emulator/seed     SeedState       SeedResult
//   POST   /__emulator/checkout/{id}/complete   {customerId, subscriptionId}

import type { Fault } from './faults.js';
import type { ApiResponse } from './router.js';
import type { Emulator } from './types.js';
import type { SeedState } from './records.js';
import { ErrorAnswer } from './error-answer.js';
import { isPlainObject } from './fields.js';

export interface AdminTarget extends Omit<Emulator, 'completeCheckout'> {
  faultList(): Fault[];
  completeCheckoutNow(id: string): { customerId: string; subscriptionId: string };
}

export function handleAdmin(emu: AdminTarget, method: string, path: string, rawBody: string): ApiResponse {
  try {
    return route(emu, method, path.replace(/\/+$/, ''), rawBody);
  } catch (err) {
    if (err instanceof ErrorAnswer) return { status: err.status, body: err.body };
    return { status: 400, body: { detail: err instanceof Error ? err.message : String(err) } };
  }
}

function route(emu: AdminTarget, method: string, path: string, rawBody: string): ApiResponse {
  const body = () => {
    if (rawBody.trim() === '') return {};
    try {
      return JSON.parse(rawBody) as unknown;
    } catch (err) {
      throw new ErrorAnswer(400, { detail: `JSON parse error - ${(err as Error).message}` });
    }
  };
  const methods = (table: Record<string, () => ApiResponse>): ApiResponse => {
    const fn = table[method];
    if (!fn)
      return {
        status: 405,
        body: { detail: `Method "${method}" not allowed.` },
        headers: { allow: Object.keys(table).join(', ') },
      };
    return fn();
  };
  const ok = (b: unknown): ApiResponse => ({ status: 200, body: b });
  const none: ApiResponse = { status: 204 };

  const complete = /^\/checkout\/([^/]+)\/complete$/.exec(path);
  if (complete) {
    return methods({ POST: () => ok(emu.completeCheckoutNow(decodeURIComponent(complete[1] as string))) });
  }
  switch (path) {
    case '/health':
      return methods({
        GET: () => ok({ ok: true, url: emu.url, edgeUrl: emu.edgeUrl, apiKey: emu.apiKey, port: emu.port }),
      });
    case '/requests':
      return methods({
        GET: () => ok(emu.requests()),
        DELETE: () => {
          emu.clearRequests();
          return none;
        },
      });
    case '/faults':
      return methods({
        GET: () => ok({ faults: emu.faultList() }),
        PUT: () => {
          const b = body();
          const faults = isPlainObject(b) ? b.faults : undefined;
          if (!Array.isArray(faults)) throw new ErrorAnswer(400, { faults: ['Expected a list of faults.'] });
          emu.setFaults(faults as Fault[]);
          return ok({ faults: emu.faultList() });
        },
        DELETE: () => {
          emu.clearFaults();
          return none;
        },
      });
    case '/clock':
      return methods({
        GET: () => ok({ now: emu.now().toISOString() }),
        POST: () => {
          const b = body();
          const ms = isPlainObject(b) ? b.advanceMs : undefined;
          if (typeof ms !== 'number')
            throw new ErrorAnswer(400, { advanceMs: ['A number of milliseconds >= 0 is required.'] });
          emu.advanceClock(ms);
          return ok({ now: emu.now().toISOString() });
        },
      });
    case '/reset':
      return methods({
        POST: () => {
          emu.reset();
          return none;
        },
      });
    case '/state':
      return methods({ GET: () => ok(emu.state()) });
    case '/seed':
      return methods({
        POST: () => {
          const b = body();
          if (!isPlainObject(b)) throw new ErrorAnswer(400, { detail: 'Expected a SeedState object.' });
          return ok(emu.seed(b as SeedState));
        },
      });
    default:
      return { status: 404, body: { detail: 'Not found.' } };
  }
}
