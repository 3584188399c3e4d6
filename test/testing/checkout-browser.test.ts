// The hosted checkout page in a real browser: open checkoutUrl, click Pay, land on successUrl,
// and the plan's features show up in the entitlements. Uses Debian's chromium through
// playwright-core. Without chromium the test skips locally but fails on CI (CI installs it).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startEmulator } from '../../src/testing/index.js';
import { call } from './helpers.js';

function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      /* not on PATH */
    }
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

const chromiumPath = findChromium();
const skip =
  !chromiumPath && !process.env.CI
    ? 'chromium is not installed (apt-get install -y chromium); required when CI is set'
    : false;

describe('checkout page in a real browser', () => {
  it('clicking Pay subscribes the customer and redirects to successUrl', { skip, timeout: 60_000 }, async () => {
    assert.ok(chromiumPath, 'chromium must be installed on CI: apt-get install -y chromium');
    const { chromium } = await import('playwright-core');
    const emu = await startEmulator();
    const profile = await mkdtemp(join(tmpdir(), 'pd-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      await call(emu, 'POST', '/customers/', { customerId: 'browser-buyer' });
      const successUrl = `${emu.url}/__emulator/health?from=checkout`;
      const session = await call(emu, 'POST', '/checkout/', {
        planIdentifier: 'premium-plan',
        chargePeriod: 'MONTHLY',
        customerId: 'browser-buyer',
        successUrl,
        features: [{ identifier: 'seats', quantity: 7 }],
      });
      assert.equal(session.status, 201);

      const page = await browser.newPage();
      const response = await page.goto(session.body.checkoutUrl);
      assert.equal(response?.status(), 200);
      assert.equal(await page.textContent('#plan-name'), 'Premium');
      assert.equal(await page.textContent('#pay'), 'Pay');

      await Promise.all([page.waitForURL(/checkout_session_id=/), page.click('#pay')]);
      const landed = new URL(page.url());
      assert.equal(landed.pathname, '/__emulator/health');
      assert.equal(landed.searchParams.get('from'), 'checkout');
      assert.equal(landed.searchParams.get('checkout_session_id'), session.body.checkoutSessionId);

      const ents = await call(emu, 'GET', '/entitlements?customer_id=browser-buyer', undefined, { edge: true });
      assert.deepEqual(
        ents.body.entitlements.map((e: { featureId: string; hasAccess: boolean; usageLimit: number | null }) => [
          e.featureId,
          e.hasAccess,
          e.usageLimit,
        ]),
        [
          ['premium-reporting', true, null],
          ['advanced-analytics', true, null],
          ['api-calls', true, 100000],
          ['seats', true, 7],
          ['storage-gb', true, 200],
        ],
      );
    } finally {
      await browser.close();
      await emu.close();
      await rm(profile, { recursive: true, force: true });
    }
  });
});
