import { describe, expect, it } from 'vitest';
import { customerLifetimeValue, type ClvParams } from './clv.ts';
import {
  bgnbdConditionalExpectedPurchases,
  bgnbdExpectedPurchases,
  fitBgNbd,
  fitGammaGamma,
  gammaGammaConditionalExpectedValue,
} from './index.ts';
import { simulateBgNbd } from './simulate.ts';
import { cdnowSummary, hasCdnow } from './testing/cdnow.ts';

const PARAMS: ClvParams = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gammaGamma: { p: 6.25, q: 3.74, v: 15.44 },
};
const customer = { x: 2, tx: 30.43, T: 38.86, zbar: 22.35 };

describe('customerLifetimeValue', () => {
  it('undiscounted CLV is E[Y(h) | x, t_x, T] × E[Z | x, zbar]', () => {
    const est = customerLifetimeValue(PARAMS, customer, { horizon: 39 });
    expect(est.expectedPurchases).toBeCloseTo(bgnbdConditionalExpectedPurchases(PARAMS.bgnbd, 39, customer), 14);
    expect(est.expectedValue).toBeCloseTo(gammaGammaConditionalExpectedValue(PARAMS.gammaGamma, customer), 14);
    expect(est.clv).toBeCloseTo(est.expectedPurchases * est.expectedValue, 10);
    expect(est.expectedPurchases).toBeCloseTo(1.226, 3);
  });

  it('a zero discount rate with explicit steps equals the undiscounted value; discounting lowers it', () => {
    const plain = customerLifetimeValue(PARAMS, customer, { horizon: 52 });
    const zero = customerLifetimeValue(PARAMS, customer, { horizon: 52, discountRate: 0, steps: 13 });
    const disc = customerLifetimeValue(PARAMS, customer, { horizon: 52, discountRate: 0.002 });
    expect(zero.clv).toBeCloseTo(plain.clv, 12);
    expect(disc.clv).toBeLessThan(plain.clv);
    expect(disc.clv).toBeGreaterThan(plain.clv / 1.002 ** 52);
  });

  it('with (almost) no dropout, discounted CLV is a geometric sum of the posterior purchase rate', () => {
    // a → 0, b large: p ≈ 0, so E[Y(t)] ≈ t·(r + x)/(α + T) (gamma–Poisson posterior mean rate).
    const p: ClvParams = { bgnbd: { r: 2, alpha: 10, a: 1e-6, b: 1e6 }, gammaGamma: { p: 6, q: 4, v: 15 } };
    const c = { x: 3, tx: 5, T: 6, zbar: 20 };
    const rate = 5 / 16;
    const valuePerPurchase = (6 * (15 + 3 * 20)) / (6 * 3 + 4 - 1);
    let want = 0;
    for (let k = 1; k <= 10; k++) want += rate / 1.01 ** k;
    const est = customerLifetimeValue(p, c, { horizon: 10, discountRate: 0.01 });
    expect(est.expectedValue).toBeCloseTo(valuePerPurchase, 12);
    expect(est.clv / (want * valuePerPurchase)).toBeCloseTo(1, 4);
  });

  it('new customers (x = 0, T = 0) use E[X(h)] and the population mean spend', () => {
    const est = customerLifetimeValue(PARAMS, { x: 0, tx: 0, T: 0, zbar: 0 }, { horizon: 78 });
    expect(est.expectedPurchases).toBeCloseTo(bgnbdExpectedPurchases(PARAMS.bgnbd, 78), 12);
    expect(est.expectedValue).toBeCloseTo((6.25 * 15.44) / 2.74, 12);
  });

  it('validates options', () => {
    expect(() => customerLifetimeValue(PARAMS, customer, { horizon: -1 })).toThrow(/horizon/);
    expect(() => customerLifetimeValue(PARAMS, customer, { horizon: 5, discountRate: -2 })).toThrow(/discountRate/);
    expect(() => customerLifetimeValue(PARAMS, customer, { horizon: 5, discountRate: 0.1, steps: 0 })).toThrow(/steps/);
  });
});

describe.runIf(hasCdnow())('end to end on CDNOW', () => {
  it('fits both models and scores all 2,357 customers', () => {
    const { customers } = cdnowSummary();
    const t0 = performance.now();
    const params: ClvParams = { bgnbd: fitBgNbd(customers).params, gammaGamma: fitGammaGamma(customers).params };
    const total = customers.reduce((s, c) => s + customerLifetimeValue(params, c, { horizon: 39 }).clv, 0);
    console.log(`CDNOW: fit both models + 39-week CLV for 2,357 customers in ${(performance.now() - t0).toFixed(0)} ms; ` +
      `total expected holdout revenue ${total.toFixed(0)}`);
    expect(total).toBeGreaterThan(0);
  });
});

describe('scoring speed', () => {
  it('scores 100k simulated customers (timing printed)', () => {
    const data = simulateBgNbd(PARAMS.bgnbd, 100_000, { minT: 26, maxT: 39, seed: 3 });
    const t0 = performance.now();
    let total = 0;
    for (const c of data) total += customerLifetimeValue(PARAMS, { ...c, zbar: 30 }, { horizon: 52 }).clv;
    console.log(`100k customers scored (52-week CLV) in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(Number.isFinite(total)).toBe(true);
  });
});
