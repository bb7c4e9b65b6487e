import { describe, expect, it } from 'vitest';
import {
  fitGammaGamma,
  gammaGammaConditionalExpectedValue,
  gammaGammaLogLikelihood,
  gammaGammaPopulationMean,
  type GammaGammaParams,
} from './gammaGamma.ts';
import { seededRandom, simulateGammaGammaMean } from './simulate.ts';
import { cdnowSummary, hasCdnow } from './testing/cdnow.ts';

const relErr = (got: number, want: number): number => Math.abs(got / want - 1);

describe('Gamma-Gamma at hand-computed points', () => {
  it('density of zbar = 1 with x = 1, p = 1, q = 2, v = 1 is ∫ νe^{−ν} · νe^{−ν} dν = 1/4', () => {
    // z | ν ~ Exp(ν) (p = 1); ν ~ Gamma(2, 1) with density νe^{−ν}.
    expect(gammaGammaLogLikelihood({ p: 1, q: 2, v: 1 }, [{ x: 1, zbar: 1 }])).toBeCloseTo(Math.log(1 / 4), 13);
  });

  it('x = 2, zbar = 0.5, p = 1, q = 1, v = 1: 2·zbar | ν ~ Gamma(2, ν), density of zbar = ∫ 2·(ν²·1·e^{−ν})e^{−ν} dν = 1/2', () => {
    // f(s | ν) = ν² s e^{−νs} at s = 2·zbar = 1; f(zbar) = 2·f(s); ν ~ Exp(1).
    expect(gammaGammaLogLikelihood({ p: 1, q: 1, v: 1 }, [{ x: 2, zbar: 0.5 }])).toBeCloseTo(Math.log(0.5), 13);
  });

  it('ignores x = 0 rows and rejects non-positive zbar for repeaters', () => {
    const prm = { p: 1, q: 2, v: 1 };
    expect(gammaGammaLogLikelihood(prm, [{ x: 1, zbar: 1 }, { x: 0, zbar: 0 }])).toBeCloseTo(Math.log(1 / 4), 13);
    expect(() => gammaGammaLogLikelihood(prm, [{ x: 2, zbar: 0 }])).toThrow(/zbar/);
  });

  it('conditional expectation is the posterior mean p·E[1/ν | x, zbar]', () => {
    const prm: GammaGammaParams = { p: 1, q: 2, v: 3 };
    // Posterior ν | x=1, zbar=1 ~ Gamma(3, 4) → E[1/ν] = 4/2 = 2.
    expect(gammaGammaConditionalExpectedValue(prm, { x: 1, zbar: 1 })).toBeCloseTo(2, 14);
    expect(gammaGammaConditionalExpectedValue(prm, { x: 0, zbar: 0 })).toBeCloseTo(3, 14);
    expect(gammaGammaPopulationMean(prm)).toBe(3);
    expect(gammaGammaPopulationMean({ p: 1, q: 0.5, v: 1 })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe.runIf(hasCdnow())('Gamma-Gamma fitted on the 946 CDNOW repeaters', () => {
  const { customers } = cdnowSummary();
  const t0 = performance.now();
  const fit = fitGammaGamma(customers);
  const ms = performance.now() - t0;

  it('reproduces p, q, v within 1%', () => {
    console.log(`Gamma-Gamma CDNOW fit: ${JSON.stringify(fit.params)} LL=${fit.logLikelihood.toFixed(4)} ` +
      `iterations=${fit.iterations} in ${ms.toFixed(1)} ms (${fit.message})`);
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBe(946);
    expect(relErr(fit.params.p, 6.2488)).toBeLessThan(0.01);
    expect(relErr(fit.params.q, 3.7446)).toBeLessThan(0.01);
    expect(relErr(fit.params.v, 15.4478)).toBeLessThan(0.01);
    // README: LL = −4055.92 on the 2-dp zbar of the CSV; we use unrounded zbar.
    expect(Math.abs(fit.logLikelihood - -4055.92)).toBeLessThan(0.5);
    const nm = fitGammaGamma(customers, { method: 'nelder-mead' });
    expect(nm.logLikelihood).toBeCloseTo(fit.logLikelihood, 5);
  });

  it('conditional expected average profit for customers 1–10 matches Hardie note 025', () => {
    const want = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    const byId = new Map(customers.map((c) => [c.customerId, c]));
    want.forEach((w, i) => {
      const c = byId.get(String(i + 1));
      if (!c) throw new Error(`customer ${i + 1} missing`);
      expect(Math.abs(gammaGammaConditionalExpectedValue(fit.params, c) - w)).toBeLessThanOrEqual(0.02);
    });
    const mean = customers.reduce((s, c) => s + gammaGammaConditionalExpectedValue(fit.params, c), 0) / customers.length;
    expect(mean).toBeCloseTo(35.25, 1); // lifetimes Quickstart: 35.2529588
  });
});

describe('Gamma-Gamma on simulated repeaters', () => {
  it('recovers the generating parameters (timing printed, not asserted)', () => {
    const truth: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };
    const rand = seededRandom(7);
    const data = Array.from({ length: 100_000 }, () => {
      const x = 1 + Math.floor(rand() * 6);
      return { x, zbar: simulateGammaGammaMean(truth, x, rand) };
    });
    const t0 = performance.now();
    const fit = fitGammaGamma(data);
    console.log(`Gamma-Gamma 100k synthetic fit: ${JSON.stringify(fit.params)} in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaLogLikelihood(truth, data));
    expect(relErr(fit.params.p, truth.p)).toBeLessThan(0.05);
    expect(relErr(fit.params.q, truth.q)).toBeLessThan(0.05);
    expect(relErr(fit.params.v, truth.v)).toBeLessThan(0.1);
  });
});
