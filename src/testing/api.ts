// The ParityDeals API routes (below /api/v1) and their handlers: validate like the real
// server, then change the Store. Answers are camelCase, errors DRF-shaped.

import { entitlementsOf } from './entitlements.js';
import type { Plan } from './catalog.js';
import { isValidTimestamp, parseDateOnly, spaceMicros } from './clock.js';
import { CANCELLATION_TYPES, type CancellationType, type ChargePeriod, USAGE_BEHAVIOURS } from '../core/enums.js';
import type { FeatureQuantity } from './records.js';
import type { ApiRequest, ApiResponse, Context, Route } from './router.js';
import type { Store } from './store.js';
import { ErrorAnswer, notFound } from './error-answer.js';
import { Fields, REQUIRED, isEmail, isHttpUrl, isPlainObject } from './fields.js';

/** The orgId every usage report and event answers with. */
export const EMULATOR_ORG_ID = 'org_emulator';

const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;

export function apiRoutes(store: () => Store): Route[] {
  const s = store;
  return [
    { pattern: 'customers/', methods: { POST: (c) => createCustomer(s(), c), GET: (c) => listCustomers(s(), c) } },
    {
      pattern: 'customers/:id/',
      methods: {
        GET: (c) => getCustomer(s(), c),
        PATCH: (c) => updateCustomer(s(), c),
        DELETE: (c) => archiveCustomer(s(), c),
      },
    },
    { pattern: 'checkout/', methods: { POST: (c) => createCheckout(s(), c) } },
    { pattern: 'entitlements', methods: { GET: (c) => entitlements(s(), c) } },
    { pattern: 'entitlements/', methods: { GET: (c) => entitlements(s(), c) } },
    { pattern: 'report/usage/', methods: { POST: (c) => reportUsage(s(), c) } },
    { pattern: 'report/event/', methods: { POST: (c) => reportEvent(s(), c) } },
    { pattern: 'subscriptions/', methods: { GET: (c) => listSubscriptions(s(), c) } },
    { pattern: 'subscriptions/:id/update/', methods: { POST: (c) => updateSubscription(s(), c) } },
    { pattern: 'subscriptions/:id/cancel/', methods: { POST: (c) => cancelSubscription(s(), c) } },
  ];
}

// ---- customers -----------------------------------------------------------------------

function customerFields(f: Fields) {
  const name = f.string('name', { allowBlank: true, allowNull: true, max: 255 });
  const email = f.string('email', { allowBlank: true, allowNull: true, max: 254 });
  if (email && !isEmail(email)) f.add('email', 'Enter a valid email address.');
  const metadata = f.object('metadata');
  return { name, email, metadata };
}

function createCustomer(store: Store, { body }: Context): ApiResponse {
  const f = new Fields(body);
  const customerId = f.string('customerId', { required: true, max: 255 });
  if (customerId && store.customerIdTaken(customerId))
    f.add('customerId', 'customer with this customer id already exists.');
  const fields = customerFields(f);
  f.done();
  const customer = store.createCustomer({
    customerId: customerId as string,
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.email !== undefined ? { email: fields.email } : {}),
    ...(fields.metadata !== undefined ? { metadata: fields.metadata } : {}),
  });
  return { status: 201, body: customer };
}

function findCustomer(store: Store, customerId: string) {
  const customer = store.customers.get(customerId);
  if (!customer) throw notFound();
  return customer;
}

function getCustomer(store: Store, { params }: Context): ApiResponse {
  return { status: 200, body: findCustomer(store, params[0] as string) };
}

function updateCustomer(store: Store, { params, body }: Context): ApiResponse {
  const customer = findCustomer(store, params[0] as string);
  const f = new Fields(body);
  const changes = customerFields(f);
  f.done();
  return { status: 200, body: store.updateCustomer(customer, changes) };
}

/** 204: the customer leaves the API (404 from then on, out of lists); its id stays taken. */
function archiveCustomer(store: Store, { params }: Context): ApiResponse {
  store.archiveCustomer(findCustomer(store, params[0] as string));
  return { status: 204 };
}

function listCustomers(store: Store, { req }: Context): ApiResponse {
  return { status: 200, body: paginate([...store.customers.values()], req) };
}

// ---- checkout ------------------------------------------------------------------------

/** planIdentifier + chargePeriod (+ features) as checkout and plan change take them. */
function planChoice(store: Store, f: Fields) {
  const planIdentifier = f.string('planIdentifier', { required: true });
  const plan = planIdentifier ? store.plan(planIdentifier) : undefined;
  if (planIdentifier && !plan) f.add('planIdentifier', `Plan with identifier "${planIdentifier}" does not exist.`);
  const chargePeriod = f.chargePeriod();
  if (plan && chargePeriod && !plan.chargePeriods.includes(chargePeriod)) {
    f.add(
      'chargePeriod',
      `"${chargePeriod}" is not available for plan "${plan.identifier}"; choose one of: ${plan.chargePeriods.join(', ')}.`,
    );
  }
  const features = featureQuantities(store, f, plan);
  const extra = {
    offeringId: f.string('offeringId', { allowNull: true, allowBlank: true }) ?? null,
    pricingTableId: f.string('pricingTableId', { allowNull: true, allowBlank: true }) ?? null,
    ruleId: f.string('ruleId', { allowNull: true, allowBlank: true }) ?? null,
  };
  return { planIdentifier, chargePeriod, features, extra };
}

