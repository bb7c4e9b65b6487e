/**
 * Seeded randomness for the synthetic shop: the same seed gives the same data on every machine, so timings from two
 * runs (or two engines) are of the same rows.
 */
import { mulberry32 } from '../tools/lib/random.ts';

/** The project's seeded generator (tools/lib/random.ts). */
export const rng = mulberry32;

export type Rand = () => number;

export const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** Standard normal by Box–Muller. */
export function normal(r: Rand): number {
  const u = 1 - r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

export const lognormal = (r: Rand, mu: number, sigma: number) => Math.exp(mu + sigma * normal(r));
export const exponential = (r: Rand, mean: number) => -Math.log(1 - r()) * mean;
/** Number of failures before the first success: 0, 1, 2 … with mean (1 − p) / p. */
export const geometric = (r: Rand, p: number) => Math.floor(Math.log(1 - r()) / Math.log(1 - p));

/** Weighted choice among fixed values, through a cumulative table built once. */
export function weighted<T>(entries: readonly (readonly [T, number])[]): (r: Rand) => T {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let acc = 0;
  const cum = entries.map(([, w]) => (acc += w / total));
  return (r) => {
    const u = r();
    const i = cum.findIndex((c) => u < c);
    return entries[i === -1 ? entries.length - 1 : i]![0];
  };
}

/** Sample indexes proportionally to `weights` (binary search over the cumulative sums): O(log n) per draw. */
export function indexSampler(weights: Float64Array): (r: Rand) => number {
  const cum = new Float64Array(weights.length);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) cum[i] = acc += weights[i]!;
  return (r) => {
    const u = r() * acc;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}
