/**
 * Seeded simulation of customer bases from the BG/NBD and Gamma-Gamma generative stories, for tests, benchmarks
 * and what-if analyses. Deterministic for a given seed (SplitMix32-style PRNG; not cryptographic).
 */
import { mulberry32 } from '../random.ts';
import type { BgNbdObservation, BgNbdParams } from './bgnbd.ts';
import type { GammaGammaParams } from './gammaGamma.ts';

export type Random = () => number;

/** Uniform [0, 1) generator from a 32-bit seed (Mulberry32, tools/lib/random.ts). */
export const seededRandom: (seed: number) => Random = mulberry32;

function standardNormal(rand: Random): number {
  // Box–Muller; 1 − u avoids ln 0.
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Gamma(shape, rate) by Marsaglia & Tsang (2000), with the U^{1/shape} boost for shape < 1. */
export function randomGamma(rand: Random, shape: number, rate: number): number {
  if (shape < 1) return randomGamma(rand, shape + 1, rate) * (1 - rand()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rand();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export function randomBeta(rand: Random, a: number, b: number): number {
  const x = randomGamma(rand, a, 1);
  return x / (x + randomGamma(rand, b, 1));
}

export interface SimulatedCustomer extends BgNbdObservation {
  /** Latent purchase rate and dropout probability used for this customer. */
  lambda: number;
  p: number;
  /** Whether the customer is still alive at T. */
  alive: boolean;
}

/**
 * Customers following the BG/NBD story (FHL 2005 §2): λ ~ Gamma(r, α), p ~ Beta(a, b); purchases arrive as a
 * Poisson(λ) process starting at the first purchase (time 0); after each repeat purchase the customer becomes
 * inactive with probability p. Ages T are drawn uniformly from [minT, maxT].
 */
export function simulateBgNbd(
  params: BgNbdParams,
  customers: number,
  options: { minT: number; maxT: number; seed?: number },
): SimulatedCustomer[] {
  const rand = seededRandom(options.seed ?? 1);
  const out: SimulatedCustomer[] = [];
  for (let i = 0; i < customers; i++) {
    const lambda = randomGamma(rand, params.r, params.alpha);
    const p = randomBeta(rand, params.a, params.b);
    const T = options.minT + (options.maxT - options.minT) * rand();
    let t = 0;
    let x = 0;
    let tx = 0;
    let alive = true;
    for (;;) {
      t += -Math.log(1 - rand()) / lambda;
      if (t > T) break;
      x++;
      tx = t;
      if (rand() < p) {
        alive = false;
        break;
      }
    }
    out.push({ x, tx, T, lambda, p, alive });
  }
  return out;
}

/**
 * Mean spend zbar of x transactions under the Gamma-Gamma story: ν ~ Gamma(q, v), each value z ~ Gamma(p, ν),
 * so x·zbar | ν ~ Gamma(px, ν). Returns 0 for x = 0.
 */
export function simulateGammaGammaMean(params: GammaGammaParams, x: number, rand: Random): number {
  if (x <= 0) return 0;
  const nu = randomGamma(rand, params.q, params.v);
  return randomGamma(rand, params.p * x, nu) / x;
}
