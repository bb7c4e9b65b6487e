import { describe, expect, it } from 'vitest';
import {
  bgnbdConditionalExpectedPurchases,
  bgnbdExpectedPurchases,
  bgnbdLogLikelihood,
  bgnbdLogLikelihoodGradient,
  bgnbdProbabilityAlive,
  bgnbdProbabilityOfPurchases,
  fitBgNbd,
  type BgNbdParams,
} from './bgnbd.ts';
import { simulateBgNbd } from './simulate.ts';
import { cdnowSummary, hasCdnow } from './testing/cdnow.ts';

/** Published CDNOW estimates (FHL 2005), as rounded in the lifetimes / BTYD tests. */
const PUBLISHED: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const relErr = (got: number, want: number): number => Math.abs(got / want - 1);

describe('bgnbdLogLikelihood at hand-computed points', () => {
  const ones: BgNbdParams = { r: 1, alpha: 1, a: 1, b: 1 };
  // With r = α = 1, λ ~ Exp(1); with a = b = 1, p ~ U(0, 1). Integrating the individual likelihood by hand:
  it('x = 0, T = 1: E[e^{−λ}] = ∫ e^{−2λ} dλ = 1/2', () => {
    expect(bgnbdLogLikelihood(ones, [{ x: 0, tx: 0, T: 1 }])).toBeCloseTo(Math.log(1 / 2), 13);
  });
  it('x = 1, t_x = 1, T = 2: E[(1−p)] E[λe^{−2λ}] + E[p] E[λe^{−λ}] = ½·⅑ + ½·¼ = 13/72', () => {
    expect(bgnbdLogLikelihood(ones, [{ x: 1, tx: 1, T: 2 }])).toBeCloseTo(Math.log(13 / 72), 13);
  });
  it('sums over customers and rejects invalid data', () => {
    const two = bgnbdLogLikelihood(ones, [{ x: 0, tx: 0, T: 1 }, { x: 1, tx: 1, T: 2 }]);
    expect(two).toBeCloseTo(Math.log(1 / 2) + Math.log(13 / 72), 13);
    expect(() => bgnbdLogLikelihood(ones, [{ x: 1.5, tx: 1, T: 2 }])).toThrow(/integer/);
    expect(() => bgnbdLogLikelihood(ones, [{ x: 1, tx: 3, T: 2 }])).toThrow(/t_x/);
    expect(bgnbdLogLikelihood({ ...ones, r: -1 }, [{ x: 0, tx: 0, T: 1 }])).toBe(Number.NEGATIVE_INFINITY);
  });
  it('has an analytic gradient that matches central differences', () => {
    const data = [{ x: 0, tx: 0, T: 30 }, { x: 3, tx: 20.5, T: 35 }, { x: 1, tx: 2, T: 10 }, { x: 7, tx: 33, T: 34 }];
    const p: BgNbdParams = { r: 0.4, alpha: 3, a: 0.7, b: 2.2 };
    const g = bgnbdLogLikelihoodGradient(p, data);
    (['r', 'alpha', 'a', 'b'] as const).forEach((k, i) => {
      const h = 1e-6 * p[k];
      const up = bgnbdLogLikelihood({ ...p, [k]: p[k] + h }, data);
      const down = bgnbdLogLikelihood({ ...p, [k]: p[k] - h }, data);
      expect(g[i]).toBeCloseTo((up - down) / (2 * h), 5);
    });
  });
});

describe('BG/NBD predictions at the published CDNOW parameters', () => {
  it('P(X(t) = n) matches R BTYD and sums to 1', () => {
    expect(bgnbdProbabilityOfPurchases(PUBLISHED, 2, 10)).toBeCloseTo(1.07869e-7, 11);
    expect(bgnbdProbabilityOfPurchases(PUBLISHED, 39, 0)).toBeCloseTo(0.5737864, 6);
    let total = 0;
    let mean = 0;
    for (let n = 0; n < 400; n++) {
      const pn = bgnbdProbabilityOfPurchases(PUBLISHED, 3, n);
      total += pn;
      mean += n * pn;
    }
    expect(total).toBeCloseTo(1, 10);
    // E[X(t)] (eq. 9) agrees with Σ n·P(X(t) = n) (eq. 8).
    expect(bgnbdExpectedPurchases(PUBLISHED, 3)).toBeCloseTo(mean, 8);
  });

  it('conditional expected purchases for x=2, t_x=30.43, T=38.86, t=39 ≈ 1.226 (Hardie spreadsheet)', () => {
    expect(bgnbdConditionalExpectedPurchases(PUBLISHED, 39, { x: 2, tx: 30.43, T: 38.86 })).toBeCloseTo(1.226, 3);
  });

  it('P(alive | 2, 30.43, 38.86) ≈ 0.7266; 1 for x = 0', () => {
    expect(bgnbdProbabilityAlive(PUBLISHED, { x: 2, tx: 30.43, T: 38.86 })).toBeCloseTo(0.7266, 4);
    expect(bgnbdProbabilityAlive(PUBLISHED, { x: 0, tx: 0, T: 38.86 })).toBe(1);
  });

  it('E[Y(t) | x=0, t_x=0, T=0] equals E[X(t)], and both are 0 at t = 0', () => {
    for (const t of [0.5, 10, 78, 500]) {
      expect(bgnbdConditionalExpectedPurchases(PUBLISHED, t, { x: 0, tx: 0, T: 0 })).toBeCloseTo(
        bgnbdExpectedPurchases(PUBLISHED, t),
        12,
      );
    }
    expect(bgnbdExpectedPurchases(PUBLISHED, 0)).toBe(0);
  });

  it('stays finite for heavy buyers over long horizons', () => {
    // Untransformed, the series would reach (1 − z)^{−(r+x)} ≈ 1e500 here.
    const heavy = { x: 500, tx: 99.5, T: 100 };
    const y = bgnbdConditionalExpectedPurchases(PUBLISHED, 1000, heavy);
    const neverDropping = ((PUBLISHED.r + heavy.x) / (PUBLISHED.alpha + heavy.T)) * 1000;
    expect(y).toBeGreaterThan(0);
    expect(y).toBeLessThan(neverDropping);
  });

  it('handles a = 1 (removable singularity) continuously', () => {
    const near = (a: number): number => bgnbdExpectedPurchases({ ...PUBLISHED, a }, 20);
    expect(near(1)).toBeCloseTo(near(1 + 1e-6), 4);
    expect(near(1)).toBeCloseTo(near(1 - 1e-6), 4);
  });
});

