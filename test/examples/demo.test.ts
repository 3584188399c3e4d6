import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('npm run demo', () => {
  it('walks both clients through the whole life of a customer', { timeout: 60_000 }, async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], { timeout: 60_000 });
    for (const client of ['Asynchronous client', 'Synchronous client']) {
      const part = stdout.slice(stdout.indexOf(client));
      const access = [...part.matchAll(/api-calls access\?\s+(\w+)/g)].map((m) => m[1]).slice(0, 4);
      assert.deepEqual(
        access,
        ['true', 'false', 'true', 'false'],
        `${client}: access before use, used up, upgraded, cancelled`,
      );
      assert.match(part, /paid\s+303 → https:\/\/example\.com\/welcome\?checkout_session_id=/);
      assert.match(part, /cancelled\s+Subscription cancelled/);
    }
  });
});
