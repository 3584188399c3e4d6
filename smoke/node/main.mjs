// Node, ESM: the main entry and every subpath by `import`, then both clients' calls.
// argv: emulator url, api key, a tag for customer ids.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ParityDeals } from 'paritydeals-sdk';
import { SyncParityDeals } from 'paritydeals-sdk/sync';
import { journey } from '../shared/journey.mjs';

const [url, key, tag] = process.argv.slice(2);
const manifest = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('paritydeals-sdk/package.json'), 'utf8'),
);
for (const subpath of Object.keys(manifest.exports).filter((p) => p !== './package.json')) {
  const mod = await import(`paritydeals-sdk${subpath.slice(1)}`);
  if (Object.keys(mod).length === 0) throw new Error(`import('paritydeals-sdk${subpath.slice(1)}') is empty`);
}
const options = { accessToken: key, baseUrl: url, edgeApiUrl: `${url}/edge`, logLevel: 'warn' };
const client = new ParityDeals(options);
console.log(await journey(client, url, `node-esm-async-${tag}`));
client.close();
const sync = new SyncParityDeals(options);
console.log(await journey(sync, url, `node-esm-sync-${tag}`));
sync.close();
