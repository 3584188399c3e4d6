/**
 * The floor every benchmark here compares against: one GET with raw `node:http` and a
 * keep-alive agent, parsing the JSON answer, and nothing else.
 */
import http from 'node:http';

export interface Floor {
  get(): Promise<unknown>;
  close(): void;
}

export function rawKeepAliveGet(port: number, path: string, apiKey: string): Floor {
  const agent = new http.Agent({ keepAlive: true });
  const headers = { authorization: `Bearer ${apiKey}`, accept: 'application/json' };
  return {
    get: () =>
      new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(JSON.parse(body)));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      }),
    close: () => agent.destroy(),
  };
}
