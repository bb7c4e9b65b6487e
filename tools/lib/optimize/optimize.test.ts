import { describe, expect, it } from 'vitest';
import { bfgs, nelderMead } from './index.ts';

const rosenbrock = (x: readonly number[]): number => {
  const [a = 0, b = 0] = x;
  return 100 * (b - a * a) ** 2 + (1 - a) ** 2;
};
const rosenbrockGradient = (x: readonly number[]): number[] => {
  const [a = 0, b = 0] = x;
  return [-400 * a * (b - a * a) - 2 * (1 - a), 200 * (b - a * a)];
};

// f(x) = ½ (x − c)ᵀ A (x − c) + 7 with A symmetric positive definite: minimum 7 at c.
const A = [
  [4, 1, 0.5],
  [1, 3, -0.2],
  [0.5, -0.2, 2],
];
const c = [1.5, -2, 0.25];
const quadratic = (x: readonly number[]): number => {
  const d = x.map((v, i) => v - (c[i] as number));
  let acc = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) acc += (d[i] as number) * (A[i]?.[j] as number) * (d[j] as number);
  return 0.5 * acc + 7;
};

describe('nelderMead', () => {
  it('finds the Rosenbrock minimum (1, 1) from (−1.2, 1)', () => {
    const res = nelderMead(rosenbrock, [-1.2, 1], { maxIterations: 2000, tolerance: 1e-14, xTolerance: 1e-10 });
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(1, 6);
    expect(res.x[1]).toBeCloseTo(1, 6);
    expect(res.fx).toBeLessThan(1e-12);
  });

  it('finds the minimum of a 3-d quadratic', () => {
    const res = nelderMead(quadratic, [0, 0, 0], { initialStep: 1, tolerance: 1e-14, xTolerance: 1e-9 });
    expect(res.converged).toBe(true);
    res.x.forEach((v, i) => expect(v).toBeCloseTo(c[i] as number, 6));
    expect(res.fx).toBeCloseTo(7, 12);
  });

  it('treats NaN as +Infinity and stays in the feasible region', () => {
    const f = (x: readonly number[]): number => ((x[0] as number) <= 0 ? NaN : (x[0] as number) - Math.log(x[0] as number));
    const res = nelderMead(f, [3], { tolerance: 1e-14, xTolerance: 1e-10 });
    expect(res.x[0]).toBeCloseTo(1, 6);
  });

  it('reports non-convergence when the budget is exhausted', () => {
    const res = nelderMead(rosenbrock, [-1.2, 1], { maxIterations: 5 });
    expect(res.converged).toBe(false);
    expect(res.iterations).toBe(5);
  });
});

describe('bfgs', () => {
  it('finds the Rosenbrock minimum with an analytic gradient', () => {
    const res = bfgs(rosenbrock, [-1.2, 1], { gradient: rosenbrockGradient });
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(1, 7);
    expect(res.x[1]).toBeCloseTo(1, 7);
    expect(res.iterations).toBeLessThan(100);
  });

  it('finds the Rosenbrock minimum with finite-difference gradients', () => {
    const res = bfgs(rosenbrock, [-1.2, 1]);
    expect(res.x[0]).toBeCloseTo(1, 5);
    expect(res.x[1]).toBeCloseTo(1, 5);
  });

  it('solves a 3-d quadratic in a handful of iterations', () => {
    const res = bfgs(quadratic, [10, 10, 10]);
    expect(res.converged).toBe(true);
    res.x.forEach((v, i) => expect(v).toBeCloseTo(c[i] as number, 7));
    expect(res.fx).toBeCloseTo(7, 12);
    expect(res.iterations).toBeLessThan(20);
  });

  it('backs away from infeasible (non-finite) regions', () => {
    const f = (x: readonly number[]): number => ((x[0] as number) <= 0 ? NaN : (x[0] as number) - Math.log(x[0] as number));
    const res = bfgs(f, [3], { initialStep: 10 });
    expect(res.x[0]).toBeCloseTo(1, 6);
  });

  it('rejects a non-finite starting point', () => {
    expect(() => bfgs(() => NaN, [0])).toThrow(/not finite/);
  });
});
