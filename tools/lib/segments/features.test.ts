import { describe, expect, it } from 'vitest';
import { buildFeatures, labelCluster, type CustomerBehaviour } from './features.ts';
import { rowOf } from './matrix.ts';

describe('features and labels', () => {
  const customer = (id: number, revenue: number, orders: number, recency: number, tenure: number, cat: string | null): CustomerBehaviour => ({
    customer_id: id, revenue, orders, aov: revenue / orders, recency_days: recency, tenure_days: tenure, main_category: cat,
  });

  it('z-scores numeric features, drops constant ones, keeps category indicators 0/1', () => {
    const m = buildFeatures([customer(1, 99, 1, 10, 10, 'Toys'), customer(2, 99, 1, 30, 10, 'Home'), customer(3, 99, 1, 20, 10, 'Home')]);
    // revenue, orders, tenure and AOV are the same for everyone → dropped; recency 10, 30, 20: mean 20, sd √(200/3).
    expect(m.names).toEqual(['recencyDays', 'cat:Home', 'cat:Toys']);
    const sd = Math.sqrt(200 / 3);
    const rows = [0, 1, 2].map((i) => rowOf(m.points, i));
    expect(rows.map((p) => p[0])).toEqual([-10 / sd, 10 / sd, 0]);
    expect(rows.map((p) => p.slice(1))).toEqual([[0, 1], [1, 0], [1, 0]]);
  });

  it('labels a centroid by its notable traits', () => {
    const m = buildFeatures([customer(1, 10, 1, 300, 300, 'Toys'), customer(2, 1000, 9, 5, 400, 'Home')]);
    // Two customers: every z-score is ±1, and each is 100% of their own main category (≥ 0.6 → "mostly").
    expect(labelCluster(rowOf(m.points, 1), m)).toBe('high value, frequent, recent, long-standing, big baskets, mostly Home');
    expect(labelCluster(rowOf(m.points, 0), m)).toBe('low value, infrequent, lapsed, new, small baskets, mostly Toys');
    expect(labelCluster(m.names.map(() => 0), m)).toBe('average');
  });
});
