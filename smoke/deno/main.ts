// Deno, with the permission a user gives an API client (network, to the emulator's host only):
// both clients' calls. The sync client's worker is embedded in the package, so no --allow-read.
// With `--expect-denied` it runs without --allow-net and checks the SDK's error names the flag.
// args: emulator url, api key, a tag for customer ids, [--expect-denied].
import { ParityDeals, ParityDealsError } from 'paritydeals-sdk';
import { journey } from '../shared/journey.mjs';

const [url, key, tag, mode] = Deno.args as [string, string, string, string | undefined];
const options = { accessToken: key, baseUrl: url, edgeApiUrl: `${url}/edge`, logLevel: 'off' as const };

if (mode === '--expect-denied') {
  for (const client of [ParityDeals.createAsyncClient(options), ParityDeals.createSyncClient(options)]) {
    const error = await Promise.resolve()
      .then(() => client.customers.retrieve({ customerId: 'nobody' }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    if (!(error instanceof ParityDealsError) || !/--allow-net=127\.0\.0\.1:\d+/.test(error.message))
      throw new Error(`expected the SDK to name --allow-net, got: ${error}`);
    console.log(`denied as expected: ${error.message}`);
    client.close();
  }
} else {
  const client = ParityDeals.createAsyncClient(options);
  console.log(await journey(client, url, `deno-async-${tag}`));
  const sync = ParityDeals.createSyncClient(options);
  console.log(await journey(sync, url, `deno-sync-${tag}`));
  sync.close();
  console.log(`deno ${Deno.version.deno}`);
}