function featureQuantities(store: Store, f: Fields, plan: Plan | undefined): FeatureQuantity[] | undefined {
  const raw = f.body.features;
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) {
    f.add('features', `Expected a list of items but got type "${isPlainObject(raw) ? 'dict' : typeof raw}".`);
    return undefined;
  }
  const out: FeatureQuantity[] = [];
  for (const item of raw) {
    if (!isPlainObject(item) || typeof item.identifier !== 'string') {
      f.add('features', 'Each item needs an "identifier" (string) and a "quantity" (integer).');
      continue;
    }
    const { identifier, quantity } = item;
    if (!store.feature(identifier)) f.add('features', `Feature with identifier "${identifier}" does not exist.`);
    else if (plan && !(identifier in plan.entitlements))
      f.add('features', `Feature "${identifier}" is not part of plan "${plan.identifier}".`);
    else if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 0) {
      f.add('features', `Quantity of "${identifier}" must be an integer >= 0.`);
    } else out.push({ identifier, quantity });
  }
  return out;
}

function createCheckout(store: Store, { req, body }: Context): ApiResponse {
  const f = new Fields(body);
  const choice = planChoice(store, f);
  const successUrl = f.string('successUrl', { required: true });
  if (successUrl && !isHttpUrl(successUrl)) f.add('successUrl', 'Enter a valid URL.');
  const customerId = f.string('customerId', { allowNull: true, max: 255 }) ?? null;
  const ipAddress = f.string('ipAddress', { allowNull: true, allowBlank: true }) ?? null;
  f.done();
  const session = store.createSession({
    planIdentifier: choice.planIdentifier as string,
    chargePeriod: choice.chargePeriod as ChargePeriod,
    successUrl: successUrl as string,
    customerId,
    features: choice.features ?? [],
    ...choice.extra,
    ipAddress,
  });
  // The page lives on the main host whichever host took the API call.
  const origin = req.origin;
  return {
    status: 201,
    body: { checkoutUrl: `${origin}/checkout/${encodeURIComponent(session.id)}`, checkoutSessionId: session.id },
  };
}

// ---- entitlements --------------------------------------------------------------------

function entitlements(store: Store, { req }: Context): ApiResponse {
  const customerId = req.query.customer_id;
  if (!customerId) throw new ErrorAnswer(400, { customerId: [REQUIRED] });
  findCustomer(store, customerId);
  const featureId = req.query.feature_id || undefined;
  return { status: 200, body: { customerId, entitlements: entitlementsOf(store, customerId, featureId) } };
}

// ---- reporting -----------------------------------------------------------------------

function reportUsage(store: Store, { body }: Context): ApiResponse {
  const f = new Fields(body);
  const value = f.integer('value');
  const customerId = f.string('customerId', { required: true });
  const featureId = f.string('featureId', { required: true });
  const behaviour = f.choice('behaviour', USAGE_BEHAVIOURS);
  f.string('resourceId', { allowNull: true, allowBlank: true });
  if (behaviour === 'SET' && value !== undefined && value < 0)
    f.add('value', 'Ensure this value is greater than or equal to 0.');
  if (customerId && !store.customers.has(customerId))
    f.add('customerId', `Customer with customerId "${customerId}" does not exist.`);
  if (featureId) {
    const feature = store.feature(featureId);
    if (!feature) f.add('featureId', `Feature with identifier "${featureId}" does not exist.`);
    else if (feature.type !== 'METER')
      f.add(
        'featureId',
        `Feature "${featureId}" is a ${feature.type} feature; usage can only be reported for METER features.`,
      );
  }
  f.done();
  store.reportUsage(customerId as string, featureId as string, behaviour as 'SET' | 'DELTA', value as number);
  return {
    status: 200,
    body: {
      value,
      customerId,
      featureId,
      behaviour,
      orgId: EMULATOR_ORG_ID,
      eventName: 'aggregated.usage',
      idempotencyKey: store.hex(16),
      timestamp: spaceMicros(store.nowMs()),
    },
  };
}

