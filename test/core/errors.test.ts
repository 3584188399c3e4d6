import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import * as src from '../../src/index.js';

const require = createRequire(import.meta.url);

describe('error classes', () => {
  it('form one tree rooted at ParityDealsError', () => {
    const e = new src.PermissionDeniedError('no', { status: 403, body: {} });
    for (const cls of [src.ParityDealsError, src.APIError, src.AuthenticationError, src.PermissionDeniedError])
      assert.ok(e instanceof cls, cls.name);
    for (const cls of [src.NotFoundError, src.ServerError, src.APIConnectionError, src.InvalidRequestError])
      assert.ok(!(e instanceof cls), cls.name);
    const v = new src.ValidationError('bad', 'email');
    assert.ok(v instanceof src.InvalidRequestError && v instanceof src.APIError && v instanceof Error);
    assert.equal(v.status, 400);
    assert.equal(v.param, 'email');
    const t = new src.APIConnectionTimeoutError('slow');
    assert.ok(
      t instanceof src.APIConnectionError && !(t instanceof src.APIUserAbortError) && !(t instanceof src.APIError),
    );
    assert.equal(e.name, 'PermissionDeniedError');
    assert.ok(!(new Error('x') instanceof src.ParityDealsError));
    assert.ok(!((null as unknown) instanceof src.ParityDealsError));
  });

  it('hold instanceof across the ESM and CommonJS builds loaded in one process', async () => {
    const esm = await import(new URL('../../dist/index.node.js', import.meta.url).href);
    const cjs = require('../../dist/index.node.cjs');
    assert.notEqual(esm.NotFoundError, cjs.NotFoundError, 'two copies are loaded');
    const fromCjs = new cjs.NotFoundError('gone', { status: 404, body: {} });
    const fromEsm = new esm.RateLimitError('slow down', { status: 429, body: {} });
    assert.ok(
      fromCjs instanceof esm.NotFoundError &&
        fromCjs instanceof esm.APIError &&
        fromCjs instanceof esm.ParityDealsError,
    );
    assert.ok(fromCjs instanceof src.NotFoundError);
    assert.ok(!(fromCjs instanceof esm.ServerError));
    assert.ok(fromEsm instanceof cjs.RateLimitError && fromEsm instanceof cjs.APIError);
    assert.ok(!(fromEsm instanceof cjs.NotFoundError));
  });

  it('exposes retryAfter on RateLimitError', () => {
    const e = new src.RateLimitError('slow', { status: 429, body: {}, headers: { 'retry-after': '7' } });
    assert.equal(e.retryAfter, 7);
  });

  it('serialise their public fields only', () => {
    const e = new src.APIConnectionError('down', { method: 'GET', url: 'http://x/api', cause: new Error('inner') });
    const json = JSON.parse(JSON.stringify(e));
    assert.deepEqual(json, {
      name: 'APIConnectionError',
      message: 'down',
      outcomeUnknown: false,
      method: 'GET',
      url: 'http://x/api',
    });
    assert.doesNotMatch(inspect(e), /inner/);
  });
});
