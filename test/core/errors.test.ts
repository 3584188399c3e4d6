import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import * as src from '../../src/index.js';

const require = createRequire(import.meta.url);

describe('error classes', () => {
  it('form one tree rooted at ParityDealsError', () => {
    const e = new src.PermissionDeniedError('no', { status: 403, body: {} });
    for (const cls of [src.ParityDealsError, src.APIError, src.PermissionDeniedError])
      assert.ok(e instanceof cls, cls.name);
    // 403 is a sibling of 401: a valid token lacking a permission is not a wrong token.
    for (const cls of [
      src.AuthenticationError,
      src.NotFoundError,
      src.ServerError,
      src.APIConnectionError,
      src.InvalidRequestError,
    ])
      assert.ok(!(e instanceof cls), cls.name);
    assert.ok(!(new src.AuthenticationError('no', { status: 401, body: {} }) instanceof src.PermissionDeniedError));
    // Nothing was sent, so a ValidationError is no API answer: no status, not an APIError.
    const v = new src.ValidationError('bad', 'email');
    assert.ok(v instanceof src.ParityDealsError && v instanceof Error);
    assert.ok(!(v instanceof src.APIError) && !(v instanceof src.InvalidRequestError));
    assert.equal((v as { status?: number }).status, undefined);
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

  it('print their own names from the built package, in inspect output and stack traces', async () => {
    const esm = await import(new URL('../../dist/index.node.js', import.meta.url).href);
    const cjs = require('../../dist/index.node.cjs');
    for (const build of [esm, cjs]) {
      for (const [name, value] of Object.entries(build)) {
        if (typeof value === 'function' && /^[A-Z]/.test(name)) assert.equal((value as { name: string }).name, name);
      }
      const client = new build.ParityDeals({ accessToken: 'k', logLevel: 'off' });
      assert.match(inspect(client), /^ParityDeals \{/);
      client.close();
      const error = new build.NotFoundError('gone', { status: 404, body: {} });
      assert.match(error.stack ?? '', /^NotFoundError: gone/);
      assert.match(inspect(error), /^NotFoundError: gone/);
    }
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
