// The behaviour every framework's requireEntitlement must show, run by each framework's test
// file against a real server of that framework and the emulator. A framework file supplies
// `serve`: an app with the given gated routes, each answering `status` with what the
// middleware attached, the customer taken from the `x-customer-id` header.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientOptions, ParityDeals } from '../../src/index.node.js';
import type { GrantedEntitlement, RequireEntitlementOptions } from '../../src/middleware/gate.js';
import { useEmulator } from '../support.js';

export interface Route {
  path: string;
  featureId: string;
  options: Omit<RequireEntitlementOptions<unknown>, 'customerId' | 'client'>;
  /** The handler's status. Default: 200. */
  status?: number;
}

export interface App {
  url: string;
  /** How many times a handler ran (so a refusal can be shown to have stopped the request). */
  handled(): number;
  close(): Promise<void>;
}

/** An app over `client` with the routes; errors from the middleware answer 500 `{ error: name }`. */
export type Serve = (client: ParityDeals, routes: Route[]) => Promise<App>;

/** What a handler answers: the attached entitlement. */
export interface Echo {
  entitlement: GrantedEntitlement | null;
}

const OUTAGE_OPTIONS: ClientOptions = { maxRetries: 0, edgeTimeout: 500 };

export function middlewareScenarios(framework: string, serve: Serve): void {
  const h = useEmulator();
  const edgeRequests = () => h.emu.requests().filter((r) => r.host === 'edge').length;
  const usageReports = () =>
    h.emu
      .requests()
      .filter((r) => r.path.includes('/report/usage'))
      .map((r) => r.body as { customer_id: string; feature_id: string; value: number; behaviour: string });

  async function withApp<T>(client: ParityDeals, routes: Route[], body: (get: Getter) => Promise<T>): Promise<T> {
    const app = await serve(client, routes);
    try {
      return await body(Object.assign(getter(app.url), { handled: app.handled }));
    } finally {
      await app.close();
    }
  }

  describe(`requireEntitlement (${framework})`, () => {
    it('lets an entitled customer through with the entitlement attached, one edge request for many', async () => {
      h.emu.seed({ subscriptions: [{ customerId: 'pro', planIdentifier: 'plan-pro-monthly' }] });
      await withApp(h.client, [{ path: '/reports', featureId: 'premium-reporting', options: {} }], async (get) => {
        const first = await get('/reports', 'pro');
        assert.equal(first.status, 200);
        const { entitlement } = first.body as Echo;
        assert.equal(entitlement?.customerId, 'pro');
        assert.equal(entitlement?.featureId, 'premium-reporting');
        assert.equal(entitlement?.source, 'network');
        assert.equal(entitlement?.entitlement?.featureType, 'BOOLEAN');
        assert.equal(entitlement?.entitlement?.hasAccess, true);
        const second = await get('/reports', 'pro');
        assert.equal((second.body as Echo).entitlement?.source, 'cache');
        assert.equal(edgeRequests(), 1, 'the second request was answered by the cache');
        assert.equal(get.handled(), 2);
      });
    });

    it('refuses a customer without the feature with 403 and a JSON body, before the handler', async () => {
      h.emu.seed({
        subscriptions: [{ customerId: 'free', planIdentifier: 'free' }],
        usage: [{ customerId: 'free', featureId: 'api-calls', value: 1000 }],
      });
      const routes = [
        { path: '/reports', featureId: 'premium-reporting', options: {} },
        { path: '/api', featureId: 'api-calls', options: {} },
      ];
      await withApp(h.client, routes, async (get) => {
        const lacking = await get('/reports', 'free');
        assert.equal(lacking.status, 403);
        assert.match(lacking.type, /^application\/json/);
        assert.deepEqual(lacking.body, {
          error: 'not_entitled',
          message: 'This account does not include "premium-reporting", or has used it up.',
          featureId: 'premium-reporting',
        });
        const usedUp = await get('/api', 'free');
        assert.equal(usedUp.status, 403, 'a hard limit reached');
        assert.equal(get.handled(), 0);
      });
    });

    it('401 without a customer, 403 for a customer ParityDeals does not know, 500 via the app for a bad key', async () => {
      await withApp(h.client, [{ path: '/reports', featureId: 'premium-reporting', options: {} }], async (get) => {
        const anonymous = await get('/reports', undefined);
        assert.equal(anonymous.status, 401);
        assert.equal((anonymous.body as { error: string }).error, 'no_customer');
        const unknown = await get('/reports', 'nobody');
        assert.equal(unknown.status, 403);
        assert.equal((unknown.body as { error: string }).error, 'unknown_customer');
      });
      const badKey = h.clientWith({ accessToken: 'not-the-key' });
      await withApp(badKey, [{ path: '/reports', featureId: 'premium-reporting', options: {} }], async (get) => {
        const failed = await get('/reports', 'pro');
        assert.equal(failed.status, 500);
        assert.deepEqual(failed.body, { error: 'AuthenticationError' }, 'handed to the app, not a 403');
        assert.equal(get.handled(), 0);
      });
    });

    it('when ParityDeals is unreachable: the fallback, fail open or fail closed, as configured', async () => {
      h.emu.seed({ subscriptions: [{ customerId: 'pro', planIdentifier: 'plan-pro-monthly' }] });
      h.emu.setFaults([{ type: 'status', status: 503, path: '/entitlements' }]);
      const plain = h.clientWith(OUTAGE_OPTIONS);
      const withFallback = h.clientWith({ ...OUTAGE_OPTIONS, fallback: { 'premium-reporting': true } });
      const feature = 'premium-reporting';
      await withApp(
        plain,
        [
          { path: '/fallback', featureId: feature, options: {} },
          { path: '/open', featureId: feature, options: { whenUnavailable: 'open' } },
          { path: '/closed', featureId: feature, options: { whenUnavailable: 'closed' } },
        ],
        async (get) => {
          const none = await get('/fallback', 'pro');
          assert.equal(none.status, 503, 'no fallback configured for the feature');
          assert.equal((none.body as { error: string }).error, 'unavailable');
          const open = await get('/open', 'pro');
          assert.equal(open.status, 200);
          assert.deepEqual(
            {
              entitlement: (open.body as Echo).entitlement?.entitlement,
              source: (open.body as Echo).entitlement?.source,
            },
            { entitlement: null, source: 'fallback' },
          );
          const closed = await get('/closed', 'pro');
          assert.equal(closed.status, 503);
          assert.equal(get.handled(), 1);
        },
      );
      await withApp(withFallback, [{ path: '/fallback', featureId: feature, options: {} }], async (get) => {
        assert.equal((await get('/fallback', 'pro')).status, 200, "the client's fallback for the feature");
      });
      // A customer known before the outage is answered from what was known, even fail-closed.
      h.emu.clearFaults();
      const known = h.clientWith({ ...OUTAGE_OPTIONS, cache: { ttl: 1 } });
      await known.entitlements.hasAccess({ customerId: 'pro', featureId: feature });
      h.emu.setFaults([{ type: 'status', status: 503, path: '/entitlements' }]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const closed = [{ path: '/closed', featureId: feature, options: { whenUnavailable: 'closed' as const } }];
      await withApp(known, closed, async (get) => {
        const answer = await get('/closed', 'pro');
        assert.equal(answer.status, 200);
        assert.equal((answer.body as Echo).entitlement?.entitlement?.featureId, feature);
      });
    });

    it('meters a DELTA per let-through request whose response succeeded, sent by the buffered reporter', async () => {
      h.emu.seed({
        subscriptions: [
          { customerId: 'pro', planIdentifier: 'plan-pro-monthly' },
          { customerId: 'free', planIdentifier: 'free' },
        ],
      });
      const routes: Route[] = [
        { path: '/api', featureId: 'api-calls', options: { meter: true } },
        { path: '/api/fail', featureId: 'api-calls', options: { meter: true }, status: 500 },
        {
          path: '/bulk',
          featureId: 'premium-reporting',
          options: { meter: { featureId: 'api-calls', value: () => 5 } },
        },
        { path: '/reports', featureId: 'premium-reporting', options: { meter: true } },
      ];
      await withApp(h.client, routes, async (get) => {
        for (let i = 0; i < 3; i++) assert.equal((await get('/api', 'pro')).status, 200);
        assert.equal((await get('/api/fail', 'pro')).status, 500, 'not billed');
        assert.equal((await get('/bulk', 'pro')).status, 200);
        assert.equal((await get('/reports', 'free')).status, 403, 'refused: not billed');
        await h.client.reporting.flush();
      });
      const reports = usageReports();
      assert.ok(reports.length >= 1);
      assert.ok(reports.every((r) => r.behaviour === 'DELTA'));
      assert.deepEqual(
        Object.fromEntries(
          ['pro', 'free'].flatMap((c) =>
            ['api-calls', 'premium-reporting'].map((f) => [
              `${c}/${f}`,
              reports.filter((r) => r.customer_id === c && r.feature_id === f).reduce((s, r) => s + r.value, 0),
            ]),
          ),
        ),
        { 'pro/api-calls': 8, 'pro/premium-reporting': 0, 'free/api-calls': 0, 'free/premium-reporting': 0 },
      );
    });

    it('the metered request that uses up a hard limit refuses the next one, with no request', async () => {
      h.emu.seed({
        subscriptions: [{ customerId: 'free', planIdentifier: 'free' }],
        usage: [{ customerId: 'free', featureId: 'api-calls', value: 998 }],
      });
      await withApp(h.client, [{ path: '/api', featureId: 'api-calls', options: { meter: true } }], async (get) => {
        assert.equal((await get('/api', 'free')).status, 200);
        assert.equal((await get('/api', 'free')).status, 200);
        const refused = await get('/api', 'free');
        assert.equal(refused.status, 403);
        assert.equal(edgeRequests(), 1, 'the recorded usage moved the cached meter');
      });
    });

    it('refuses bad options when the middleware is made, naming the option', async () => {
      await assert.rejects(
        serve(h.client, [{ path: '/x', featureId: '', options: {} }]),
        /requireEntitlement: featureId must be a non-empty string, got ""/,
      );
      await assert.rejects(
        serve(h.client, [{ path: '/x', featureId: 'f', options: { whenUnavailable: 'sometimes' as 'open' } }]),
        /whenUnavailable must be one of fallback, open, closed, got "sometimes"/,
      );
      await assert.rejects(
        serve(h.client, [{ path: '/x', featureId: 'f', options: { meter: { value: 1.5 } } }]),
        /meter.value must be a non-zero integer, got 1.5/,
      );
    });

    it('with the cache off, one gated request costs one edge read (one budget), not two', async () => {
      h.emu.seed({ subscriptions: [{ customerId: 'pro', planIdentifier: 'plan-pro-monthly' }] });
      const uncached = h.clientWith({ cache: false });
      await withApp(uncached, [{ path: '/reports', featureId: 'premium-reporting', options: {} }], async (get) => {
        const answer = await get('/reports', 'pro');
        assert.equal(answer.status, 200);
        assert.equal((answer.body as Echo).entitlement?.entitlement?.featureId, 'premium-reporting');
        assert.equal(edgeRequests(), 1, 'hasAccess and the entitlement behind it come from one read');
      });
    });

    it('a refusal keeps the customer only for deniedTtl, so one who has just paid is let in soon', async () => {
      // Every feature the free plan holds grants: only asking for one it lacks makes it a denial.
      h.emu.seed({ subscriptions: [{ customerId: 'free', planIdentifier: 'free' }] });
      const client = h.clientWith({ cache: { ttl: 60_000, deniedTtl: 1 } });
      await withApp(client, [{ path: '/reports', featureId: 'premium-reporting', options: {} }], async (get) => {
        assert.equal((await get('/reports', 'free')).status, 403);
        await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal((await get('/reports', 'free')).status, 403);
        assert.equal(edgeRequests(), 2, 'asked again after deniedTtl, not after ttl');
      });
    });

    it('gives onDenied the failure behind every `unavailable`, fail-closed and fallback-denied too', async () => {
      h.emu.seed({ subscriptions: [{ customerId: 'pro', planIdentifier: 'plan-pro-monthly' }] });
      h.emu.setFaults([{ type: 'status', status: 503, path: '/entitlements' }]);
      const denials: Array<{ path: string; reason: string; error: unknown }> = [];
      const capture = (path: string) => (d: { reason: string; error?: Error | undefined }) => {
        denials.push({ path, reason: d.reason, error: d.error });
        return { status: 503, body: { error: d.reason } };
      };
      const client = h.clientWith({ ...OUTAGE_OPTIONS, fallback: { 'advanced-analytics': false } });
      const routes: Route[] = [
        { path: '/fallback', featureId: 'premium-reporting', options: { onDenied: capture('/fallback') } },
        {
          path: '/closed',
          featureId: 'premium-reporting',
          options: { whenUnavailable: 'closed', onDenied: capture('/closed') },
        },
        { path: '/denied', featureId: 'advanced-analytics', options: { onDenied: capture('/denied') } },
      ];
      await withApp(client, routes, async (get) => {
        for (const r of routes) assert.equal((await get(r.path, 'pro')).status, 503);
      });
      assert.deepEqual(
        denials.map((d) => [
          d.path,
          d.reason,
          d.error instanceof Error ? (d.error as { status?: number }).status : d.error,
        ]),
        [
          ['/fallback', 'unavailable', 503],
          ['/closed', 'unavailable', 503],
          ['/denied', 'unavailable', 503],
        ],
      );
    });

    it('answers with the app’s own refusal when onDenied is given', async () => {
      h.emu.seed({ subscriptions: [{ customerId: 'free', planIdentifier: 'free' }] });
      const onDenied = (d: { reason: string; featureId: string }) => ({
        status: 402,
        body: { upgrade: `/pricing?feature=${d.featureId}`, reason: d.reason },
      });
      await withApp(
        h.client,
        [{ path: '/reports', featureId: 'premium-reporting', options: { onDenied } }],
        async (get) => {
          const denied = await get('/reports', 'free');
          assert.equal(denied.status, 402);
          assert.deepEqual(denied.body, { upgrade: '/pricing?feature=premium-reporting', reason: 'not_entitled' });
        },
      );
    });
  });
}

interface Answer {
  status: number;
  type: string;
  body: unknown;
}
type Getter = ((path: string, customerId: string | undefined) => Promise<Answer>) & { handled(): number };

function getter(url: string) {
  return async (path: string, customerId: string | undefined): Promise<Answer> => {
    const res = await fetch(`${url}${path}`, {
      headers: customerId === undefined ? {} : { 'x-customer-id': customerId },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: text ? JSON.parse(text) : undefined,
    };
  };
}
