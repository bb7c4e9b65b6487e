/**
 * Simple customer lifetime value from a BG/NBD purchase model and a Gamma-Gamma spend model
 * (Fader, Hardie & Lee 2005b, "RFM and CLV"): expected future purchases × expected value per purchase.
 *
 * Undiscounted:  CLV(h) = E[Y(h) | x, t_x, T] · E[Z | x, zbar].
 * Discounted:    the horizon is cut into K equal steps of length Δ = h/K, and the purchases expected in step k,
 *                E[Y(kΔ)] − E[Y((k−1)Δ)], are discounted to the end of that step:
 *                CLV(h) = E[Z] · Σ_{k=1..K} (E[Y(kΔ)] − E[Y((k−1)Δ)]) / (1 + d)^{kΔ},
 *                with d the discount rate per model time unit (e.g. a weekly rate when the model is in weeks:
 *                an annual rate D gives d = (1 + D)^{1/52} − 1). With d = 0 both forms agree exactly.
 * The product form assumes spend is independent of the purchase process, as the Gamma-Gamma model does.
 * Values are revenue (or profit, if the transaction values were margins); apply a margin outside.
 */
import { bgnbdConditionalExpectedPurchases, type BgNbdObservation, type BgNbdParams } from './bgnbd.ts';
import { gammaGammaConditionalExpectedValue, type GammaGammaParams } from './gammaGamma.ts';

export interface ClvCustomer extends BgNbdObservation {
  /** Mean value of the x repeat calibration transactions (ignored when x = 0). */
  zbar: number;
}

export interface ClvOptions {
  /** Horizon length in the model's time unit (the unit T and t_x were measured in). */
  horizon: number;
  /** Discount rate per time unit. Default 0 (undiscounted). */
  discountRate?: number;
  /** Steps the horizon is cut into when discounting. Default ceil(horizon) (one step per time unit). */
  steps?: number;
}

export interface ClvParams {
  bgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
}

export interface ClvEstimate {
  /** E[Y(h) | x, t_x, T]: expected purchases over the horizon (undiscounted). */
  expectedPurchases: number;
  /** E[Z | x, zbar]: expected value per purchase. */
  expectedValue: number;
  /** (Discounted) expected value of the horizon's purchases. */
  clv: number;
}

export function customerLifetimeValue(params: ClvParams, customer: ClvCustomer, options: ClvOptions): ClvEstimate {
  const { horizon } = options;
  const d = options.discountRate ?? 0;
  if (!(horizon >= 0 && Number.isFinite(horizon))) throw new Error('horizon must be a finite number ≥ 0');
  if (!(d > -1)) throw new Error('discountRate must be > −1');
  const expectedValue = gammaGammaConditionalExpectedValue(params.gammaGamma, customer);
  const expectedPurchases = bgnbdConditionalExpectedPurchases(params.bgnbd, horizon, customer);
  if (d === 0 || horizon === 0) return { expectedPurchases, expectedValue, clv: expectedPurchases * expectedValue };

  const steps = options.steps ?? Math.max(1, Math.ceil(horizon));
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error('steps must be a positive integer');
  const dt = horizon / steps;
  let previous = 0;
  let discountedPurchases = 0;
  for (let k = 1; k <= steps; k++) {
    const t = k === steps ? horizon : k * dt;
    const cumulative = k === steps ? expectedPurchases : bgnbdConditionalExpectedPurchases(params.bgnbd, t, customer);
    discountedPurchases += (cumulative - previous) / (1 + d) ** t;
    previous = cumulative;
  }
  return { expectedPurchases, expectedValue, clv: discountedPurchases * expectedValue };
}
