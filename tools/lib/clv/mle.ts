import { bfgs } from '../optimize/bfgs.ts';
import { nelderMead } from '../optimize/nelderMead.ts';
import type { Gradient, MinimizeResult, Objective } from '../optimize/types.ts';

export interface MleOptions {
  method?: 'bfgs' | 'nelder-mead';
  maxIterations?: number;
}

/**
 * Minimize a per-customer mean negative log-likelihood over log-parameters, with the settings both BTYD models fit
 * with: BFGS on the analytic gradient by default, Nelder–Mead (derivative-free cross-check) on request.
 */
export function minimizeNegLogLikelihood(
  f: Objective,
  gradient: Gradient,
  start: readonly number[],
  options: MleOptions = {},
): MinimizeResult {
  return options.method === 'nelder-mead'
    ? nelderMead(f, start, {
        maxIterations: options.maxIterations ?? 5000,
        maxEvaluations: 20000,
        initialStep: 0.5,
        tolerance: 1e-13,
        xTolerance: 1e-9,
      })
    : bfgs(f, start, { gradient, maxIterations: options.maxIterations ?? 500, gradientTolerance: 1e-10 });
}
