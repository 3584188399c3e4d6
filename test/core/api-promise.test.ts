// APIPromise.known: the settled promise a cache hit answers with. `await` reads it through the
// engine's fast path (its own constructor property is Promise), so it must hold the data itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APIPromise } from '../../src/core/api-promise.js';

describe('APIPromise.known', () => {
  it('awaits to its data, is still an APIPromise, and describes its response only when asked', async () => {
    let described = 0;
    const p = APIPromise.known({ ok: true }, () => {
      described++;
      return { status: 200, headers: {}, requestId: 'r1', attempts: 0, method: 'GET', url: 'u', source: 'cache' };
    });
    assert.ok(p instanceof APIPromise && p instanceof Promise);
    assert.deepEqual(await p, { ok: true });
    assert.deepEqual(await p.then((v) => v.ok), true);
    assert.equal(await p.finally(() => {}).then((v) => v.ok), true);
    assert.equal(described, 0);
    const { data, response } = await p.withResponse();
    assert.deepEqual(data, { ok: true });
    assert.equal(response.source, 'cache');
    assert.equal(described, 1);
  });

  it('an ordinary APIPromise still awaits to the data of its response, not its own state', async () => {
    const p = new APIPromise(Promise.resolve({ data: 42, response: {} as never }));
    assert.equal(await p, 42);
    assert.equal(p.constructor, APIPromise);
  });
});
