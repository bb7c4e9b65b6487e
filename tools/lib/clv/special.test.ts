import { describe, expect, it } from 'vitest';
import { digamma, hyp2f1, logAddExp, logBeta, logGamma } from './special.ts';

describe('logGamma', () => {
  it('matches known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(2)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(100)).toBeCloseTo(359.13420536957539878, 10);
    expect(logGamma(0.01)).toBeCloseTo(4.5994798780420219, 12); // ln Γ(0.01)
    expect(logGamma(1e-8)).toBeCloseTo(18.420680738180209, 8);
  });
  it('satisfies the recurrence ln Γ(x+1) = ln Γ(x) + ln x', () => {
    for (const x of [0.013, 0.2426, 0.7929, 1.7, 4.4135, 33.3, 1234.5]) {
      expect(logGamma(x + 1) - logGamma(x)).toBeCloseTo(Math.log(x), 10);
    }
  });
  it('logBeta(1, 1) = 0 and B(2, 3) = 1/12', () => {
    expect(logBeta(1, 1)).toBeCloseTo(0, 14);
    expect(logBeta(2, 3)).toBeCloseTo(-Math.log(12), 14);
  });
});

describe('digamma', () => {
  it('matches known values', () => {
    const eulerGamma = 0.57721566490153286;
    expect(digamma(1)).toBeCloseTo(-eulerGamma, 13);
    expect(digamma(0.5)).toBeCloseTo(-eulerGamma - 2 * Math.LN2, 13);
    expect(digamma(10)).toBeCloseTo(2.2517525890667211, 13);
  });
  it('agrees with a numerical derivative of logGamma', () => {
    for (const x of [0.05, 0.3, 2.5, 7.1, 50]) {
      const h = 1e-5 * x;
      expect(digamma(x)).toBeCloseTo((logGamma(x + h) - logGamma(x - h)) / (2 * h), 5);
    }
  });
});

describe('logAddExp', () => {
  it('is stable for large magnitudes', () => {
    expect(logAddExp(-1000, -1000)).toBeCloseTo(-1000 + Math.LN2, 12);
    expect(logAddExp(1000, 0)).toBeCloseTo(1000, 12);
    expect(logAddExp(Number.NEGATIVE_INFINITY, 3)).toBe(3);
  });
});

describe('hyp2f1', () => {
  it('matches closed forms', () => {
    for (const z of [-0.9, -0.3, 0.1, 0.5, 0.9, 0.99]) {
      // 2F1(1, 1; 2; z) = −ln(1 − z)/z   (A&S 15.1.3)
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 10);
      // 2F1(a, b; b; z) = (1 − z)^(−a)   (A&S 15.1.8)
      expect(hyp2f1(0.37, 2.5, 2.5, z)).toBeCloseTo((1 - z) ** -0.37, 10);
    }
    // 2F1(1/2, 1/2; 3/2; z²) = arcsin(z)/z   (A&S 15.1.6)
    expect(hyp2f1(0.5, 0.5, 1.5, 0.25)).toBeCloseTo(Math.asin(0.5) / 0.5, 12);
  });
  it('terminates exactly for a non-positive integer a', () => {
    // 2F1(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1))
    expect(hyp2f1(-2, 3, 4, 0.5)).toBeCloseTo(1 - (2 * 3 * 0.5) / 4 + (3 * 4 * 0.25) / (4 * 5), 14);
  });
  it('converges for z close to 1', () => {
    expect(hyp2f1(1, 1, 2, 0.9999)).toBeCloseTo(-Math.log(1e-4) / 0.9999, 8);
  });
  it('guards against invalid input and non-convergence', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(/\|z\| < 1/);
    expect(() => hyp2f1(1, 1, -3, 0.5)).toThrow(/non-positive integer/);
    expect(() => hyp2f1(1, 1, 2, 0.999999, { maxTerms: 100 })).toThrow(/did not converge/);
  });
});
