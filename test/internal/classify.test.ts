import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sdk from '../../src/index.node.js';
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
        if (other === 'AuthenticationError' && expected === 'PermissionDeniedError') continue; // see errors.ts
        assert.ok(!(error instanceof classOf(other)), `${status} must not be an ${other}`);
      }
      assert.equal(h.emu.requests().filter((r) => r.path.includes('/customers/')).length, 1, 'sent once');
    });
  }
});
