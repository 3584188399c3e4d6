// The same Worker written in CommonJS, loading the SDK by `require` (the bundler turns it into
// a module Worker, as Wrangler does).
const { ParityDeals } = require('paritydeals-sdk');

module.exports = {
  async fetch(request) {
    const { journey } = await import('../shared/journey.mjs');
    const q = new URL(request.url).searchParams;
    const url = q.get('url');
    const client = new ParityDeals({ accessToken: q.get('key'), baseUrl: url, edgeApiUrl: `${url}/edge` });
    try {
      return new Response(await journey(client, url, `workerd-require-${q.get('tag')}`));
    } catch (error) {
      return new Response(String(error?.stack ?? error), { status: 500 });
    }
  },
};
