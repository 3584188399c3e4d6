// A web page that uses the SDK, bundled by esbuild and by Vite. The page's server proxies
// everything but the page itself to the emulator, so the API is same-origin. The client must
// refuse to start in a page until dangerouslyAllowBrowser says the risk is accepted.
// Query: ?key=&tag=. The outcome lands in window.smoke for the test driver.
import { ParityDeals, ParityDealsError } from 'paritydeals-sdk';
import { journey } from '../shared/journey.mjs';

async function run() {
  const q = new URLSearchParams(location.search);
  const options = { accessToken: q.get('key'), baseUrl: location.origin, edgeApiUrl: `${location.origin}/edge` };
  let refusal = 'constructed without dangerouslyAllowBrowser';
  try {
    new ParityDeals(options);
  } catch (error) {
    if (error instanceof ParityDealsError && /dangerouslyAllowBrowser/.test(error.message)) refusal = 'refused';
    else refusal = String(error);
  }
  if (refusal !== 'refused') throw new Error(refusal);
  const client = new ParityDeals({ ...options, dangerouslyAllowBrowser: true });
  return `${await journey(client, location.origin, `browser-${q.get('tag')}`)}; refused without dangerouslyAllowBrowser`;
}

run().then(
  (summary) => {
    window.smoke = { ok: true, summary };
  },
  (error) => {
    window.smoke = { ok: false, summary: String(error?.stack ?? error) };
  },
);
