// Where the client thinks it is: a web page must be told apart from every server runtime,
// including those that define some browser globals (Deno, Bun, workerd, Node with jsdom).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isBrowser } from '../../src/internal/env.js';

const page = { window: {}, document: {}, navigator: { userAgent: 'Mozilla/5.0' } };

it('a web page is a browser', () => {
  assert.equal(isBrowser(page), true);
  // A bundler's `process` polyfill has no runtime version.
  assert.equal(isBrowser({ ...page, process: { env: {}, versions: {} } }), true);
});

it('server runtimes and workers are not', () => {
  assert.equal(isBrowser(globalThis), false, 'this Node');
  assert.equal(isBrowser({ navigator: { userAgent: 'Cloudflare-Workers' } }), false, 'workerd');
  assert.equal(isBrowser({ Deno: {}, navigator: {} }), false, 'Deno 2');
  assert.equal(isBrowser({ Deno: {}, window: {}, navigator: {} }), false, 'Deno 1 (window, no document)');
  assert.equal(isBrowser({ process: { versions: { bun: '1.2.0' } }, navigator: {} }), false, 'Bun');
  assert.equal(isBrowser({ self: {}, navigator: {} }), false, 'a web worker has no window');
});

it('a DOM emulated inside a server runtime is not a browser', () => {
  assert.equal(isBrowser({ ...page, process: { versions: { node: '20.0.0' } } }), false, 'jsdom on Node');
  assert.equal(isBrowser({ ...page, process: { versions: { bun: '1.2.0' } } }), false, 'happy-dom on Bun');
});