function reportEvent(store: Store, { body }: Context): ApiResponse {
  const f = new Fields(body);
  const customerId = f.string('customerId', { required: true });
  const eventName = f.string('eventName', { required: true });
  const idempotencyKey = f.string('idempotencyKey', { required: true, max: 255 });
  const timestamp = f.string('timestamp', { required: true });
  if (timestamp && !isValidTimestamp(timestamp)) {
    f.add('timestamp', 'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DD HH:MM:SS.ffffff.');
  }
  const resourceId = f.string('resourceId', { allowNull: true, allowBlank: true });
  const properties = f.object('properties');
  f.done();
  const stored = store.recordEvent({
    customerId: customerId as string,
    eventName: eventName as string,
    idempotencyKey: idempotencyKey as string,
    timestamp: timestamp as string,
    resourceId: resourceId ?? null,
    properties: properties ?? {},
  });
  return { status: 201, body: { ...stored, orgId: EMULATOR_ORG_ID } };
}

// ---- subscriptions -------------------------------------------------------------------

function findSubscription(store: Store, id: string) {
  store.tick();
  const sub = store.subscriptions.get(id);
  if (!sub) throw notFound();
  return sub;
}

function updateSubscription(store: Store, { params, body }: Context): ApiResponse {
  const sub = findSubscription(store, params[0] as string);
  const f = new Fields(body);
  const choice = planChoice(store, f);
  f.string('ipAddress', { allowNull: true, allowBlank: true });
  f.done();
  if (sub.status === 'cancelled') throw new ErrorAnswer(400, { detail: 'Cannot update a cancelled subscription.' });
  store.changePlan(sub, {
    planIdentifier: choice.planIdentifier as string,
    chargePeriod: choice.chargePeriod as ChargePeriod,
    ...(choice.features ? { features: choice.features } : {}),
    ...(body.offeringId !== undefined ? { offeringId: choice.extra.offeringId } : {}),
    ...(body.pricingTableId !== undefined ? { pricingTableId: choice.extra.pricingTableId } : {}),
    ...(body.ruleId !== undefined ? { ruleId: choice.extra.ruleId } : {}),
  });
  return { status: 200, body: { subscriptionId: sub.id } };
}

function cancelSubscription(store: Store, { params, body }: Context): ApiResponse {
  const sub = findSubscription(store, params[0] as string);
  const f = new Fields(body);
  const type = f.choice('cancellationType', CANCELLATION_TYPES);
  const rawDate = body.cancellationDate;
  let atMs: number | undefined;
  if (type === 'SPECIFIC_DATE') {
    const date = f.string('cancellationDate', { required: true });
    if (date) {
      const parsed = parseDateOnly(date);
      const today = Math.floor(store.nowMs() / 86_400_000) * 86_400_000;
      if (parsed === null)
        f.add('cancellationDate', 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.');
      else if (parsed < today) f.add('cancellationDate', 'The cancellation date cannot be in the past.');
      else atMs = parsed;
    }
  } else if (type && rawDate !== undefined && rawDate !== null) {
    f.add('cancellationDate', 'Only allowed when cancellationType is SPECIFIC_DATE.');
  }
  if (type === 'CURRENT_PERIOD_ENDS' && sub.chargePeriod === 'ONE_TIME') {
    f.add('cancellationType', 'A ONE_TIME subscription has no billing period to end; use IMMEDIATE or SPECIFIC_DATE.');
  }
  f.done();
  if (sub.status === 'cancelled') throw new ErrorAnswer(400, { detail: 'Subscription is already cancelled.' });
  return { status: 200, body: { message: store.cancel(sub, type as CancellationType, atMs) } };
}

function listSubscriptions(store: Store, { req }: Context): ApiResponse {
  store.tick();
  const customerId = req.query.customer_id;
  const subs = [...store.subscriptions.values()].filter((sub) => !customerId || sub.customerId === customerId);
  return { status: 200, body: paginate(subs, req, (sub) => store.view(sub)) };
}

// ---- pages ---------------------------------------------------------------------------

/** DRF PageNumberPagination: `page` from 1 (a bad or out-of-range page is 404 "Invalid
 *  page."), `page_size` default 10, capped at 100; next/previous are absolute URLs. */
function paginate<T, V = T>(items: T[], req: ApiRequest, view: (item: T) => V = (x) => x as unknown as V) {
  const sizeParam = Number(req.query.page_size);
  const size = Number.isInteger(sizeParam) && sizeParam > 0 ? Math.min(sizeParam, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  const pageParam = req.query.page;
  const page = pageParam === undefined || pageParam === '' ? 1 : /^\d+$/.test(pageParam) ? Number(pageParam) : NaN;
  const pages = Math.max(1, Math.ceil(items.length / size));
  if (!Number.isInteger(page) || page < 1 || page > pages) throw notFound('Invalid page.');
  const link = (n: number) => {
    const q = new URLSearchParams(req.rawQuery);
    if (n === 1) q.delete('page');
    else q.set('page', String(n));
    const qs = q.toString();
    return `${req.origin}${req.host === 'edge' ? '/edge' : ''}${req.path}${qs ? `?${qs}` : ''}`;
  };
  return {
    count: items.length,
    next: page < pages ? link(page + 1) : null,
    previous: page > 1 ? link(page - 1) : null,
    results: items.slice((page - 1) * size, page * size).map(view),
  };
}
