// `paritydeals customers import FILE.csv`: customers.create for each row, a few at a time.
//
// Re-running is safe: a row whose customer already exists (create refused, and a read finds it)
// counts as `existing`, not a failure, and with --update is updated to the row instead. A create
// whose outcome is unknown (no answer after sending) is settled the same way: a read says
// whether it happened. Failed rows are listed in the report with their line and error.

import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { APIError, type ParityDeals, ParityDealsError } from '../../index.node.js';
import { type CommandSpec, UsageError } from '../command.js';
import { describeError, EXIT, exitCodeOf } from '../exit.js';
import { integer } from '../flags.js';
import { progress } from '../progress.js';

/**
 * Rows in flight at once by default: enough to hide the round trip, few enough to stay far from
 * the API's rate limits (the client still backs off on a 429).
 */
const DEFAULT_CONCURRENCY = 4;
/** The most --concurrency takes: beyond it requests only queue, or meet rate limits. */
const MAX_CONCURRENCY = 32;

/** A row, as customers.create takes it, with the line it came from (the header is line 1). */
interface Row {
  line: number;
  customerId: string;
  email?: string;
  name?: string;
  metadata?: Record<string, string>;
}

type Outcome = 'created' | 'existing' | 'updated' | 'failed';

interface Failure {
  line: number;
  customerId: string;
  error: string;
  /** The exit code this row alone would have given (3 API, 4 network, 5 unknown, 2 invalid). */
  code: number;
}

const COLUMNS: Record<string, keyof Omit<Row, 'line' | 'metadata'>> = {
  customerid: 'customerId',
  customer_id: 'customerId',
  email: 'email',
  name: 'name',
};

export const customersImport: CommandSpec = {
  path: ['customers', 'import'],
  summary: 'create customers from a CSV file; safe to run again',
  examples: [
    'paritydeals customers import signups.csv',
    'paritydeals customers import signups.csv --concurrency 8 --update > report.json',
    '# signups.csv:  customerId,email,name,metadata.team\n  #               cust_1,ada@example.com,Ada,core',
  ],
  api: true,
  define: (command) =>
    command
      .argument('<file>', 'CSV with a header: customerId (or customer_id), email, name, metadata.<key>...')
      .option(
        '--concurrency <n>',
        `rows in flight at once (default ${DEFAULT_CONCURRENCY})`,
        integer(1, MAX_CONCURRENCY),
        DEFAULT_CONCURRENCY,
      )
      .option('--update', 'update customers that already exist to match their row (default: leave them)'),
  async run(ctx, [file]) {
    const rows = parseRows(await readCsv(file as string));
    const client = ctx.client();
    const update = ctx.options.update === true;
    const counts: Record<Outcome, number> = { created: 0, existing: 0, updated: 0, failed: 0 };
    const failed: Failure[] = [];
    const summary = () =>
      `created ${counts.created}, existing ${counts.existing}${update ? `, updated ${counts.updated}` : ''}, failed ${counts.failed}`;
    const bar = progress(rows.length, ctx.io, ctx.stderrIsTTY);

    // Ctrl+C: start no new row, let those in flight finish, and report what was done.
    let interrupted = false;
    const onInt = () => {
      interrupted = true;
    };
    ctx.signals.on('SIGINT', onInt);
    let next = 0;
    const worker = async () => {
      while (!interrupted && next < rows.length) {
        const row = rows[next++] as Row;
        const result = await importRow(client, row, update);
        counts[result.outcome]++;
        if (result.failure) failed.push(result.failure);
        bar.tick(
          `line ${row.line} ${row.customerId}: ${result.failure ? `failed: ${result.failure.error}` : result.outcome}`,
          summary(),
        );
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(ctx.options.concurrency as number, rows.length) }, worker));
    } finally {
      ctx.signals.off('SIGINT', onInt);
    }
    bar.done(summary());
    failed.sort((a, b) => a.line - b.line);
    const notStarted = rows.length - (counts.created + counts.existing + counts.updated + counts.failed);
    ctx.print({ rows: rows.length, ...counts, ...(interrupted ? { notStarted } : {}), failed });
    if (interrupted) return EXIT.interrupted;
    if (failed.length === 0) return EXIT.ok;
    // One unknown outcome makes the whole run's outcome unknown; else some rows failed.
    return failed.some((f) => f.code === EXIT.unknown) ? EXIT.unknown : EXIT.partial;
  },
};

async function readCsv(file: string): Promise<string[][]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true }) as string[][];
  } catch (err) {
    throw new UsageError(`${file} is not valid CSV: ${(err as Error).message}`);
  }
}

/** The rows, checked before anything is sent: a bad header or a repeated id stops the import. */
export function parseRows(records: string[][]): Row[] {
  const [header, ...data] = records;
  if (!header) throw new UsageError('the CSV file is empty; it needs a header line with a customerId column');
  const fields = header.map((h) => {
    const known = COLUMNS[h.toLowerCase()];
    if (known) return { field: known };
    if (/^metadata\..+/i.test(h)) return { metadata: h.slice('metadata.'.length) };
    throw new UsageError(`unknown column "${h}" (known: customerId, email, name, metadata.<key>)`);
  });
  if (!fields.some((f) => f.field === 'customerId')) throw new UsageError('the CSV header has no customerId column');
  const seen = new Map<string, number>();
  return data.map((values, i) => {
    const row: Row = { line: i + 2, customerId: '' };
    fields.forEach((f, j) => {
      const value = values[j] ?? '';
      if (value === '') return; // an empty cell leaves the field unset
      if (f.field) row[f.field] = value;
      else if (f.metadata !== undefined) row.metadata = { ...row.metadata, [f.metadata]: value };
    });
    if (row.customerId === '') throw new UsageError(`line ${row.line}: customerId is empty`);
    const first = seen.get(row.customerId);
    if (first !== undefined)
      throw new UsageError(`line ${row.line}: customer ${row.customerId} is also on line ${first}`);
    seen.set(row.customerId, row.line);
    return row;
  });
}

async function importRow(
  client: ParityDeals,
  row: Row,
  update: boolean,
): Promise<{ outcome: Outcome; failure?: Failure }> {
  const { line: _, ...params } = row;
  try {
    await client.customers.create(params);
    return { outcome: 'created' };
  } catch (createError) {
    // A refused create (400) may be a customer made by an earlier run; an unknown outcome may
    // have made it just now. A read settles both; any other failure is the row's.
    const mayExist =
      (createError instanceof APIError && createError.status === 400) ||
      (createError instanceof ParityDealsError && createError.outcomeUnknown);
    if (mayExist && (await exists(client, row.customerId))) {
      if (!update) return { outcome: 'existing' };
      try {
        await client.customers.update(params);
        return { outcome: 'updated' };
      } catch (updateError) {
        return failure(row, updateError);
      }
    }
    return failure(row, createError);
  }
}

async function exists(client: ParityDeals, customerId: string): Promise<boolean> {
  try {
    await client.customers.retrieve({ customerId });
    return true;
  } catch {
    return false;
  }
}

function failure(row: Row, error: unknown): { outcome: 'failed'; failure: Failure } {
  const code = exitCodeOf(error);
  if (code === EXIT.internal) throw error;
  return {
    outcome: 'failed',
    failure: { line: row.line, customerId: row.customerId, error: describeError(error), code },
  };
}
