/**
 * Customer behaviour over the window: purchase intents from a BG/NBD-like process (heterogeneous Poisson rates with
 * seasonality, dropout after each purchase), each played out as a visit → view → cart → checkout → purchase session
 * that may fail at checkout (and be retried), plus browsing sessions that end before checkout.
 */
import { PRODUCTS_BY_CATEGORY, type Product } from './catalog.ts';
import type { DemoCustomer } from './customers.ts';
import {
  BUG_FROM, BUG_TO, CHURN_AT, DAY, END, HOUR, MAX_DEMAND, MINUTE, PARAMS, START, YEAR, appVersionAt, atShoppingHour,
  demand, type OrderChannel,
} from './model.ts';
import { categoryAt, makeBasket, revenueOf, type DemoLine, type DemoOrder } from './orders.ts';
import { Rng, Weighted } from './random.ts';

export interface DemoSession {
  /** Assigned once all sessions are known (chronological). */
  id: string;
  customer: DemoCustomer;
  channel: OrderChannel;
  appVersion: string | null;
  /** Times of the funnel steps reached, in funnel order (visit, view, cart, checkout, purchase). */
  steps: number[];
  /** Product viewed and put in the cart. */
  product: Product;
  cartCents: number;
  order: DemoOrder | null;
}

export interface CustomerActivity {
  sessions: DemoSession[];
  orders: DemoOrder[];
}

const CHANNEL_MIX = new Weighted<OrderChannel>([['web', 42], ['mobile_app', 33], ['marketplace', 15], ['store', 10]]);
const BROWSE_DEPTH = new Weighted([[1, 30], [2, 40], [3, 30]] as const);
/** Last moment a session may start so that it ends inside the window. */
const LAST_START = END - HOUR;

export function simulateCustomer(rng: Rng, customer: DemoCustomer): CustomerActivity {
  const sessions: DemoSession[] = [];
  const orders: DemoOrder[] = [];
  const intents = purchaseIntents(rng, customer);
  for (const t of intents) {
    const channel = rng.chance(0.7) ? customer.primaryChannel : CHANNEL_MIX.sample(rng);
    playIntent(rng, customer, t, channel, sessions, orders);
    if (rng.chance(PARAMS.browsePerIntent)) {
      const at = t - rng.exp(3 * DAY) - HOUR;
      if (at >= START && at >= customer.signedUpAt) sessions.push(browseSession(rng, customer, at));
    }
  }
  // Registered but never bought (or dormant since before the window): a little browsing.
  if (intents.length === 0) {
    const from = Math.max(START, customer.signedUpAt);
    for (let i = rng.int(0, 2); i > 0; i--) {
      const at = from + rng.exp(60 * DAY);
      if (at < LAST_START) sessions.push(browseSession(rng, customer, at));
    }
  }
  return { sessions, orders };
}

/** Moments the customer sets out to buy, in time order. */
function purchaseIntents(rng: Rng, c: DemoCustomer): number[] {
  if (c.activeFrom === null) return [];
  const china = c.country.name === 'China';
  const raw: number[] = [];
  let t = c.activeFrom;
  let alive = true;
  if (c.buysAtSignup) {
    raw.push(t);
    alive = !rng.chance(c.dropout);
  }
  const meanGap = YEAR / (c.rate * MAX_DEMAND);
  while (alive) {
    t += rng.exp(meanGap);
    if (t >= END) break;
    if (rng.next() * MAX_DEMAND >= demand(t, china)) continue;
    raw.push(atShoppingHour(t, c.country.utcOffset, rng.next(), rng.next()));
    alive = !rng.chance(c.dropout);
  }
  const out = raw.filter((x) => x >= START && x < LAST_START && !(c.stopsAtCutoff && x >= CHURN_AT));
  // The first purchase at signup keeps its time; the others moved within their day.
  return out.sort((a, b) => a - b);
}

/** One purchase intent: a session that reaches checkout, succeeds or fails, and may be retried. */
function playIntent(
  rng: Rng, c: DemoCustomer, start: number, firstChannel: OrderChannel, sessions: DemoSession[], orders: DemoOrder[],
): void {
  const lines = makeBasket(rng, c, start);
  const cartCents = lines.reduce((sum, l) => sum + l.amountCents, 0);
  let channel = firstChannel;
  let at = start;
  for (let attempt = 0; attempt < 3; attempt++) {
    const steps = funnelTimes(rng, at, 4);
    const checkoutAt = steps[3]!;
    // A session runs on one app version: the one current when it starts.
    const inBug = channel === 'mobile_app' && at >= BUG_FROM && at < BUG_TO;
    const success = rng.chance(inBug ? PARAMS.bugSuccess : PARAMS.checkoutSuccess[channel]);
    if (success) steps.push(checkoutAt + rng.int(20, 180) * 1000);
    if (steps[steps.length - 1]! >= END) return;
    const session = newSession(c, channel, steps, lines[0]!.product, cartCents);
    sessions.push(session);
    if (success) {
      session.order = newOrder(c, steps[4]!, channel, lines);
      orders.push(session.order);
      return;
    }
    if (!rng.chance(inBug ? PARAMS.bugRetryShare : PARAMS.retryShare)) return;
    if (inBug && rng.chance(PARAMS.bugSwitchToWeb)) channel = 'web';
    at = checkoutAt + (rng.chance(0.5) ? rng.int(2, 45) * MINUTE : HOUR + rng.exp(1.5 * DAY));
    if (at >= LAST_START || (c.stopsAtCutoff && at >= CHURN_AT)) return;
  }
}

function browseSession(rng: Rng, c: DemoCustomer, at: number): DemoSession {
  const category = rng.chance(0.4) ? c.favoriteCategory : categoryAt(rng, at);
  const product = rng.pick(PRODUCTS_BY_CATEGORY.get(category)!);
  const channel = rng.chance(0.7) ? c.primaryChannel : CHANNEL_MIX.sample(rng);
  const steps = funnelTimes(rng, at, BROWSE_DEPTH.sample(rng));
  return newSession(c, channel, steps, product, product.priceCents);
}

/** Strictly increasing times for the first `depth` funnel steps from `start` (purchase is added by the caller). */
function funnelTimes(rng: Rng, start: number, depth: number): number[] {
  const t0 = Math.floor(start);
  const steps = [t0];
  if (depth > 1) steps.push(steps[0]! + rng.int(5, 90) * 1000);
  if (depth > 2) steps.push(steps[1]! + rng.int(30, 600) * 1000);
  if (depth > 3) steps.push(steps[2]! + rng.int(30, 400) * 1000);
  return steps;
}

function newSession(c: DemoCustomer, channel: OrderChannel, steps: number[], product: Product, cartCents: number): DemoSession {
  const appVersion = channel === 'mobile_app' ? appVersionAt(steps[0]!) : null;
  return { id: '', customer: c, channel, appVersion, steps, product, cartCents, order: null };
}

function newOrder(c: DemoCustomer, at: number, channel: OrderChannel, lines: DemoLine[]): DemoOrder {
  return { externalId: '', customer: c, kind: 'order', at, channel, lines, revenueCents: revenueOf(lines), original: null };
}
