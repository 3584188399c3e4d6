// What an editor shows on hover, read through the TypeScript language service from a project
// that depends on the built package (its .d.ts files), as a user's editor would.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts from 'typescript';
import { COMPILER_OPTIONS, type Consumer, consumer } from './consumer.js';

/** `/*@name*\/` marks the identifier hovered; every method of the sync client is one. */
const SOURCE = `import { ParityDeals, SyncParityDeals } from 'paritydeals-sdk';
import type { CancelSubscriptionParams, HasAccessParams, ReportUsageParams } from 'paritydeals-sdk';

const client = /*@ParityDeals*/ParityDeals.createAsyncClient({ accessToken: 'k' });
const sync: SyncParityDeals = ParityDeals.createSyncClient({ accessToken: 'k' });
sync.customers./*@sync.customers.create*/create;
sync.customers./*@sync.customers.update*/update;
sync.customers./*@sync.customers.retrieve*/retrieve;
sync.customers./*@sync.customers.list*/list;
sync.checkout./*@sync.checkout.createSession*/createSession;
sync.entitlements./*@sync.entitlements.hasAccess*/hasAccess;
sync.entitlements./*@sync.entitlements.getEntitlement*/getEntitlement;
sync.entitlements./*@sync.entitlements.getAllEntitlements*/getAllEntitlements;
sync.reporting./*@sync.reporting.reportUsage*/reportUsage;
sync.reporting./*@sync.reporting.reportEvent*/reportEvent;
sync.subscriptions./*@sync.subscriptions.update*/update;
sync.subscriptions./*@sync.subscriptions.cancel*/cancel;
sync.subscriptions./*@sync.subscriptions.list*/list;
sync.withResponse.customers./*@sync.withResponse.customers.retrieve*/retrieve;
client.customers./*@async.customers.create*/create;
const usage: ReportUsageParams = { value: 1, customerId: 'c', featureId: 'f', /*@behaviour*/behaviour: 'DELTA' };
const cancel: CancelSubscriptionParams = { subscriptionId: 's', /*@cancellationType*/cancellationType: 'IMMEDIATE' };
const access: HasAccessParams = { /*@HasAccessParams.customerId*/customerId: 'c', featureId: 'f' };
export { usage, cancel, access };
`;

describe('hover docs from the built package', () => {
  let project: Consumer;
  let docs: Map<string, { text: string; doc: string }>;
  before(() => {
    project = consumer();
    project.write({ 'hover.ts': SOURCE });
    const file = join(project.dir, 'hover.ts');
    const { options } = ts.convertCompilerOptionsFromJson(COMPILER_OPTIONS, project.dir);
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [file],
      getScriptVersion: () => '1',
      getScriptSnapshot: (name) => {
        try {
          return ts.ScriptSnapshot.fromString(readFileSync(name, 'utf8'));
        } catch {
          return undefined;
        }
      },
      getCurrentDirectory: () => project.dir,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: ts.sys.fileExists,
      readFile: ts.sys.readFile,
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: (p) => ts.sys.realpath?.(p) ?? p,
    };
    const service = ts.createLanguageService(host);
    docs = new Map();
    for (const m of SOURCE.matchAll(/\/\*@([\w.]+)\*\//g)) {
      const info = service.getQuickInfoAtPosition(file, (m.index as number) + m[0].length);
      docs.set(m[1] as string, {
        text: ts.displayPartsToString(info?.displayParts),
        doc: [
          ts.displayPartsToString(info?.documentation),
          ...(info?.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`),
        ].join('\n'),
      });
    }
  });
  after(() => project.remove());

  const hover = (name: string) => {
    const found = docs.get(name);
    assert.ok(found, name);
    return found;
  };

  it('the Node entry’s ParityDeals shows its documentation, not a bare @inheritDoc', () => {
    const { doc } = hover('ParityDeals');
    assert.doesNotMatch(doc, /inheritDoc/i);
    assert.match(doc, /Promise/);
    assert.match(doc, /createSyncClient/);
  });

  it('every sync method has docs of its own, with examples that do not await', () => {
    const names = [...docs.keys()].filter((k) => k.startsWith('sync.'));
    assert.equal(names.length, 14);
    for (const name of names) {
      const { doc } = hover(name);
      assert.ok(doc.trim().length > 20, `${name} has docs: ${JSON.stringify(doc)}`);
      assert.doesNotMatch(doc, /\bawait\b|for await/, name);
      assert.match(doc, /@example/, `${name} has an example`);
    }
    // The async client's docs keep theirs.
    assert.match(hover('async.customers.create').doc, /await client\.customers\.create/);
  });

  it('behaviour, cancellationType and HasAccessParams.customerId are documented', () => {
    assert.match(hover('behaviour').doc, /DELTA/);
    assert.match(hover('cancellationType').doc, /CURRENT_PERIOD_ENDS/);
    assert.match(hover('HasAccessParams.customerId').doc, /customerId|customers\.create/);
  });
});
