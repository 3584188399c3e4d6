import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParityDealsError } from '../../src/index.js';
import { rejected } from '../expect.js';
import { useEmulator } from '../support.js';

const h = useEmulator();

describe('pages', () => {
  it('getNextPage() on the last page rejects with a ParityDealsError that says what to check, sending nothing', async () => {
    h.emu.seed({ customers: [{ customerId: 'only' }] });
    const page = await h.client.customers.list();
    assert.equal(page.hasNextPage(), false);
    h.emu.clearRequests();
    const error = await rejected(() => page.getNextPage());
    assert.ok(error instanceof ParityDealsError, String(error));
    assert.match(error.message, /last page: check hasNextPage\(\) first/);
    assert.deepEqual(h.emu.requests(), []);
  });
});
