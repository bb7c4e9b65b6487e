/**
 * BFGS quasi-Newton minimizer (Nocedal & Wright, "Numerical Optimization", 2nd ed., Algorithm 6.1) with an
 * Armijo backtracking line search (safeguarded quadratic interpolation) and the usual safeguards:
 * the inverse-Hessian update is skipped when the curvature condition sᵀy > 0 fails, the first update rescales
 * H₀ = (sᵀy / yᵀy)·I (eq. 6.20), and the search direction falls back to steepest descent if it is not a descent
 * direction. Non-finite objective values count as +Infinity, so the line search backs away from infeasible points.
 *
 * Without an analytic gradient, central differences are used (2n evaluations per gradient).
 */
import { sanitize, type Gradient, type MinimizeResult, type Objective } from './types.ts';

export interface BfgsOptions {
  /** Analytic gradient. Default: central finite differences. */
  gradient?: Gradient;
  /** Maximum quasi-Newton iterations. Default 200. */
  maxIterations?: number;
  /** Stop when ‖∇f‖∞ ≤ gradientTolerance·max(1, |f|). Default 1e-9. */
  gradientTolerance?: number;
  /**
   * Stop when a step changes f by at most tolerance·max(1, |f|) and moves x by at most
   * sqrt(tolerance)·max(1, ‖x‖∞). Default 1e-14.
   */
  tolerance?: number;
  /** Maximum ∞-norm of the first trial step (the first direction is unscaled −∇f). Default 1. */
  initialStep?: number;
  /** Relative step for central-difference gradients. Default 1e-5. */
  finiteDifferenceStep?: number;
}

const ARMIJO_C1 = 1e-4;
const MAX_BACKTRACKS = 60;

export function bfgs(f: Objective, x0: readonly number[], options: BfgsOptions = {}): MinimizeResult {
  const n = x0.length;
  if (n === 0) throw new Error('bfgs: x0 must have at least one coordinate');
  const maxIterations = options.maxIterations ?? 200;
  const gtol = options.gradientTolerance ?? 1e-9;
  const ftol = options.tolerance ?? 1e-14;
  const firstStep = options.initialStep ?? 1;
  const h = options.finiteDifferenceStep ?? 1e-5;

  let evaluations = 0;
  let gradientEvaluations = 0;
  const evaluate = (x: readonly number[]): number => {
    evaluations++;
    return sanitize(f(x));
  };
  const gradient = (x: readonly number[]): number[] => {
    gradientEvaluations++;
    if (options.gradient) return options.gradient(x);
    const g = new Array<number>(n);
    const xp = x.slice();
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      const hi = h * Math.max(1, Math.abs(xi));
      xp[i] = xi + hi;
      const fp = f(xp);
      xp[i] = xi - hi;
      const fm = f(xp);
      xp[i] = xi;
      evaluations += 2;
      g[i] = (fp - fm) / (2 * hi);
    }
    return g;
  };

  let x = x0.slice();
  let fx = evaluate(x);
  if (!Number.isFinite(fx)) throw new Error('bfgs: objective is not finite at the starting point');
  let g = gradient(x);
  // Inverse Hessian approximation, row-major n×n.
  let H = identity(n);
  let scaled = false;

  let iterations = 0;
  let converged = false;
  let message = 'maximum iterations reached';
  while (iterations < maxIterations) {
    if (!g.every(Number.isFinite)) {
      message = 'gradient is not finite';
      break;
    }
    if (normInf(g) <= gtol * Math.max(1, Math.abs(fx))) {
      converged = true;
      message = 'gradient norm below tolerance';
      break;
    }
    iterations++;

    let d = matVec(H, g).map((v) => -v);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      H = identity(n);
      scaled = false;
      d = g.map((v) => -v);
      slope = dot(g, d);
    }
    let step = 1;
    if (!scaled) step = Math.min(1, firstStep / normInf(d));

    // Armijo backtracking with safeguarded quadratic interpolation.
    let xNew = x;
    let fNew = Number.POSITIVE_INFINITY;
    let accepted = false;
    for (let k = 0; k < MAX_BACKTRACKS; k++) {
      xNew = x.map((xi, i) => xi + step * (d[i] as number));
      fNew = evaluate(xNew);
      if (fNew <= fx + ARMIJO_C1 * step * slope) {
        accepted = true;
        break;
      }
      const quad = Number.isFinite(fNew) ? (-slope * step * step) / (2 * (fNew - fx - slope * step)) : 0.1 * step;
      step = Math.min(0.5 * step, Math.max(0.1 * step, quad));
    }
    if (!accepted) {
      // No decrease possible along d: we are at the limit of floating-point resolution (or d is poor).
      converged = normInf(g) <= Math.sqrt(gtol) * Math.max(1, Math.abs(fx));
      message = 'line search could not decrease the objective';
      break;
    }

    const gNew = gradient(xNew);
    const s = xNew.map((v, i) => v - (x[i] as number));
    const y = gNew.map((v, i) => v - (g[i] as number));
    const sy = dot(s, y);
    const fPrev = fx;
    x = xNew;
    fx = fNew;
    g = gNew;
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (!scaled) {
        const scale = sy / dot(y, y);
        H = identity(n).map((v) => v * scale);
        scaled = true;
      }
      H = bfgsUpdate(H, s, y, 1 / sy);
    }
    if (
      Math.abs(fPrev - fx) <= ftol * Math.max(1, Math.abs(fx)) &&
      normInf(s) <= Math.sqrt(ftol) * Math.max(1, normInf(x))
    ) {
      converged = true;
      message = 'step and function change below tolerance';
      break;
    }
  }
  return { x, fx, iterations, evaluations, gradientEvaluations, converged, message };
}

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ  (Nocedal & Wright eq. 6.17). */
function bfgsUpdate(H: number[], s: number[], y: number[], rho: number): number[] {
  const n = s.length;
  const Hy = matVec(H, y);
  const yHy = dot(y, Hy);
  const out = new Array<number>(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const si = s[i] as number;
      const sj = s[j] as number;
      // Expanded form for symmetric H: H − ρ(Hy sᵀ + s yᵀH) + (ρ² yᵀHy + ρ) s sᵀ.
      out[i * n + j] =
        (H[i * n + j] as number) -
        rho * ((Hy[i] as number) * sj + si * (Hy[j] as number)) +
        (rho * rho * yHy + rho) * si * sj;
    }
  }
  return out;
}

function identity(n: number): number[] {
  const m = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

function matVec(m: readonly number[], v: readonly number[]): number[] {
  const n = v.length;
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < n; j++) acc += (m[i * n + j] as number) * (v[j] as number);
    out[i] = acc;
  }
  return out;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc += (a[i] as number) * (b[i] as number);
  return acc;
}

function normInf(v: readonly number[]): number {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}
