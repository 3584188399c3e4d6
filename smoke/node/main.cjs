// Node, CommonJS: the main entry and every subpath by `require`, then both clients' calls.
// argv: emulator url, api key, a tag for customer ids.
const { ParityDeals } = require('paritydeals-sdk');
const { SyncParityDeals } = require('paritydeals-sdk/sync');

const [url, key, tag] = process.argv.slice(2);
const manifest = require('paritydeals-sdk/package.json');
for (const subpath of Object.keys(manifest.exports).filter((p) => p !== './package.json')) {
  const mod = require(`paritydeals-sdk${subpath.slice(1)}`);
  if (Object.keys(mod).length === 0) throw new Error(`require('paritydeals-sdk${subpath.slice(1)}') is empty`);
}

(async () => {
  const { journey } = await import('../shared/journey.mjs');
  const options = { accessToken: key, baseUrl: url, edgeApiUrl: `${url}/edge`, logLevel: 'warn' };
  const client = new ParityDeals(options);
  console.log(await journey(client, url, `node-cjs-async-${tag}`));
  client.close();
  const sync = new SyncParityDeals(options);
  console.log(await journey(sync, url, `node-cjs-sync-${tag}`));
  sync.close();
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
