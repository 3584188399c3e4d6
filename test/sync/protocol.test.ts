// Errors crossing the thread boundary: every SDK error class survives the trip as itself, with
// its fields and its cause chain (codes kept, as the pipeline scrubbed them).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  InvalidRequestError,
  NotFoundError,
  ParityDealsError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  ValidationError,
} from '../../src/index.node.js';
import { fromWire, toWire } from '../../src/sync/protocol.js';

/** Through structured clone, as over a MessagePort. */
const cross = (error: unknown) => fromWire(structuredClone(toWire(error)));

const init = {
  status: 418,
  body: { detail: 'teapot' },
  headers: { 'x-request-id': 'rq_1', 'retry-after': '3' },
  requestId: 'rq_1',
  method: 'POST',
  url: 'http://h/api/v1/x/',
  outcomeUnknown: true,
};

it('API errors keep class and fields', () => {
  for (const Class of [
    APIError,
    InvalidRequestError,
    AuthenticationError,
    PermissionDeniedError,
    NotFoundError,
    RateLimitError,
    ServerError,
  ]) {
    const original = new Class('failed: teapot', init);
    const copy = cross(original);
    assert.equal(copy.constructor, Class);
    assert.ok(copy instanceof Class && copy instanceof APIError && copy instanceof ParityDealsError);
    assert.deepEqual(copy.toJSON(), original.toJSON());
  }
  assert.equal((cross(new RateLimitError('slow down', init)) as RateLimitError).retryAfter, 3);
});

it('connection errors keep class, fields and a scrubbed cause chain', () => {
  const root = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
    code: 'ECONNREFUSED',
    syscall: 'connect',
  });
  for (const Class of [APIConnectionError, APIConnectionTimeoutError, APIUserAbortError]) {
    const original = new Class('no answer', {
      method: 'GET',
      url: 'http://h/',
      outcomeUnknown: false,
      cause: new Error('outer', { cause: root }),
    });
    const copy = cross(original) as APIConnectionError;
    assert.equal(copy.constructor, Class);
    assert.deepEqual(copy.toJSON(), original.toJSON());
    const inner = (copy.cause as Error).cause as Error & { code?: string; syscall?: string };
    assert.equal(inner.message, root.message);
    assert.equal(inner.code, 'ECONNREFUSED');
    assert.equal(inner.syscall, 'connect');
  }
});

it('ValidationError keeps param; ParityDealsError and foreign errors keep their text', () => {
  const v = cross(new ValidationError('customers.create: email must be...', 'email'));
  assert.ok(v instanceof ValidationError);
  assert.equal((v as ValidationError).param, 'email');
  assert.ok(!(v instanceof APIError), 'nothing was sent, so no API answer');
  const p = cross(new ParityDealsError('plain'));
  assert.equal(p.constructor, ParityDealsError);
  const t = cross(new TypeError('Converting circular structure to JSON'));
  assert.equal(t.name, 'TypeError');
  assert.equal(t.message, 'Converting circular structure to JSON');
  assert.equal(cross('a string').message, 'a string');
});
