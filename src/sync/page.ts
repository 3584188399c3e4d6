import { type PageBody, PageFields } from '../core/page.js';

/** Fetches, blocking, the page selected by `query` (the `next` link's query parameters). */
export type SyncPageFetcher<T> = (query: Record<string, string>) => PageBody<T>;

/**
 * A page of results from the synchronous client: the fields of the async client's `Page`, with
 * a blocking `getNextPage()`. Iterate it with `for...of` to walk every item of every page.
 *
 * @example
 * for (const customer of sync.customers.list({ pageSize: 100 })) console.log(customer.customerId);
 */
export class SyncPage<T> extends PageFields<T> implements Iterable<T> {
  readonly #fetch: SyncPageFetcher<T>;

  constructor(body: PageBody<T>, fetch: SyncPageFetcher<T>) {
    super(body);
    this.#fetch = fetch;
  }

  /** Fetches the next page, blocking, from the client's own base URL (as the async `Page` does). */
  getNextPage(): SyncPage<T> {
    return syncPageOf(this.#fetch(this.nextPageQuery()), this.#fetch);
  }

  /** Every item of this page and the pages after it, fetching each page (blocking) as it is reached. */
  *[Symbol.iterator](): Iterator<T> {
    let page: SyncPage<T> = this;
    for (;;) {
      yield* page.results;
      if (!page.hasNextPage()) return;
      page = page.getNextPage();
    }
  }
}

/** Made outside the class body, so the bundler gives the class no inner alias (`_SyncPage`). */
function syncPageOf<T>(data: PageBody<T>, fetch: ConstructorParameters<typeof SyncPage<T>>[1]): SyncPage<T> {
  return new SyncPage(data, fetch);
}
