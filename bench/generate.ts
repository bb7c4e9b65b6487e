import { mkdirSync } from 'node:fs';
import { generateEvents } from './events.ts';
import { exponential, geometric, indexSampler, int, lognormal, rng, weighted, type Rand } from './random.ts';
import {
  BENCH_START, CATEGORIES, CHANNELS, ChunkWriter, COUNTRIES, DAY_MS, END_MS, iso, ms, round2, SOURCE, type Table,
} from './shop.ts';

/**
 * Deterministic synthetic shop at any scale, written as COPY-text chunk files (one set, loaded into every engine).
 * Distributions (chosen to look like real e-commerce, not fitted to a data set):
 * - signups grow linearly over the three years (density ∝ t); 8% of customers never order;
 * - orders per buyer are heavy-tailed: 1 each, the rest drawn ∝ lognormal(0, 1.1) × active span, where the active
 *   span ends after an exponential lifetime (mean 500 days) — many one-off buyers, a few whales;
 * - 3% guest orders (no customer), 4% returns (repeat customers only, revenue 0, one negative line);
 * - a preferred channel (80% of a customer's orders) and a favourite category (60% of lines);
 * - lines per order 1 + geometric (mean `linesPerOrder`), quantity 1 + geometric, unit price lognormal per category;
 * - November/December busier (×1.3/×1.5).
 * Rows are written in time order with ids ascending in time, as an import of a live shop would leave them.
 */
export interface ShopSize {
  customers: number;
  orders: number;
  events: number;
  /** Mean order lines per order (≥ 1). */
  linesPerOrder?: number;
  seed?: number;
  /** Rows per chunk file (= per COPY call). */
  chunkRows?: number;
}

export interface GeneratedShop {
  dir: string;
  files: Record<Table, string[]>;
  counts: Record<Table, number> & { returns: number; guestOrders: number; sessions: number };
  ms: number;
}

/** What the event generator needs to know about the customers. */
export interface Population {
  n: number;
  signup: Float64Array;
  /** Order-activity weight (0 = never orders): active customers browse more. */
  weight: Float64Array;
  /** End of the customer's active life (exponential lifetime after signup, capped at the end of the data). */
  activeEnd: Float64Array;
  channel: string[];
  /** Index into CATEGORIES of the favourite category. */
  category: Uint8Array;
}

const pickCountry = weighted(COUNTRIES.map(([c, w]) => [c, w] as const));
const pickChannel = weighted(CHANNELS);
const pickCategory = weighted(CATEGORIES.map(([c, w], i) => [i, w] as const));
const SEASON = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.3, 1.5];

/** A time in [lo, hi), with busier months more likely (rejection sampling against the seasonal factor). */
function seasonalTime(r: Rand, lo: number, hi: number): number {
  for (let i = 0; i < 8; i++) {
    const t = lo + r() * (hi - lo);
    if (r() * 1.5 < SEASON[new Date(t).getUTCMonth()]!) return t;
  }
  return lo + r() * (hi - lo);
}

export function generateShop(dir: string, size: ShopSize): GeneratedShop {
  const started = performance.now();
  mkdirSync(dir, { recursive: true });
  const r = rng(size.seed ?? 42);
  const chunk = size.chunkRows ?? 100_000;
  const writer = (t: Table) => new ChunkWriter(dir, t, chunk);
  const pop = writeCustomers(r, size.customers, writer('customers'));
  const ordersW = writer('orders');
  const linesW = writer('order_lines');
  const o = writeOrders(r, pop, size, ordersW, linesW);
  const eventsW = writer('events');
  const sessions = generateEvents(r, pop, size.events, eventsW);
  return {
    dir,
    files: { customers: pop.files, orders: ordersW.files, order_lines: linesW.files, events: eventsW.files },
    counts: { customers: pop.n, orders: ordersW.rows, order_lines: linesW.rows, events: eventsW.rows, sessions, ...o },
    ms: performance.now() - started,
  };
}

