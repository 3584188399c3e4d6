import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APIConnectionError, InvalidRequestError, NotFoundError, ValidationError } from '../../src/index.js';
import { useEmulator } from '../support.js';
import { rejected } from '../expect.js';

const h = useEmulator();

describe('customers', () => {
  it('create sends a snake_case body, metadata keys untouched, and returns the customer', async () => {
    const customer = await h.client.customers.create({
      customerId: 'cust_1',
      email: 'ada@example.com',
      name: 'Ada',
      metadata: { signupSource: 'web', plan_hint: 'pro' },
    });
    assert.equal(customer.customerId, 'cust_1');
    assert.equal(customer.email, 'ada@example.com');
    assert.equal(customer.name, 'Ada');
    assert.deepEqual(customer.metadata, { signupSource: 'web', plan_hint: 'pro' });
    assert.match(customer.id, /^[0-9a-f-]{36}$/);
    assert.match(customer.createdOn, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);

    const [req] = h.emu.requests();
    assert.equal(req?.method, 'POST');
    assert.equal(req?.host, 'main');
    assert.equal(req?.path, '/api/v1/customers/');
    assert.deepEqual(req?.query, {});
    assert.deepEqual(req?.body, {
      customer_id: 'cust_1',
      email: 'ada@example.com',
      name: 'Ada',
      metadata: { signupSource: 'web', plan_hint: 'pro' },
    });
    assert.equal(req?.headers.authorization, `Bearer ${h.emu.apiKey}`);
    assert.equal(req?.headers.accept, 'application/json');
    assert.equal(req?.headers['content-type'], 'application/json');
    assert.match(req?.headers['user-agent'] ?? '', /^paritydeals-sdk\/\d+\.\d+\.\d+ \(node\/20/);
    assert.equal(req?.headers['x-retry-count'], undefined);
  });

  it('create of an existing id is a 400 InvalidRequestError naming the field, sent once', async () => {
    await h.client.customers.create({ customerId: 'dup' });
    const error = await rejected(h.client.customers.create({ customerId: 'dup' }));
    assert.ok(error instanceof InvalidRequestError);
    assert.ok(!(error instanceof ValidationError));
    assert.equal(error.status, 400);
    assert.match(error.message, /customerId/);
    assert.deepEqual(Object.keys(error.body as object), ['customerId']);
    assert.equal(error.method, 'POST');
    assert.equal(h.emu.requests().length, 2);
  });

  it('update PATCHes only the given fields', async () => {
    await h.client.customers.create({ customerId: 'c2', email: 'old@example.com', name: 'Old' });
    const updated = await h.client.customers.update({ customerId: 'c2', name: 'New' });
    assert.equal(updated.name, 'New');
    assert.equal(updated.email, 'old@example.com');
    const req = h.emu.requests()[1];
    assert.equal(req?.method, 'PATCH');
    assert.equal(req?.path, '/api/v1/customers/c2/');
    assert.deepEqual(req?.body, { name: 'New' });
  });

  it('retrieve GETs one customer; an unknown one is a NotFoundError', async () => {
    await h.client.customers.create({ customerId: 'c3', name: 'Three' });
    const got = await h.client.customers.retrieve({ customerId: 'c3' });
    assert.equal(got.name, 'Three');
    assert.equal(h.emu.requests()[1]?.method, 'GET');
    assert.equal(h.emu.requests()[1]?.body, undefined);
    await assert.rejects(
      h.client.customers.retrieve({ customerId: 'nobody' }),
      (e: unknown) => e instanceof NotFoundError && e.status === 404,
    );
  });

  it('keeps hostile ids in one path segment', async () => {
    for (const id of ['a/b?c#d e', '..', '.', '50%', 'ü/ß']) {
      await h.client.customers.create({ customerId: id });
      const got = await h.client.customers.retrieve({ customerId: id });
      assert.equal(got.customerId, id, id);
      const updated = await h.client.customers.update({ customerId: id, name: 'n' });
      assert.equal(updated.customerId, id);
    }
    const paths = h.emu
      .requests()
      .filter((r) => r.method === 'GET')
      .map((r) => r.path);
    assert.deepEqual(paths, [
      '/api/v1/customers/a%2Fb%3Fc%23d%20e/',
      '/api/v1/customers/%2E%2E/',
      '/api/v1/customers/%2E/',
      '/api/v1/customers/50%25/',
      '/api/v1/customers/%C3%BC%2F%C3%9F/',
    ]);
    assert.ok(h.emu.requests().every((r) => Object.keys(r.query).length === 0));
  });

  it('list pages through every customer with for await', async () => {
    for (let i = 0; i < 25; i++) await h.client.customers.create({ customerId: `list_${String(i).padStart(2, '0')}` });
    h.emu.clearRequests();
    const first = await h.client.customers.list({ pageSize: 10 });
    assert.equal(first.count, 25);
    assert.equal(first.results.length, 10);
    assert.ok(first.hasNextPage());
    const ids: string[] = [];
    for await (const c of h.client.customers.list({ pageSize: 10 })) ids.push(c.customerId);
    assert.equal(ids.length, 25);
    assert.equal(new Set(ids).size, 25);
    const queries = h.emu.requests().map((r) => r.query);
    assert.deepEqual(queries, [
      { page_size: '10' },
      { page_size: '10' },
      { page: '2', page_size: '10' },
      { page: '3', page_size: '10' },
    ]);
    const second = await first.getNextPage();
    assert.equal(second.results[0]?.customerId, first.results.length === 10 ? ids[10] : undefined);
  });
});

describe('customers.archive', () => {
  it('sends DELETE /customers/{id}/ with no body; the customer is then gone, its id still taken', async () => {
    h.emu.seed({ customers: [{ customerId: 'gone/1', name: 'Gone' }] });
    const res = await h.client.customers.archive({ customerId: 'gone/1' });
    assert.deepEqual(res, { customerId: 'gone/1', message: 'Customer archived successfully.' });
    const [req] = h.emu.requests();
    assert.equal(req?.method, 'DELETE');
    assert.equal(req?.path, '/api/v1/customers/gone%2F1/');
    assert.equal(req?.rawBody, '');
    assert.equal(req?.headers['content-type'], undefined);
    const state = h.emu.state();
    assert.deepEqual(state.customers, []);
    assert.equal(state.archivedCustomers[0]?.customerId, 'gone/1');
    assert.ok((await rejected(() => h.client.customers.retrieve({ customerId: 'gone/1' }))) instanceof NotFoundError);
    const again = await rejected(() => h.client.customers.archive({ customerId: 'gone/1' }));
    assert.ok(again instanceof NotFoundError);
    const create = await rejected(() => h.client.customers.create({ customerId: 'gone/1' }));
    assert.ok(create instanceof InvalidRequestError);
  });

  it('answers with 204 and an empty body, which only archive accepts', async () => {
    h.emu.seed({ customers: [{ customerId: 'a204' }] });
    const { response } = await h.client.customers.archive({ customerId: 'a204' }).withResponse();
    assert.equal(response.status, 204);
  });

  it('is not retried after a lost answer, which leaves the outcome unknown', async () => {
    h.emu.seed({ customers: [{ customerId: 'lost' }] });
    h.emu.setFaults([{ type: 'drop-after-handle', method: 'DELETE' }]);
    const e = await rejected(() => h.client.customers.archive({ customerId: 'lost' }));
    assert.ok(e instanceof APIConnectionError && e.outcomeUnknown);
    assert.equal(h.emu.requests().length, 1);
  });

  it('refuses a missing customerId before sending', async () => {
    const e = await rejected(() => h.client.customers.archive({} as never));
    assert.ok(e instanceof ValidationError && e.param === 'customerId');
    assert.deepEqual(h.emu.requests(), []);
  });
});
