/** The whole demo shop as plain data, from a seed alone (no database, no clock, no Math.random). */
import { simulateCustomer, type DemoSession } from './activity.ts';
import { generateCustomers, type DemoCustomer } from './customers.ts';
import { buildEvents, type DemoEvent } from './events.ts';
import { generateFeedback, type DemoFeedback } from './feedback.ts';
import { makeReturns, type DemoOrder } from './orders.ts';
import { Rng } from './random.ts';

export interface DemoData {
  customers: DemoCustomer[];
  /** Orders (O000001…) and returns (R00001…), in time order. */
  orders: DemoOrder[];
  sessions: DemoSession[];
  events: DemoEvent[];
  feedback: DemoFeedback[];
}

const pad = (prefix: string, n: number, width: number) => `${prefix}${String(n).padStart(width, '0')}`;

export function generateDemo(options: { customers: number; seed: number }): DemoData {
  const root = new Rng(options.seed);
  const customers = generateCustomers(root.fork('customers'), options.customers);

  const sessions: DemoSession[] = [];
  const purchases: DemoOrder[] = [];
  for (const customer of customers) {
    const activity = simulateCustomer(root.fork(`activity:${customer.externalId}`), customer);
    for (const s of activity.sessions) sessions.push(s);
    for (const o of activity.orders) purchases.push(o);
  }
  // Customers are visited in index order, so stable sorts by time are deterministic.
  purchases.sort((a, b) => a.at - b.at);
  purchases.forEach((o, i) => (o.externalId = pad('O', i + 1, 6)));
  const returns = makeReturns(root.fork('returns'), purchases).sort((a, b) => a.at - b.at);
  returns.forEach((r, i) => (r.externalId = pad('R', i + 1, 5)));
  const orders = [...purchases, ...returns].sort((a, b) => a.at - b.at);

  sessions.sort((a, b) => a.steps[0]! - b.steps[0]!);
  sessions.forEach((s, i) => (s.id = pad('S', i + 1, 7)));
  const events = buildEvents(sessions);
  const feedback = generateFeedback(root.fork('feedback'), purchases, returns, sessions);
  return { customers, orders, sessions, events, feedback };
}
