/** Shared types for the derivative-free and quasi-Newton minimizers. */

/** Objective to minimize. May return NaN/±Infinity for infeasible points; minimizers treat those as +Infinity. */
export type Objective = (x: readonly number[]) => number;

/** Gradient of an objective. Must return an array of the same length as `x`. */
export type Gradient = (x: readonly number[]) => number[];

export interface MinimizeResult {
  /** Best point found. */
  x: number[];
  /** Objective value at `x`. */
  fx: number;
  /** Iterations performed (simplex steps for Nelder–Mead, quasi-Newton steps for BFGS). */
  iterations: number;
  /** Objective evaluations (gradient evaluations are counted separately). */
  evaluations: number;
  /** Gradient evaluations (0 for Nelder–Mead). */
  gradientEvaluations: number;
  /** True when a convergence test passed; false when the iteration/evaluation budget ran out or progress stalled. */
  converged: boolean;
  /** Human-readable reason for stopping. */
  message: string;
}

/** Finite value or +Infinity, so comparisons never see NaN. */
export function sanitize(v: number): number {
  return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
}
