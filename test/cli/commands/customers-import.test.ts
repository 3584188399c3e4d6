// `paritydeals customers import` against the emulator: bounded concurrency, re-runs that create
// nothing twice, a report of the failed rows, and progress as a bar or as plain lines.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { EXIT } from '../../../src/cli/exit.js';
import { useEmulator } from '../../support.js';
import { cli, envFor } from '../support.js';

const h = useEmulator();

async function csv(text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'pd-import-')), 'customers.csv');
  await writeFile(file, text);
  return file;
}

const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => `imp_${i},user${i}@example.com,"User, ${i}",${i % 2 ? 'core' : ''}`).join('\n');

const creates = () => h.emu.requests().filter((r) => r.method === 'POST' && r.path === '/api/v1/customers/');

describe('paritydeals customers import', () => {
  it('creates every row, at most --concurrency at once, with quoted fields and metadata columns', async () => {
    const file = await csv(`\uFEFFcustomerId,email,name,metadata.team\n${rows(8)}\n`);
    const latency = 150;
    h.emu.setFaults([{ type: 'latency', ms: latency, method: 'POST', path: '/customers/' }]);
    const run = await cli(['customers', 'import', file, '--concurrency', '2'], envFor(h.emu));
    assert.equal(run.code, EXIT.ok, run.err);
    assert.deepEqual(run.json(), { rows: 8, created: 8, existing: 0, updated: 0, failed: [] });
    const sent = creates();
    assert.equal(sent.length, 8);
    assert.deepEqual(sent.find((r) => (r.body as { customer_id: string }).customer_id === 'imp_1')?.body, {
      customer_id: 'imp_1',
      email: 'user1@example.com',
      name: 'User, 1',
      metadata: { team: 'core' },
    });
    // With two in flight, the (k+2)th request can start only once one of the first k+1 has
    // been answered, which takes the injected latency.
    const at = sent.map((r) => Date.parse(r.receivedAt)).sort((a, b) => a - b);
    for (let k = 0; k + 2 < at.length; k++) {
      assert.ok((at[k + 2] as number) - (at[k] as number) >= latency - 5, `request ${k + 2} started early: ${at}`);
    }
  });

  it('a second run creates nothing: existing customers are counted, and --update brings them in line', async () => {
    const file = await csv(`customerId,email\nre_1,a@example.com\nre_2,b@example.com\n`);
    const env = envFor(h.emu);
    assert.equal((await cli(['customers', 'import', file], env)).json().created, 2);
    const again = await cli(['customers', 'import', file], env);
    assert.equal(again.code, EXIT.ok);
    assert.deepEqual(again.json(), { rows: 2, created: 0, existing: 2, updated: 0, failed: [] });
    const changed = await csv(`customerId,email\nre_1,new@example.com\nre_3,c@example.com\n`);
    const updated = await cli(['customers', 'import', changed, '--update'], env);
    assert.deepEqual(updated.json(), { rows: 2, created: 1, existing: 0, updated: 1, failed: [] });
    assert.equal((await cli(['customers', 'get', 're_1'], env)).json().email, 'new@example.com');
    const listed = await cli(['customers', 'list', '--all'], env);
    assert.equal(listed.json().count, 3, 'no duplicates');
  });

  it('reports failed rows with their line and goes on; exit 6, and a re-run retries only those', async () => {
    const file = await csv(`customerId,email\nok_1,a@example.com\nbad_1,not-an-email\nok_2,b@example.com\n`);
    const env = envFor(h.emu);
    h.emu.setFaults([{ type: 'status', status: 422, method: 'POST', path: '/customers/', times: 1 }]);
    const run = await cli(['customers', 'import', file, '--concurrency', '1'], env);
    assert.equal(run.code, EXIT.partial, run.err);
    const report = run.json();
    assert.equal(report.created, 1);
    assert.deepEqual(
      report.failed.map((f: { line: number; customerId: string; code: number }) => [f.line, f.customerId, f.code]),
      [
        [2, 'ok_1', EXIT.api],
        [3, 'bad_1', EXIT.usage],
      ],
    );
    assert.match(report.failed[1].error, /email/);
    const again = await cli(['customers', 'import', file], env);
    assert.equal(again.json().created, 1, 'only the row that failed on the server');
    assert.equal(again.json().existing, 1);
  });

  it('on Ctrl+C starts no new row, lets those in flight finish, reports, and exits 130', async () => {
    const file = await csv(`customerId\n${rows(20).replace(/,.*$/gm, '')}\n`);
    h.emu.setFaults([{ type: 'latency', ms: 100, method: 'POST', path: '/customers/' }]);
    const signals = new EventEmitter();
    const running = cli(['customers', 'import', file, '--concurrency', '2'], envFor(h.emu), { signals });
    await new Promise((resolve) => setTimeout(resolve, 150));
    signals.emit('SIGINT');
    const run = await running;
    assert.equal(run.code, EXIT.interrupted);
    const report = run.json();
    assert.ok(report.created >= 2 && report.created < 20, `created ${report.created}`);
    assert.equal(report.created + report.notStarted, 20);
    assert.equal(creates().length, report.created, 'every row sent was counted');
    assert.equal(signals.listenerCount('SIGINT'), 0);
  });

  it('refuses a bad file before sending anything', async () => {
    const env = envFor(h.emu);
    for (const [text, message] of [
      ['email\na@example.com\n', /no customerId column/],
      ['customerId,plan\nc1,pro\n', /unknown column "plan"/],
      ['customerId\nc1\nc1\n', /line 3: customer c1 is also on line 2/],
      ['customerId,email\nc1,"unterminated\n', /not valid CSV/],
    ] as const) {
      const run = await cli(['customers', 'import', await csv(text)], env);
      assert.equal(run.code, EXIT.usage);
      assert.match(run.err, message);
    }
    const missing = await cli(['customers', 'import', '/nonexistent/file.csv'], env);
    assert.equal(missing.code, EXIT.usage);
    assert.equal(h.emu.requests().length, 0);
  });

  it('shows a bar on a terminal and one plain line per row otherwise', async () => {
    const file = await csv(`customerId\n${rows(3).replace(/,.*$/gm, '')}\n`);
    const env = envFor(h.emu);
    const raw: string[] = [];
    const tty = await cli(['customers', 'import', file], env, { stderrIsTTY: true, raw });
    assert.equal(tty.err, '', 'no lines on a terminal');
    assert.match(raw.join(''), /\r\[#{30}\] 3\/3 created 3, existing 0, failed 0/);
    h.emu.reset();
    const plain = await cli(['customers', 'import', file], env);
    assert.deepEqual(plain.err.split('\n').sort(), [
      '1/3 line 2 imp_0: created',
      '2/3 line 3 imp_1: created',
      '3/3 line 4 imp_2: created',
    ]);
  });
});
