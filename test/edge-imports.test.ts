// The default entry must run where Node's built-ins do not exist (workerd, browsers). Biome's
// noNodejsModules rule covers the folders listed in biome.jsonc; this walks the real import
// graph from src/index.ts, so a file that becomes reachable without being listed is caught too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILTINS = new Set(builtinModules);
// `import type` and `export type` are erased from the output (verbatimModuleSyntax), so they
// are not followed; comments are stripped first, since doc examples import the package.
const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s(?!type\s)[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm;
const COMMENTS = /\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm;

function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    const text = readFileSync(file, 'utf8').replace(COMMENTS, '');
    const specs = [...text.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? m[3]!);
    seen.set(file, specs);
    for (const s of specs) if (s.startsWith('.')) queue.push(join(dirname(file), s.replace(/\.js$/, '.ts')));
  }
  return seen;
}

describe('the default entry', () => {
  it('reaches no Node built-in, with or without the node: prefix, and no package', () => {
    const graph = reachable(join(root, 'src/index.ts'));
    assert.ok(graph.size > 10, `walked ${graph.size} files`);
    const bad: string[] = [];
    for (const [file, specs] of graph) {
      for (const s of specs) {
        if (s.startsWith('.')) continue;
        const name = s.replace(/^node:/, '').split('/')[0]!;
        bad.push(
          `${relative(root, file)} imports "${s}"${BUILTINS.has(name) || s.startsWith('node:') ? ' (a Node built-in)' : ''}`,
        );
      }
    }
    assert.deepEqual(bad, []);
  });

  it('the walker sees bare and prefixed built-ins and skips type-only imports', () => {
    const text = "import { join } from 'path';\nimport x from 'node:url';\nimport type { Y } from 'node:fs';";
    assert.deepEqual(
      [...text.matchAll(SPECIFIER)].map((m) => m[1]),
      ['path', 'node:url'],
    );
  });
});
