/**
 * What the edge entry weighs and where it goes, measured the way `test/package.test.ts` enforces
 * its budget (esbuild, minified, for the browser, gzip level 9), from the sources so each part
 * can be named:
 *
 * 1. The whole entry, then each part's minified bytes and its share (gzip does not split by
 *    file; a part's share of the gzipped total is about its share of the minified one).
 * 2. The same bundle with every string longer than 24 characters emptied: what the code alone
 *    weighs without its error messages, the floor no rewording can go below.
 * 3. The entitlement cache and the usage reporter bundled alone, beside the bare errors they
 *    share with the rest: what those two features add.
 *
 *   npx tsx bench/size.ts
 */
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;

async function bundle(contents: string): Promise<{ text: string; inputs: Metafile['outputs'][string]['inputs'] }> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    minify: true,
    metafile: true,
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  return { text: result.outputFiles[0]?.text ?? '', inputs: output?.inputs ?? {} };
}

const gz = (text: string) => gzipSync(text, { level: 9 }).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The minified text with each string (or template part) longer than `longer` characters emptied. */
function withoutMessages(text: string, longer: number): string {
  const file = ts.createSourceFile('entry.js', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const cuts: [start: number, end: number, keep: string][] = [];
  const visit = (node: ts.Node): void => {
    const start = node.getStart(file);
    const width = node.getEnd() - start;
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && width > longer) {
      cuts.push([start, node.getEnd(), text[start] === '`' ? '``' : '""']);
    } else if (ts.isTemplateExpression(node)) {
      // A template's literal parts go, its substitutions (code) stay.
      const parts = [node.head, ...node.templateSpans.map((span) => span.literal)];
      if (parts.reduce((sum, part) => sum + part.text.length, 0) > longer) {
        for (const part of parts) {
          const at = part.getStart(file);
          const open = text[at] as string;
          const close = ts.isTemplateTail(part) ? '`' : '${';
          cuts.push([at, part.getEnd(), `${open}${close}`]);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = '';
  let last = 0;
  for (const [start, end, keep] of cuts.sort((x, y) => x[0] - y[0])) {
    out += text.slice(last, start) + keep;
    last = end;
  }
  return out + text.slice(last);
}

const entry = await bundle(`export * from './src/index.ts';`);
const total = gz(entry.text);
console.log(`edge entry: ${kb(entry.text.length)} minified, ${kb(total)} min+gz\n`);

const groups: Record<string, number> = {};
const group = (file: string) => {
  if (/entitlements\/(cache|lru|store|clock)\.ts$/.test(file)) return 'entitlement cache (entitlements/)';
  if (/usage\//.test(file)) return 'usage reporter (usage/)';
  if (/options\.ts$/.test(file)) return 'option checks and defaults (options.ts)';
  if (/internal\/validate\.ts$/.test(file)) return 'parameter checks (internal/validate.ts)';
  if (/internal\/classify\.ts$/.test(file)) return 'error messages and scrubbing (internal/classify.ts)';
  if (/internal\//.test(file)) return 'pipeline, retry, transport (internal/)';
  if (/resources\//.test(file)) return 'the five API modules (resources/)';
  return 'client, errors, promises, pages (client.ts, core/)';
};
for (const [file, { bytesInOutput }] of Object.entries(entry.inputs)) {
  groups[group(file)] = (groups[group(file)] ?? 0) + bytesInOutput;
}
const minified = Object.values(groups).reduce((a, b) => a + b, 0);
for (const [name, bytes] of Object.entries(groups).sort((a, b) => b[1] - a[1])) {
  const share = bytes / minified;
  console.log(
    `${name.padEnd(52)} ${kb(bytes).padStart(8)}  ${(share * 100).toFixed(0).padStart(3)}%  ~${kb(share * total)} gz`,
  );
}

const bare = withoutMessages(entry.text, 24);
console.log(`\nwithout any message (strings over 24 characters emptied): ${kb(bare.length)}, ${kb(gz(bare))} min+gz`);

const features = await bundle(
  `export { EntitlementCache } from './src/entitlements/cache.ts'; export { UsageReporter } from './src/usage/flusher.ts';`,
);
const shared = await bundle(`export * from './src/core/errors.ts'; export * from './src/core/api-promise.ts';`);
console.log(
  `the cache and the usage reporter alone: ${kb(gz(features.text))} min+gz, of which ${kb(gz(shared.text))} are the errors and promises every part shares`,
);
