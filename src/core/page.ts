import { APIPromise, type WithResponse } from './api-promise.js';
import { ParityDealsError } from './errors.js';

/** One page as the API sends it (Django REST framework's page-number pagination). */
export interface PageBody<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** Fetches the page selected by `query` (the `next` link's query parameters). */
export type PageFetcher<T> = (query: Record<string, string>) => Promise<WithResponse<PageBody<T>>>;

/** The fields of a page and the rule for whether another follows; shared by both clients' pages. */
export abstract class PageFields<T> implements PageBody<T> {
  /** Total number of items across all pages. */
  readonly count: number;
  /** Absolute URL of the next page, or null on the last page. */
  readonly next: string | null;
  /** Absolute URL of the previous page, or null on the first page. */
  readonly previous: string | null;
  /** The items on this page. */
  readonly results: T[];

  constructor(body: PageBody<T>) {
    this.count = body.count;
    this.next = body.next ?? null;
    this.previous = body.previous ?? null;
    this.results = Array.isArray(body.results) ? body.results : [];
  }

  /** Whether a page follows this one (the API sent a `next` link). */
  hasNextPage(): boolean {
    return this.next !== null && this.next !== '' && this.results.length > 0;
  }

  /** The query that selects the next page: the `next` link's (a page number or a cursor). */
  protected nextPageQuery(): Record<string, string> {
    if (!this.hasNextPage()) throw new ParityDealsError('This is the last page: check hasNextPage() first.');
    return nextQuery(this.next as string);
  }
}

/**
 * A page of results that knows how to fetch the pages after it. Iterate it with `for await`
 * to walk every item of every following page.
 */
export class Page<T> extends PageFields<T> implements AsyncIterable<T> {
  readonly #fetch: PageFetcher<T>;

  constructor(body: PageBody<T>, fetch: PageFetcher<T>) {
    super(body);
    this.#fetch = fetch;
  }

  /**
   * Fetches the next page. The request goes to the client's own base URL with the `next`
   * link's query, not to the link's host, which a proxy may have rewritten.
   */
  async getNextPage(): Promise<Page<T>> {
    const { data } = await this.#fetch(this.nextPageQuery());
    return pageOf(data, this.#fetch);
  }

  /** Every item of this page and the pages after it, fetching each page as it is reached. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let page: Page<T> = this;
    for (;;) {
      yield* page.results;
      if (!page.hasNextPage()) return;
      page = await page.getNextPage();
    }
  }
}

/**
 * A page made outside the class body: a class that names itself inside its body is given an
 * inner alias by the bundler, and would then print as `_Page`.
 */
function pageOf<T>(data: PageBody<T>, fetch: ConstructorParameters<typeof Page<T>>[1]): Page<T> {
  return new Page(data, fetch);
}

function nextQuery(next: string): Record<string, string> {
  const query: Record<string, string> = {};
  new URL(next, 'http://relative.invalid').searchParams.forEach((value, key) => {
    query[key] = value;
  });
  return query;
}

/**
 * What list methods return: await it for the first page, or iterate it with `for await` to walk
 * every item across all pages.
 *
 * @example
 * for await (const customer of client.customers.list({ pageSize: 100 })) console.log(customer.customerId);
 */
export class PagePromise<T> extends APIPromise<Page<T>> implements AsyncIterable<T> {
  /** Every item of this page and the pages after it, fetching each page as it is reached. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this;
  }
}
