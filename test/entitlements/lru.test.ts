import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Lru } from '../../src/entitlements/lru.js';

describe('Lru', () => {
  it('drops the least recently used key when full; get and set count as use, peek does not', () => {
    const lru = new Lru<number>(3);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('c', 3);
    assert.equal(lru.get('a'), 1);
    assert.equal(lru.peek('b'), 2);
    lru.set('d', 4); // b is the oldest: peek did not refresh it
    assert.deepEqual([...lru.values()], [4, 1, 3]);
    lru.set('c', 30); // an update refreshes c
    lru.set('e', 5); // evicts a
    assert.deepEqual([...lru.values()], [5, 30, 4]);
    assert.equal(lru.size, 3);
  });

  it('delete and clear leave a consistent list', () => {
    const lru = new Lru<string>(2);
    lru.set('x', 'X');
    lru.set('y', 'Y');
    assert.equal(lru.delete('x'), true);
    assert.equal(lru.delete('x'), false);
    lru.set('z', 'Z');
    lru.set('w', 'W'); // evicts y
    assert.deepEqual([...lru.values()], ['W', 'Z']);
    lru.clear();
    assert.equal(lru.size, 0);
    assert.deepEqual([...lru.values()], []);
    lru.set('again', 'A');
    assert.deepEqual([...lru.values()], ['A']);
  });

  it('capacity 0 keeps nothing', () => {
    const lru = new Lru<number>(0);
    lru.set('a', 1);
    assert.equal(lru.get('a'), undefined);
    assert.equal(lru.size, 0);
  });

  it('stays in order over many random operations (checked against a plain model)', () => {
    const lru = new Lru<number>(16);
    const model: string[] = []; // oldest first
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 40;
    for (let i = 0; i < 20_000; i++) {
      const key = `k${rand()}`;
      const op = rand() % 3;
      const at = model.indexOf(key);
      if (op === 0) {
        lru.set(key, i);
        if (at >= 0) model.splice(at, 1);
        else if (model.length === 16) model.shift();
        model.push(key);
      } else if (op === 1) {
        const got = lru.get(key);
        assert.equal(got !== undefined, at >= 0);
        if (at >= 0) model.push(...model.splice(at, 1));
      } else {
        assert.equal(lru.delete(key), at >= 0);
        if (at >= 0) model.splice(at, 1);
      }
    }
    assert.equal(lru.size, model.length);
  });
});
