import { nextQuery, type PageBody } from '../core/page.js';

/** Fetches, blocking, the page selected by `query` (the `next` link's query parameters). */
export type SyncPageFetcher<T> = (query: Record<string, string>) => PageBody<T>;

/**
 * A page of results from the synchronous client: the fields of the async client's `Page`, with
 * a blocking `getNextPage()`. Iterate it with `for...of` to walk every item of every page.
 *
 * @example
 * for (const customer of sync.customers.list({ pageSize: 100 })) console.log(customer.customerId);
 */
export class SyncPage<T> implements PageBody<T>, Iterable<T> {
  /** Total number of items across all pages. */
  readonly count: number;
  /** Absolute URL of the next page, or null on the last page. */
  readonly next: string | null;
  /** Absolute URL of the previous page, or null on the first page. */
  readonly previous: string | null;
  /** The items on this page. */
  readonly results: T[];
  readonly #fetch: SyncPageFetcher<T>;

  constructor(body: PageBody<T>, fetch: SyncPageFetcher<T>) {
    this.count = body.count;
    this.next = body.next ?? null;
    this.previous = body.previous ?? null;
    this.results = Array.isArray(body.results) ? body.results : [];
    this.#fetch = fetch;
  }

  /** Same rule as the async `Page`: a next link, and this page not empty. */
  hasNextPage(): boolean {
    return this.next !== null && this.next !== '' && this.results.length > 0;
  }

  /**
   * Fetches the next page, blocking. Like the async `Page`, it asks the client's own base URL
   * with the `next` link's query, not the link's host, which a proxy may have rewritten.
   */
  getNextPage(): SyncPage<T> {
    if (!this.hasNextPage()) throw new Error('This is the last page: check hasNextPage() first.');
    return new SyncPage(this.#fetch(nextQuery(this.next as string)), this.#fetch);
  }

  *[Symbol.iterator](): Iterator<T> {
    let page: SyncPage<T> = this;
    for (;;) {
      yield* page.results;
      if (!page.hasNextPage()) return;
      page = page.getNextPage();
    }
  }
}
