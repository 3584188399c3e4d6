import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import * as sdk from '../../src/index.node.js';
import { rejected } from '../expect.js';
import { useEmulator } from '../support.js';

const h = useEmulator({ maxRetries: 0 });

/** Every status the classifier names, the class it must give, and the classes it must not be. */
const TABLE: Array<[number, string]> = [
  [400, 'InvalidRequestError'],
  [401, 'AuthenticationError'],
  [403, 'PermissionDeniedError'],
  [404, 'NotFoundError'],
  [409, 'APIError'],
  [418, 'APIError'],
  [422, 'APIError'],
  [429, 'RateLimitError'],
  [500, 'ServerError'],
  [502, 'ServerError'],
  [503, 'ServerError'],
  [504, 'ServerError'],
];
const SPECIFIC = [
  'InvalidRequestError',
  'AuthenticationError',
  'PermissionDeniedError',
  'NotFoundError',
  'RateLimitError',
  'ServerError',
  'ValidationError',
] as const;
const classOf = (name: string) => (sdk as unknown as Record<string, abstract new (...a: never[]) => Error>)[name]!;

describe('status → error class', () => {
  for (const [status, expected] of TABLE) {
    it(`${status} is ${expected}`, async () => {
      h.emu.setFaults([{ type: 'status', status, path: '/customers/' }]);
      const error = await h.client.customers.retrieve({ customerId: 'c1' }).then(
        () => assert.fail('resolved'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof sdk.APIError, 'an APIError');
      assert.ok(error instanceof classOf(expected), `an ${expected}`);
      assert.equal(error.status, status);
      assert.equal(error.constructor.name, expected);
      // Exactly one specific class holds (403 is not an AuthenticationError, 5xx no other).
      for (const other of SPECIFIC) {
        if (other === expected) continue;
        assert.ok(!(error instanceof classOf(other)), `${status} must not be an ${other}`);
      }
      assert.equal(h.emu.requests().filter((r) => r.path.includes('/customers/')).length, 1, 'sent once');
    });
  }
});

describe('messages that say what to do', () => {
  it('a 401 names the option and the environment variable', async () => {
    const error = await rejected(h.clientWith({ accessToken: 'pd_wrong' }).customers.retrieve({ customerId: 'c1' }));
    assert.ok(error instanceof sdk.AuthenticationError);
    assert.match(error.message, /check the accessToken option or the PARITYDEALS_ACCESS_TOKEN environment variable/);
  });

  it('a web page from something that is not the API is named, not quoted', async () => {
    const page = `<!DOCTYPE html><html><head><title>Welcome to nginx</title></head><body>${'x'.repeat(500)}</body></html>`;
    const server = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end(page));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const client = h.clientWith({ baseUrl: url, edgeApiUrl: url });
      const error = await rejected(client.customers.retrieve({ customerId: 'c1' }));
      assert.ok(error instanceof sdk.NotFoundError);
      assert.doesNotMatch(error.message, /DOCTYPE|nginx|<html/);
      assert.match(
        error.message,
        /an HTML page, not an answer of the ParityDeals API: check that baseUrl and edgeApiUrl/,
      );
      assert.equal(error.body, page, 'the page is still on the error for whoever wants it');
      client.close();
    } finally {
      server.close();
    }
  });

  it('an unknown customer in an entitlement read says so and what to do', async () => {
    const error = await rejected(h.client.entitlements.hasAccess({ customerId: 'ghost', featureId: 'seats' }));
    assert.ok(error instanceof sdk.NotFoundError);
    assert.match(error.message, /No customer has customerId "ghost": create it with customers\.create first/);
    assert.match(error.message, /check edgeApiUrl/);
    const retrieve = await rejected(h.client.customers.retrieve({ customerId: 'ghost' }));
    assert.match((retrieve as Error).message, /No customer has customerId "ghost"/);
  });

  it('after a lost DELTA, the advice names how to check it', async () => {
    h.emu.seed({ subscriptions: [{ customerId: 'd1', planIdentifier: 'free' }] });
    h.emu.setFaults([{ type: 'drop-after-handle', path: '/report/usage/', times: 1 }]);
    const error = await rejected(
      h.client.reporting.reportUsage({ value: 2, customerId: 'd1', featureId: 'api-calls', behaviour: 'DELTA' }),
    );
    assert.ok(error instanceof sdk.ParityDealsError && error.outcomeUnknown);
    assert.match(
      error.message,
      /Check the customer's usage with entitlements\.getEntitlement\(\{ customerId: "d1", featureId: "api-calls" \}\) \(its currentUsage\) or in the ParityDeals dashboard before sending it again\./,
    );
    const cancel = await rejected(() => {
      h.emu.setFaults([{ type: 'drop-after-handle', path: '/cancel/', times: 1 }]);
      const [sub] = h.emu.state().subscriptions;
      return h.client.subscriptions.cancel({ subscriptionId: sub?.id ?? '', cancellationType: 'IMMEDIATE' });
    });
    assert.match(
      (cancel as Error).message,
      /Check its status with subscriptions\.list\(\) or in the ParityDeals dashboard/,
    );
  });
});
