// Bun, running TypeScript as it does: both clients' calls, the sync one on Bun's worker threads.
// argv: emulator url, api key, a tag for customer ids.
import { ParityDeals, ParityDealsError } from 'paritydeals-sdk';
import { journey } from '../shared/journey.mjs';

const [url, key, tag] = process.argv.slice(2) as [string, string, string];
const options = { accessToken: key, baseUrl: url, edgeApiUrl: `${url}/edge` };
const client = ParityDeals.createAsyncClient(options);
console.log(await journey(client, url, `bun-async-${tag}`));
const sync = ParityDeals.createSyncClient(options);
console.log(await journey(sync, url, `bun-sync-${tag}`));
sync.close();
// CommonJS loading too, through Bun's require.
const required = require('paritydeals-sdk') as typeof import('paritydeals-sdk');
if (!(new required.NotFoundError('x', { status: 404, body: {} }) instanceof ParityDealsError))
  throw new Error('require and import disagree on error classes');
console.log(`bun ${Bun.version}: import and require`);
