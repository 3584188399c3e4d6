// How results are printed. JSON by default, whether stdout is a terminal or not, so what a
// script sees is what you saw when you tried the command; --pretty prints a table for people.

/** Values wider than this are cut in a table (the JSON output keeps them whole). */
const MAX_CELL = 48;

export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** A readable table: a list of objects as rows, one object as field/value lines, else JSON. */
export function formatTable(value: unknown): string {
  const rows = listOf(value);
  if (rows) return rows.length === 0 ? '(none)' : grid(rows);
  if (isRecord(value)) {
    const keys = Object.keys(value);
    const width = Math.max(0, ...keys.map((k) => k.length));
    return keys.map((k) => `${k.padEnd(width)}  ${cell(value[k], Number.POSITIVE_INFINITY)}`).join('\n');
  }
  return formatJson(value);
}

/** The rows of a list result: an array of objects, or a page's `results` / an `entitlements` list. */
function listOf(value: unknown): Record<string, unknown>[] | undefined {
  if (Array.isArray(value) && value.every(isRecord)) return value;
  if (isRecord(value)) {
    for (const key of ['results', 'entitlements', 'failed']) {
      const inner = value[key];
      if (Array.isArray(inner) && inner.every(isRecord) && Object.keys(value).length <= 4) return inner;
    }
  }
  return undefined;
}

function grid(rows: Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) => rows.some((r) => !isEmptyish(r[c])));
  const cells = rows.map((r) => columns.map((c) => cell(r[c], MAX_CELL)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function cell(value: unknown, max: number): string {
  const text =
    value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function isEmptyish(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return false;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
