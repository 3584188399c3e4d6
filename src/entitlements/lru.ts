/**
 * A map that keeps at most `capacity` keys and drops the least recently used one when full.
 * Every operation is O(1): a `Map` finds the node, and a doubly linked list through the nodes
 * keeps the use order, so a hit relinks two pointers instead of re-inserting into the Map.
 */
interface Node<V> {
  key: string;
  value: V;
  newer: Node<V> | undefined;
  older: Node<V> | undefined;
}

export class Lru<V> {
  readonly #nodes = new Map<string, Node<V>>();
  #newest: Node<V> | undefined;
  #oldest: Node<V> | undefined;

  /** `capacity` 0 keeps nothing (every `set` is dropped at once). */
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#nodes.size;
  }

  /** The value, marked as just used. */
  get(key: string): V | undefined {
    const node = this.#nodes.get(key);
    if (node === undefined) return undefined;
    if (node !== this.#newest) {
      this.#unlink(node);
      this.#pushNewest(node);
    }
    return node.value;
  }

  /** The value, without changing the use order. */
  peek(key: string): V | undefined {
    return this.#nodes.get(key)?.value;
  }

  set(key: string, value: V): void {
    if (this.capacity === 0) return;
    const node = this.#nodes.get(key);
    if (node) {
      node.value = value;
      if (node !== this.#newest) {
        this.#unlink(node);
        this.#pushNewest(node);
      }
      return;
    }
    if (this.#nodes.size >= this.capacity && this.#oldest) this.delete(this.#oldest.key);
    const fresh: Node<V> = { key, value, newer: undefined, older: undefined };
    this.#nodes.set(key, fresh);
    this.#pushNewest(fresh);
  }

  delete(key: string): boolean {
    const node = this.#nodes.get(key);
    if (!node) return false;
    this.#unlink(node);
    this.#nodes.delete(key);
    return true;
  }

  clear(): void {
    this.#nodes.clear();
    this.#newest = undefined;
    this.#oldest = undefined;
  }

  /** Every value, newest first. */
  *values(): IterableIterator<V> {
    for (let node = this.#newest; node; node = node.older) yield node.value;
  }

  #unlink(node: Node<V>): void {
    if (node.newer) node.newer.older = node.older;
    else this.#newest = node.older;
    if (node.older) node.older.newer = node.newer;
    else this.#oldest = node.newer;
    node.newer = undefined;
    node.older = undefined;
  }

  #pushNewest(node: Node<V>): void {
    node.older = this.#newest;
    if (this.#newest) this.#newest.newer = node;
    this.#newest = node;
    this.#oldest ??= node;
  }
}