describe.runIf(hasCdnow())('BG/NBD fitted on CDNOW_sample.txt (summary.ts, weeks, merged days, cal. end 1997-09-30)', () => {
  const { customers } = cdnowSummary();
  const t0 = performance.now();
  const fit = fitBgNbd(customers);
  const ms = performance.now() - t0;

  it('reproduces r, α, a, b within 1% and LL ≈ −9582.43', () => {
    console.log(`BG/NBD CDNOW fit: ${JSON.stringify(fit.params)} LL=${fit.logLikelihood.toFixed(4)} ` +
      `iterations=${fit.iterations} in ${ms.toFixed(1)} ms (${fit.message})`);
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(2357);
    expect(relErr(fit.params.r, 0.2426)).toBeLessThan(0.01);
    expect(relErr(fit.params.alpha, 4.4135)).toBeLessThan(0.01);
    expect(relErr(fit.params.a, 0.7929)).toBeLessThan(0.01);
    expect(relErr(fit.params.b, 2.4258)).toBeLessThan(0.01);
    expect(Math.abs(fit.logLikelihood - -9582.43)).toBeLessThan(0.1);
    expect(Math.abs(bgnbdLogLikelihood(PUBLISHED, customers) - -9582.43)).toBeLessThan(0.1);
  });

  it('Nelder–Mead and other starting points reach the same optimum', () => {
    const nm = fitBgNbd(customers, { method: 'nelder-mead' });
    const odd = fitBgNbd(customers, { initial: { r: 10, alpha: 100, a: 10, b: 10 } });
    for (const other of [nm, odd]) {
      expect(other.logLikelihood).toBeCloseTo(fit.logLikelihood, 5);
      (['r', 'alpha', 'a', 'b'] as const).forEach((k) => expect(relErr(other.params[k], fit.params[k])).toBeLessThan(1e-4));
    }
  });

  it('E[X(t)] at the fitted parameters matches 0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576', () => {
    const ts = [0.1429, 1, 3, 31.8571, 32, 78];
    const want = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    ts.forEach((t, i) => expect(Math.abs(bgnbdExpectedPurchases(fit.params, t) - (want[i] as number))).toBeLessThan(5e-4));
  });

  it('summed E[Y(39)] at the published parameters ≈ 1,653.9 (actual holdout: 1,882)', () => {
    const total = customers.reduce((s, c) => s + bgnbdConditionalExpectedPurchases(PUBLISHED, 39, c), 0);
    expect(total).toBeCloseTo(1653.9, 0);
  });
});

describe('BG/NBD on 100,000 simulated customers', () => {
  const truth: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const data = simulateBgNbd(truth, 100_000, { minT: 26, maxT: 39, seed: 42 });

  it('recovers the generating parameters (timing printed, not asserted)', () => {
    const t0 = performance.now();
    const fit = fitBgNbd(data);
    const ms = performance.now() - t0;
    console.log(`BG/NBD 100k synthetic fit: ${JSON.stringify(fit.params)} iterations=${fit.iterations} in ${ms.toFixed(0)} ms`);
    expect(fit.converged).toBe(true);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgnbdLogLikelihood(truth, data));
    expect(relErr(fit.params.r, truth.r)).toBeLessThan(0.05);
    expect(relErr(fit.params.alpha, truth.alpha)).toBeLessThan(0.05);
    expect(relErr(fit.params.a, truth.a)).toBeLessThan(0.15);
    expect(relErr(fit.params.b, truth.b)).toBeLessThan(0.15);
  });
});
