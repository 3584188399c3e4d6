import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intFlag, parseArgs, UsageError } from '../../src/cli/args.js';
import { mockOptions } from '../../src/cli/commands/mock.js';

const spec = { values: ['port', 'key'], repeatable: ['key'], booleans: ['help'], aliases: { h: 'help' } };

describe('parseArgs', () => {
  it('reads `--flag value`, `--flag=value`, repeats, booleans, aliases and positionals', () => {
    const p = parseArgs(['mock', '--port', '4010', '--key=a', '--key', 'b', '-h', '--', '--not-a-flag'], spec);
    assert.deepEqual(p.positionals, ['mock', '--not-a-flag']);
    assert.deepEqual(p.values, { port: ['4010'], key: ['a', 'b'] });
    assert.deepEqual([...p.booleans], ['help']);
  });

  it('is strict about unknown flags, missing values and repeats', () => {
    assert.throws(
      () => parseArgs(['--prot', '1'], spec),
      (e: Error) => e instanceof UsageError && e.message === 'unknown option --prot',
    );
    assert.throws(() => parseArgs(['--port'], spec), /--port needs a value/);
    assert.throws(() => parseArgs(['--port', '--key', 'x'], spec), /--port needs a value/);
    assert.throws(() => parseArgs(['--port', '1', '--port', '2'], spec), /given more than once/);
    assert.throws(() => parseArgs(['--help=yes'], spec), /takes no value/);
  });

  it('checks integer flags', () => {
    assert.equal(intFlag(parseArgs(['--port', '80'], spec), 'port', 0, 65535), 80);
    assert.equal(intFlag(parseArgs([], spec), 'port', 0, 65535), undefined);
    assert.throws(() => intFlag(parseArgs(['--port', '8o'], spec), 'port', 0, 65535), /must be an integer/);
    assert.throws(() => intFlag(parseArgs(['--port', '70000'], spec), 'port', 0, 65535), /between 0 and 65535/);
  });
});

describe('mock options', () => {
  it('defaults to port 4010 and maps every flag', async () => {
    assert.deepEqual(await mockOptions([]), { port: 4010 });
    assert.deepEqual(
      await mockOptions(['--port', '0', '--host', '0.0.0.0', '--seed', '9', '--key', 'k1', '--key', 'k2']),
      {
        port: 0,
        host: '0.0.0.0',
        seed: 9,
        apiKeys: ['k1', 'k2'],
      },
    );
    assert.equal(await mockOptions(['--help']), 'help');
  });

  it('turns a bad catalog file or stray argument into a usage error', async () => {
    await assert.rejects(mockOptions(['--catalog', '/nonexistent/catalog.json']), UsageError);
    await assert.rejects(mockOptions(['extra']), /unexpected argument "extra"/);
  });
});