function writeCustomers(r: Rand, n: number, w: ChunkWriter): Population & { files: string[] } {
  const start = ms(BENCH_START);
  const span = END_MS - start;
  const pop: Population = {
    n, signup: new Float64Array(n), weight: new Float64Array(n), activeEnd: new Float64Array(n), channel: [], category: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    // Inverse CDF of a density growing linearly in time; ids ascend with signup time.
    const signup = start + span * Math.sqrt((i + r()) / n);
    const country = pickCountry(r);
    const channel = pickChannel(r);
    pop.signup[i] = signup;
    pop.channel.push(channel);
    pop.category[i] = pickCategory(r);
    pop.activeEnd[i] = Math.min(signup + exponential(r, 500) * DAY_MS, END_MS - 1);
    const activeDays = (pop.activeEnd[i]! - signup) / DAY_MS;
    pop.weight[i] = r() < 0.08 ? 0 : lognormal(r, 0, 1.1) * (activeDays + 30);
    const id = i + 1;
    w.add([id, `Customer ${id}`, `customer${id}@example.com`, country, channel, iso(signup)]);
  }
  w.flush();
  return { ...pop, files: w.files };
}

/** Order headers per customer → one time-sorted list → orders + lines written in time order. */
function writeOrders(r: Rand, pop: Population, size: ShopSize, ordersW: ChunkWriter, linesW: ChunkWriter) {
  const guests = Math.round(size.orders * 0.03);
  const counts = allocateOrders(r, pop, size.orders - guests);
  const total = counts.reduce((s, c) => s + c, 0) + guests;
  const cust = new Int32Array(total);
  const time = new Float64Array(total);
  let k = 0;
  for (let i = 0; i < pop.n; i++) {
    const c = counts[i]!;
    if (c === 0) continue;
    const first = Math.min(pop.signup[i]! + exponential(r, 3) * DAY_MS, END_MS - 1);
    const last = Math.max(first, pop.activeEnd[i]!);
    cust[k] = i + 1;
    time[k++] = first;
    for (let j = 1; j < c; j++) {
      cust[k] = i + 1;
      time[k++] = seasonalTime(r, first, last);
    }
  }
  const start = ms(BENCH_START);
  for (; k < total; k++) {
    cust[k] = 0; // guest
    time[k] = seasonalTime(r, start, END_MS);
  }
  const order = Uint32Array.from({ length: total }, (_, i) => i).sort((a, b) => time[a]! - time[b]! || a - b);
  const seen = new Uint8Array(pop.n + 1);
  let returns = 0;
  const lineP = 1 / Math.max(1, size.linesPerOrder ?? 2.5);
  for (let n = 0; n < total; n++) {
    const idx = order[n]!;
    const c = cust[idx]!;
    const id = n + 1;
    const isReturn = c > 0 && seen[c] === 1 && r() < 0.04;
    if (c > 0) seen[c] = 1;
    const channel = c > 0 && r() < 0.8 ? pop.channel[c - 1]! : pickChannel(r);
    const country = c > 0 ? null : pickCountry(r); // identified orders take the customer's country (kpi_trend falls back)
    let revenue = 0;
    let lines = 0;
    if (isReturn) {
      returns++;
      const [cat, , mu] = CATEGORIES[pickCategory(r)]!;
      const price = round2(lognormal(r, mu, 0.5));
      linesW.add([id, 1, `${cat}-${int(r, 0, 199)}`, `${cat} item`, cat, -1, price, -price]);
      lines = 1;
    } else {
      lines = 1 + geometric(r, lineP);
      for (let l = 1; l <= lines; l++) {
        const ci = c > 0 && r() < 0.6 ? pop.category[c - 1]! : pickCategory(r);
        const [cat, , mu] = CATEGORIES[ci]!;
        const qty = 1 + geometric(r, 0.6);
        const price = round2(lognormal(r, mu, 0.5));
        const amount = round2(qty * price);
        revenue += amount;
        linesW.add([id, l, `${cat}-${int(r, 0, 199)}`, `${cat} item`, cat, qty, price, amount]);
      }
    }
    ordersW.add([id, SOURCE, `o${id}`, c || null, isReturn ? 'return' : 'order', iso(time[idx]!), channel, 'USD', country, isReturn ? 0 : round2(revenue), lines]);
  }
  ordersW.flush();
  linesW.flush();
  return { returns, guestOrders: guests };
}

/** One order per buyer (in id order, while orders last), the rest drawn ∝ weight: a heavy tail of frequent buyers. */
function allocateOrders(r: Rand, pop: Population, orders: number): Int32Array {
  const counts = new Int32Array(pop.n);
  let left = orders;
  for (let i = 0; i < pop.n && left > 0; i++) {
    if (pop.weight[i]! > 0) {
      counts[i] = 1;
      left--;
    }
  }
  if (left > 0) {
    const draw = indexSampler(pop.weight);
    for (; left > 0; left--) counts[draw(r)]!++;
  }
  return counts;
}
