/**
 * Nelder–Mead downhill simplex (Nelder & Mead 1965), with the standard coefficients
 * reflection 1, expansion 2, contraction 1/2, shrink 1/2 (Lagarias et al. 1998 variant: inside and outside
 * contractions). Derivative-free; good for small n (≲ 10) and as a cross-check of gradient-based fits.
 */
import { sanitize, type MinimizeResult, type Objective } from './types.ts';

export interface NelderMeadOptions {
  /** Maximum simplex iterations. Default 200·n. */
  maxIterations?: number;
  /** Maximum objective evaluations. Default 400·n. */
  maxEvaluations?: number;
  /**
   * Convergence on function values: stop when max_i |f_i − f_best| ≤ tolerance·(|f_best| + tolerance)
   * AND the simplex is small (see `xTolerance`). Default 1e-10.
   */
  tolerance?: number;
  /** Convergence on points: max over vertices and coordinates of |x_i − x_best| ≤ xTolerance. Default 1e-8. */
  xTolerance?: number;
  /**
   * Initial simplex: vertex i = x0 + step_i·e_i. A number applies to every coordinate.
   * Default step_i = 0.1·|x0_i|, or 0.1 when x0_i = 0.
   */
  initialStep?: number | readonly number[];
}

export function nelderMead(f: Objective, x0: readonly number[], options: NelderMeadOptions = {}): MinimizeResult {
  const n = x0.length;
  if (n === 0) throw new Error('nelderMead: x0 must have at least one coordinate');
  const maxIterations = options.maxIterations ?? 200 * n;
  const maxEvaluations = options.maxEvaluations ?? 400 * n;
  const ftol = options.tolerance ?? 1e-10;
  const xtol = options.xTolerance ?? 1e-8;
  const stepFor = (i: number): number => {
    const s = options.initialStep;
    if (typeof s === 'number') return s;
    if (s !== undefined) {
      const v = s[i];
      if (v === undefined) throw new Error('nelderMead: initialStep array must have length n');
      return v;
    }
    const xi = x0[i] ?? 0;
    return xi === 0 ? 0.1 : 0.1 * Math.abs(xi);
  };

  let evaluations = 0;
  const evaluate = (x: readonly number[]): number => {
    evaluations++;
    return sanitize(f(x));
  };

  // Simplex as n+1 vertices with values, kept sorted best → worst.
  const pts: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] = (p[i] ?? 0) + stepFor(i);
    pts.push(p);
  }
  const vals = pts.map(evaluate);
  const order = (): void => {
    const idx = pts.map((_, i) => i).sort((a, b) => (vals[a] ?? 0) - (vals[b] ?? 0));
    const p2 = idx.map((i) => pts[i] as number[]);
    const v2 = idx.map((i) => vals[i] as number);
    for (let i = 0; i <= n; i++) {
      pts[i] = p2[i] as number[];
      vals[i] = v2[i] as number;
    }
  };
  const combine = (c: readonly number[], w: readonly number[], t: number): number[] =>
    c.map((ci, j) => ci + t * ((w[j] ?? 0) - ci)); // c + t·(w − c)

  let iterations = 0;
  let converged = false;
  let message = 'maximum iterations reached';
  order();
  while (iterations < maxIterations) {
    const best = pts[0] as number[];
    const fBest = vals[0] as number;
    let fSpread = 0;
    let xSpread = 0;
    for (let i = 1; i <= n; i++) {
      fSpread = Math.max(fSpread, Math.abs((vals[i] as number) - fBest));
      const p = pts[i] as number[];
      for (let j = 0; j < n; j++) xSpread = Math.max(xSpread, Math.abs((p[j] as number) - (best[j] as number)));
    }
    if (Number.isFinite(fBest) && fSpread <= ftol * (Math.abs(fBest) + ftol) && xSpread <= xtol) {
      converged = true;
      message = 'simplex converged';
      break;
    }
    if (evaluations >= maxEvaluations) {
      message = 'maximum evaluations reached';
      break;
    }
    iterations++;

    // Centroid of all vertices but the worst.
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      const p = pts[i] as number[];
      for (let j = 0; j < n; j++) centroid[j] = (centroid[j] as number) + (p[j] as number) / n;
    }
    const worst = pts[n] as number[];
    const fWorst = vals[n] as number;
    const fSecond = vals[n - 1] as number;

    const xr = combine(centroid, worst, -1); // reflection
    const fr = evaluate(xr);
    if (fr < fBest) {
      const xe = combine(centroid, worst, -2); // expansion
      const fe = evaluate(xe);
      if (fe < fr) replaceWorst(xe, fe);
      else replaceWorst(xr, fr);
    } else if (fr < fSecond) {
      replaceWorst(xr, fr);
    } else {
      // Contraction: outside if the reflected point beats the worst, inside otherwise.
      const outside = fr < fWorst;
      const xc = outside ? combine(centroid, worst, -0.5) : combine(centroid, worst, 0.5);
      const fc = evaluate(xc);
      if (fc < (outside ? fr : fWorst)) {
        replaceWorst(xc, fc);
      } else {
        // Shrink toward the best vertex.
        for (let i = 1; i <= n; i++) {
          pts[i] = combine(best, pts[i] as number[], 0.5);
          vals[i] = evaluate(pts[i] as number[]);
        }
      }
    }
    order();
  }

  function replaceWorst(x: number[], fx: number): void {
    pts[n] = x;
    vals[n] = fx;
  }

  return {
    x: (pts[0] as number[]).slice(),
    fx: vals[0] as number,
    iterations,
    evaluations,
    gradientEvaluations: 0,
    converged,
    message,
  };
}
