// The built middleware subpaths as a user's bundler sees them: none loads its framework (an
// optional peer, whose types alone are imported), and paritydeals-sdk/hono builds for browsers
// and workers with no Node built-in, as the edge runtimes Hono serves need.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundle } from '../bundle.js';

const inputsOf = (code: string, platform: 'node' | 'browser' | 'neutral', conditions: string[] = []) =>
  bundle(code, { platform, conditions, mainFields: ['module', 'main'] });

describe('middleware subpaths', () => {
  for (const framework of ['express', 'fastify', 'hono']) {
    for (const how of ['import', 'require']) {
      it(`paritydeals-sdk/${framework} (${how}) bundles without ${framework} or any other package`, async () => {
        const code =
          how === 'import'
            ? `export * from 'paritydeals-sdk/${framework}';`
            : `module.exports = require('paritydeals-sdk/${framework}');`;
        const { inputs } = await inputsOf(code, 'node', [how]);
        assert.ok(
          inputs.some((f) => f.includes(`dist/${framework}/index.`)),
          inputs.join(', '),
        );
        assert.deepEqual(
          inputs.filter((f) => f.includes('node_modules/')),
          [],
        );
      });
    }
  }

  for (const platform of ['browser', 'neutral'] as const) {
    it(`paritydeals-sdk/hono bundles for ${platform} with no Node built-in`, async () => {
      const { inputs, text } = await inputsOf(`export * from 'paritydeals-sdk/hono';`, platform, ['workerd', 'import']);
      assert.ok(!inputs.some((f) => /index\.node|sync|testing/.test(f)), inputs.join(', '));
      assert.doesNotMatch(text, /(?:^|[^\w.])(?:__)?require\(\s*["'`]|import\.meta/m);
    });
  }
});
