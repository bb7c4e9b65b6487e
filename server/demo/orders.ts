/** Order baskets (lines, prices, discounts, free gifts) and the returns that follow some orders. */
import { CATEGORIES, CATEGORY_BY_NAME, FREE_GIFT, PRODUCTS_BY_CATEGORY, type Product } from './catalog.ts';
import type { DemoCustomer } from './customers.ts';
import { DAY, END, HOUR, PARAMS, windowFraction, type OrderChannel } from './model.ts';
import { Rng, Weighted } from './random.ts';

export interface DemoLine {
  lineNo: number;
  product: Product;
  quantity: number;
  unitCents: number;
  amountCents: number;
}

export interface DemoOrder {
  externalId: string;
  customer: DemoCustomer;
  kind: 'order' | 'return';
  at: number;
  channel: OrderChannel;
  lines: DemoLine[];
  /** Σ amount of lines with quantity > 0 and unit price > 0; 0 for returns. */
  revenueCents: number;
  /** For a return: the order it sends items back from. */
  original: DemoOrder | null;
}

const LINE_COUNT = new Weighted([[1, 55], [2, 27], [3, 12], [4, 6]] as const);
const LINE_COUNT_VIP = new Weighted([[1, 30], [2, 32], [3, 22], [4, 16]] as const);
const SALE_DISCOUNT = [10, 15, 20, 25];
const EVERYDAY_DISCOUNT = [5, 10];

/** A category by its share at time t (growing categories gain over the window). */
export function categoryAt(rng: Rng, t: number): string {
  const f = windowFraction(t);
  return new Weighted(CATEGORIES.map((c) => [c.name, c.weight * (1 + (c.growth - 1) * f)] as const)).sample(rng);
}

/** Of `k` random products of the category, the dearest: big spenders pick pricier items. */
function pickProduct(rng: Rng, category: string, k: number): Product {
  const products = PRODUCTS_BY_CATEGORY.get(category)!;
  let best = rng.pick(products);
  for (let i = 1; i < k; i++) {
    const other = rng.pick(products);
    if (other.priceCents > best.priceCents) best = other;
  }
  return best;
}

export function makeBasket(rng: Rng, customer: DemoCustomer, t: number): DemoLine[] {
  const n = (customer.vip ? LINE_COUNT_VIP : LINE_COUNT).sample(rng);
  const k = customer.spend < 0.8 ? 1 : customer.spend < 1.6 ? 2 : customer.spend < 3 ? 3 : 4;
  const month = new Date(t).getUTCMonth();
  const discount =
    month >= 10 && rng.chance(0.45) ? rng.pick(SALE_DISCOUNT) : rng.chance(0.12) ? rng.pick(EVERYDAY_DISCOUNT) : 0;
  const lines: DemoLine[] = [];
  const used = new Set<string>();
  for (let i = 0; i < n; i++) {
    let product: Product | null = null;
    for (let attempt = 0; attempt < 6 && !product; attempt++) {
      const category = rng.chance(0.4) ? customer.favoriteCategory : categoryAt(rng, t);
      const candidate = pickProduct(rng, category, k);
      if (!used.has(candidate.code)) product = candidate;
    }
    if (!product) continue;
    used.add(product.code);
    const multi = product.category === 'Books' || product.category === 'Beauty' ? 0.25 : 0.1;
    const quantity = 1 + (rng.chance(Math.min(0.6, multi * (0.5 + customer.spend))) ? rng.int(1, 2) : 0);
    const unitCents = Math.round((product.priceCents * (100 - discount)) / 100);
    lines.push({ lineNo: lines.length + 1, product, quantity, unitCents, amountCents: quantity * unitCents });
  }
  if (rng.chance(PARAMS.freeGiftShare)) {
    lines.push({ lineNo: lines.length + 1, product: FREE_GIFT, quantity: 1, unitCents: 0, amountCents: 0 });
  }
  return lines;
}

export function revenueOf(lines: readonly DemoLine[]): number {
  let sum = 0;
  for (const l of lines) if (l.quantity > 0 && l.unitCents > 0) sum += l.amountCents;
  return sum;
}

/** Some orders come back (per line, by category return rate): a 'return' row with negative quantities. */
export function makeReturns(rng: Rng, orders: readonly DemoOrder[]): DemoOrder[] {
  const returns: DemoOrder[] = [];
  for (const order of orders) {
    const back = order.lines.filter(
      (l) => l.unitCents > 0 && rng.chance(CATEGORY_BY_NAME.get(l.product.category)!.returnRate),
    );
    if (back.length === 0) continue;
    const at = order.at + rng.int(3, 25) * DAY + rng.int(0, 10) * HOUR + rng.int(0, 3599) * 1000;
    if (at >= END) continue;
    returns.push({
      externalId: '',
      customer: order.customer,
      kind: 'return',
      at,
      channel: order.channel,
      lines: back.map((l, i) => ({ ...l, lineNo: i + 1, quantity: -l.quantity, amountCents: -l.amountCents })),
      revenueCents: 0,
      original: order,
    });
  }
  return returns;
}
