// A Cloudflare Worker (module syntax) that loads the SDK by `import`: each request runs the
// calls against the emulator named in its query (?url=&key=&tag=) and answers the summary.
import { ParityDeals } from 'paritydeals-sdk';
import { journey } from '../shared/journey.mjs';

export default {
  async fetch(request) {
    const q = new URL(request.url).searchParams;
    const url = q.get('url');
    const client = new ParityDeals({ accessToken: q.get('key'), baseUrl: url, edgeApiUrl: `${url}/edge` });
    try {
      return new Response(await journey(client, url, `workerd-import-${q.get('tag')}`));
    } catch (error) {
      return new Response(String(error?.stack ?? error), { status: 500 });
    }
  },
};
