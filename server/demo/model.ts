/**
 * The demo shop's fixed facts: the time window, the planted truths (exported as DEMO for tests and tools) and the
 * behavioural parameters of the generator. docs/demo-data.md explains each planted truth and how to find it in SQL.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const YEAR = 365.25 * DAY;

const day = (iso: string) => Date.parse(`${iso}T00:00:00.000Z`);

export const DEMO = {
  source: 'demo',
  defaults: { customers: 5000, seed: 42 },
  /** All orders, events and feedback fall on these UTC days (inclusive); some customers signed up earlier. */
  firstDay: '2024-11-01',
  lastDay: '2026-10-31',
  /** The demo's "today": the day after the window. */
  today: '2026-11-01',
  currency: 'USD',
  orderChannels: ['web', 'mobile_app', 'marketplace', 'store'],
  signupChannels: ['web', 'mobile_app', 'marketplace', 'store', 'referral', 'social_ads'],
  funnel: ['visit', 'view', 'cart', 'checkout', 'purchase'],
  categories: ['Electronics', 'Home & Kitchen', 'Beauty', 'Apparel', 'Books', 'Sports', 'Toys'],
  themes: ['delivery_delay', 'product_quality', 'price_value', 'customer_service', 'app_bug', 'sizing_fit', 'praise'],
  /** 1. German customers acquired through the marketplace stop ordering after `lastActiveDay`. */
  churningSegment: {
    country: 'Germany',
    signupChannel: 'marketplace',
    lastActiveDay: '2026-05-31',
    story: 'the marketplace listing for Germany ended on 2026-06-01; customers it brought in stopped buying',
  },
  /** 2. 'delivery_delay' feedback share rises sharply in Aug–Oct 2026 (vs ~8% before), in both languages. */
  risingComplaint: {
    theme: 'delivery_delay',
    fromDay: '2026-08-01',
    toDay: '2026-10-31',
    story: 'a new logistics partner from August 2026: parcels arrive one to three weeks late',
  },
  /** 3. mobile_app checkout → purchase conversion halves in September 2026 (payment bug in app 4.2.0). */
  conversionDrop: {
    channel: 'mobile_app',
    fromStep: 'checkout',
    toStep: 'purchase',
    month: '2026-09',
    fromDay: '2026-09-01',
    toDay: '2026-09-30',
    appVersion: '4.2.0',
    fixedInVersion: '4.2.1',
    feedbackTheme: 'app_bug',
  },
  /** 4. A small high-value tier: the top 5% of customers by revenue produce at least 35% of revenue. */
  highValueTier: { topShare: 0.05, minRevenueShare: 0.35 },
  /** 5a. Customers who signed up through a referral are retained much better than the rest. */
  loyalCohort: { signupChannel: 'referral' },
  /** 5b. Beauty's share of revenue grows steadily over the two years. */
  growingCategory: { category: 'Beauty' },
} as const;

export const START = day(DEMO.firstDay);
/** Exclusive end of the window (= today, 00:00 UTC). */
export const END = day(DEMO.today);
export const CHURN_AT = day(DEMO.churningSegment.lastActiveDay) + DAY;
export const DELAY_FROM = day(DEMO.risingComplaint.fromDay);
export const BUG_FROM = day(DEMO.conversionDrop.fromDay);
export const BUG_TO = day(DEMO.conversionDrop.toDay) + DAY;
/** Customers who signed up before the window joined no earlier than this. */
export const EARLIEST_SIGNUP = day('2022-03-01');

export type OrderChannel = (typeof DEMO.orderChannels)[number];
export type SignupChannel = (typeof DEMO.signupChannels)[number];
export type Theme = (typeof DEMO.themes)[number];

