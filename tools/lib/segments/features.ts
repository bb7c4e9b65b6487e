/**
 * Behaviour features for clustering customers, their standardization and a readable label per cluster.
 *
 * Features (one row per customer, as of the date):
 *   logRevenue  = ln(1 + revenue)        money is heavy-tailed; the log keeps a few whales from being whole clusters
 *   logOrders   = ln(1 + orders)         same for order counts
 *   recencyDays = days since last order
 *   tenureDays  = days since first order
 *   logAov      = ln(1 + revenue ÷ orders)
 *   cat:<name>  = 1 if <name> is the customer's main category, for the 5 most common main categories (0 otherwise)
 * The numeric features are z-scored (mean 0, sd 1 over the clustered customers); a feature with sd 0 is dropped.
 * The category indicators stay 0/1: z-scoring a rare category would blow it up (a 5% category becomes ±4.4) and
 * make clusters mere category splits; at 0/1 two customers with different main categories differ by 2 in squared
 * distance, about one standard deviation on two numeric features.
 */

import type { Matrix } from './matrix.ts';

export interface CustomerBehaviour {
  customer_id: number;
  revenue: number;
  orders: number;
  aov: number;
  recency_days: number;
  tenure_days: number;
  main_category: string | null;
}

/** The numeric features, in column order (formulas: the header above and buildFeatures). */
const NUMERIC = ['logRevenue', 'logOrders', 'recencyDays', 'tenureDays', 'logAov'] as const;
type NumericFeature = (typeof NUMERIC)[number];

export const TOP_CATEGORIES = 5;

export interface FeatureMatrix {
  /** Feature names, in column order. */
  names: string[];
  /** One row per customer, in input order. */
  points: Matrix;
  /** Mean and sd of each numeric feature (for reading centroids back). */
  scale: Partial<Record<NumericFeature, { mean: number; sd: number }>>;
  categories: string[];
}

export function buildFeatures(customers: readonly CustomerBehaviour[]): FeatureMatrix {
  const n = customers.length;
  const scale: FeatureMatrix['scale'] = {};
  // Columns as typed arrays filled by plain loops (~90k customers: array methods with closures were ~3× slower), all
  // five in one pass over the customers (a pass per feature through a function per feature was ~60 ms of a ~700 ms
  // cluster call on the bench shop: one call site seeing five closures).
  const raw = Object.fromEntries(NUMERIC.map((name) => [name, new Float64Array(n)])) as Record<NumericFeature, Float64Array>;
  for (let i = 0; i < n; i++) {
    const c = customers[i]!;
    raw.logRevenue[i] = Math.log1p(Math.max(0, c.revenue));
    raw.logOrders[i] = Math.log1p(c.orders);
    raw.recencyDays[i] = c.recency_days;
    raw.tenureDays[i] = c.tenure_days;
    raw.logAov[i] = Math.log1p(Math.max(0, c.aov));
  }
  const columns: { name: string; values: Float64Array }[] = [];
  for (const name of NUMERIC) {
    const values = raw[name];
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i]!;
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
    const sd = Math.sqrt(squares / n);
    if (!(sd > 1e-12)) continue;
    scale[name] = { mean, sd };
    for (let i = 0; i < n; i++) values[i] = (values[i]! - mean) / sd;
    columns.push({ name, values });
  }
  const categories = topCategories(customers);
  for (const cat of categories) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) if (customers[i]!.main_category === cat) values[i] = 1;
    columns.push({ name: `cat:${cat}`, values });
  }
  const dims = columns.length;
  const data = new Float64Array(n * dims);
  for (let c = 0; c < dims; c++) {
    const values = columns[c]!.values;
    for (let i = 0; i < n; i++) data[i * dims + c] = values[i]!;
  }
  return { names: columns.map((c) => c.name), points: { n, dims, data }, scale, categories };
}

function topCategories(customers: readonly CustomerBehaviour[]): string[] {
  const counts = new Map<string, number>();
  for (const c of customers) if (c.main_category !== null) counts.set(c.main_category, (counts.get(c.main_category) ?? 0) + 1);
  // A category everyone shares carries no information.
  return [...counts.entries()]
    .filter(([, count]) => count < customers.length)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, TOP_CATEGORIES)
    .map(([cat]) => cat);
}

/** Traits read off a standardized centroid: |z| ≥ 0.5 sd from the average customer counts as notable. */
const TRAITS: { feature: NumericFeature; high: string; low: string }[] = [
  { feature: 'logRevenue', high: 'high value', low: 'low value' },
  { feature: 'logOrders', high: 'frequent', low: 'infrequent' },
  { feature: 'recencyDays', high: 'lapsed', low: 'recent' },
  { feature: 'tenureDays', high: 'long-standing', low: 'new' },
  { feature: 'logAov', high: 'big baskets', low: 'small baskets' },
];
const NOTABLE_Z = 0.5;
/** Every word a label can hold besides "mostly <category>" (answers translate them). */
export const LABEL_WORDS: readonly string[] = [...TRAITS.flatMap((t) => [t.high, t.low]), 'average'];
/** A cluster is "mostly <category>" when at least this share of it has that main category. */
const MOSTLY = 0.6;

export function labelCluster(centroid: readonly number[], matrix: FeatureMatrix): string {
  const at = (name: string) => matrix.names.indexOf(name);
  const parts: string[] = [];
  for (const t of TRAITS) {
    const i = at(t.feature);
    const z = i >= 0 ? centroid[i]! : 0;
    if (z >= NOTABLE_Z) parts.push(t.high);
    else if (z <= -NOTABLE_Z) parts.push(t.low);
  }
  for (const cat of matrix.categories) if ((centroid[at(`cat:${cat}`)] ?? 0) >= MOSTLY) parts.push(`mostly ${cat}`);
  return parts.length ? parts.join(', ') : 'average';
}
