// The README's code as a user copies it: every ```ts block type-checks in a strict app against
// the built package, and the quickstart runs against the emulator as shown, twice.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Consumer, consumer, root } from './consumer.js';
import { useEmulator } from './support.js';

const h = useEmulator();
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The README's code blocks of one language, in order. */
function blocks(lang: string): string[] {
  return [...readme.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1] as string);
}

/**
 * Names some blocks use without making them, as the prose around them says: `client` (an async
 * client) and `emu` (an emulator). Blocks that make their own shadow these.
 */
const GLOBALS = `import type { ParityDeals } from 'paritydeals-sdk';
import type { Emulator } from 'paritydeals-sdk/testing';
declare global {
  const client: ParityDeals;
  const emu: Emulator;
}
export {};
`;

describe('README code', () => {
  let project: Consumer;
  before(() => {
    project = consumer(['express', 'fastify', 'hono']);
  });
  after(() => project.remove());

  it('every ts block type-checks in a strict app (exactOptionalPropertyTypes) against the package', async () => {
    const ts = blocks('ts');
    assert.ok(ts.length >= 5, `found ${ts.length} ts blocks`);
    const files: Record<string, string> = { 'globals.d.ts': GLOBALS };
    // `export {}` makes each block a module of its own, as a file of the user's would be.
    ts.forEach((code, i) => {
      files[`block-${i + 1}.ts`] = `${code}\nexport {};\n`;
    });
    project.write(files);
    const errors = await project.typecheck();
    assert.equal(errors, '', `README blocks fail to type-check:\n${errors}\n(block-N is the Nth \`\`\`ts block)`);
  });

  it('the quickstart runs against the emulator as shown, and again (it is idempotent)', {
    timeout: 60_000,
  }, async () => {
    const [quickstart] = blocks('ts');
    assert.match(quickstart ?? '', /createAsyncClient/);
    project.write({ 'quickstart.ts': quickstart as string });
    const env = {
      PARITYDEALS_ACCESS_TOKEN: h.emu.apiKey,
      PARITYDEALS_BASE_URL: h.emu.url,
      PARITYDEALS_EDGE_API_URL: h.emu.edgeUrl,
    };
    await project.run('quickstart.ts', env);
    const [session] = h.emu.state().checkoutSessions;
    assert.ok(session, 'the quickstart made a checkout session');
    // The customer pays between the runs, so the second run finds a subscription to cancel.
    await h.emu.completeCheckout(session.id);
    await project.run('quickstart.ts', env);
    const sent = h.emu.requests().map((r) => `${r.method} ${r.path}`);
    assert.equal(sent.filter((r) => r === 'POST /api/v1/customers/').length, 1, 'the customer is created once');
    assert.equal(
      sent.filter((r) => /^POST \/api\/v1\/subscriptions\/.+\/cancel\/$/.test(r)).length,
      1,
      'cancelled once',
    );
    assert.equal(sent.filter((r) => r === 'POST /api/v1/report/usage/').length, 2, 'usage reported on each run');
  });

  it('every json block parses', () => {
    for (const json of blocks('json')) assert.doesNotThrow(() => JSON.parse(json), json);
  });
});