/** Behavioural knobs of the generator (not promises: the planted truths are checked by SQL in the tests). */
export const PARAMS = {
  /** Share of customers who signed up before the window. */
  preWindowShare: 0.3,
  /** …of whom this share is still active when the window opens. */
  preWindowAlive: 0.75,
  /** Customers who register and never buy. */
  neverBuyShare: 0.1,
  /** BG/NBD-like heterogeneity: purchase rate λ (per year) ~ Gamma(shape, mean/shape); dropout p ~ Beta(a, b). */
  rateShape: 1.1,
  rateMean: 16.5,
  dropoutA: 1.1,
  dropoutB: 20,
  vipShare: 0.05,
  vipRate: 3,
  vipDropout: 0.35,
  vipSpend: 4,
  referralDropout: 0.2,
  /** Churning segment: purchase-rate boost and dropout multiplier before the cutoff; share that stops entirely. */
  churnRate: 1.3,
  churnDropout: 0.25,
  churnStopShare: 0.92,
  /** Checkout → purchase success probability per channel; mobile_app during the bug. */
  checkoutSuccess: { web: 0.72, mobile_app: 0.74, marketplace: 0.78, store: 0.9 } as Record<OrderChannel, number>,
  bugSuccess: 0.35,
  /** After a failed checkout: chance to try again (lower during the app bug, when a retry moves to the web with
   * bugSwitchToWeb). */
  retryShare: 0.5,
  bugRetryShare: 0.35,
  bugSwitchToWeb: 0.5,
  /** Sessions that end before checkout, per purchase intent. */
  browsePerIntent: 0.12,
  /** Share of orders with a free sample line (unit price 0). Returns: per line, by category (catalog.ts). */
  freeGiftShare: 0.03,
  /** Feedback: chance per order, plus the extra delivery complaints of the rising theme per order and month. */
  feedbackPerOrder: 0.1,
  delayExtra: { '2026-08': 0.025, '2026-09': 0.055, '2026-10': 0.06 } as Record<string, number>,
  /** Chance that a failed checkout (app during the bug; app or web otherwise) produces an app_bug complaint. */
  bugFeedback: 0.2,
  failFeedback: 0.01,
} as const;

/** Seasonal demand by UTC month (Jan = 0): November/December peaks, a quiet February. */
const MONTH_DEMAND = [0.85, 0.75, 0.9, 0.95, 1.0, 1.08, 0.95, 0.95, 1.0, 1.05, 1.5, 1.65];

/** Peak sale days: Singles' Day and 618 in China; Black Friday to Cyber Monday and Boxing Day elsewhere. */
function saleBoost(t: number, china: boolean): number {
  const d = new Date(t);
  const m = d.getUTCMonth();
  const dom = d.getUTCDate();
  if (china) {
    if (m === 10 && dom >= 10 && dom <= 11) return 3;
    if (m === 5 && dom >= 16 && dom <= 18) return 2;
    return 1;
  }
  if (m === 10) {
    const firstDow = new Date(Date.UTC(d.getUTCFullYear(), 10, 1)).getUTCDay();
    const blackFriday = 1 + ((5 - firstDow + 7) % 7) + 21;
    if (dom >= blackFriday && dom <= blackFriday + 3) return 2.5;
  }
  if (m === 11 && dom === 26) return 1.6;
  return 1;
}

/** Relative purchase demand at time t (1 = an ordinary day in May). */
export function demand(t: number, china: boolean): number {
  return MONTH_DEMAND[new Date(t).getUTCMonth()]! * saleBoost(t, china);
}

/** Upper bound of `demand`, for thinning. */
export const MAX_DEMAND = 1.65 * 3;

/** 'YYYY-MM' of a timestamp (UTC). */
export function monthOf(t: number): string {
  return new Date(t).toISOString().slice(0, 7);
}

/** Position of t in the window, 0 at the start and 1 at the end. */
export function windowFraction(t: number): number {
  return Math.min(1, Math.max(0, (t - START) / (END - START)));
}

/** Mobile app release current at time t. */
export function appVersionAt(t: number): string {
  if (t >= BUG_TO) return DEMO.conversionDrop.fixedInVersion;
  if (t >= BUG_FROM) return DEMO.conversionDrop.appVersion;
  if (t >= day('2026-04-15')) return '4.1.2';
  if (t >= day('2025-11-20')) return '4.0.5';
  if (t >= day('2025-06-10')) return '3.9.1';
  return '3.8.0';
}

/** Money in cents as a 2-decimal string, exact. */
export function cents(n: number): string {
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Relative shopping activity by local hour of day (lunch and evening peaks). */
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 2.5, 3, 3.5, 4, 5, 4.5, 4, 3.8, 3.8, 4, 4.5, 5.5, 6.5, 6.5, 5, 3];
const HOUR_CUMULATIVE = HOUR_WEIGHTS.map(
  (_, i) => HOUR_WEIGHTS.slice(0, i + 1).reduce((a, b) => a + b, 0) / HOUR_WEIGHTS.reduce((a, b) => a + b, 0),
);

/** The same local calendar day as t, at a typical shopping hour (uniform `u`, `v` in [0, 1) from the caller's Rng). */
export function atShoppingHour(t: number, utcOffsetHours: number, u: number, v: number): number {
  const offset = utcOffsetHours * HOUR;
  const dayStart = Math.floor((t + offset) / DAY) * DAY;
  let hour = 0;
  while (hour < 23 && HOUR_CUMULATIVE[hour]! <= u) hour++;
  return dayStart + hour * HOUR + Math.floor(v * HOUR) - offset;
}
