/**
 * Scoring a calibration cohort for customer_lifetime_value: BG/NBD and Gamma-Gamma fitted on the whole cohort (through
 * the fit cache), then every customer's P(alive), E[purchases over the horizon], E[value per purchase] and CLV
 * (clv.ts), the model summary the tool reports, the top customers by CLV and the holdout check.
 */
import { AppError } from '../../../server/errors.ts';
import { addDays, daysBetween } from '../clock.ts';
import { bgnbdConditionalExpectedPurchases, bgnbdProbabilityAlive } from './bgnbd.ts';
import { fitPurchaseModel, type CalibrationCustomer } from './calibration.ts';
import { customerLifetimeValue as estimateClv } from './clv.ts';
import type { FitCache } from './fitCache.ts';
import { gammaGammaPopulationMean } from './gammaGamma.ts';
import { DAYS_PER_UNIT, type TimeUnit } from './summary.ts';

export const round = (v: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
/** Model parameters span orders of magnitude (r ≈ 0.2, α ≈ 4, v ≈ 15): keep 6 significant digits, not decimals. */
export const sig = (v: number): number => Number(v.toPrecision(6));

export type Scored = CalibrationCustomer & { pAlive: number; expectedPurchases: number; expectedValue: number; clv: number };

/** Fit both models on the whole cohort and score every customer (totals need all of them, not just the listed). */
export async function scoreCustomers(customers: CalibrationCustomer[], args: { horizon: number; discountRate?: number | undefined }, fits: FitCache) {
  const bg = await fitPurchaseModel(customers, fits);
  // Gamma-Gamma needs zbar > 0; a repeat customer whose repeat days all had zero revenue carries no spend information.
  const spenders = customers.filter((c) => c.x > 0 && c.zbar > 0);
  if (spenders.length === 0) throw new AppError('invalid_argument', 'Gamma-Gamma needs a repeat purchase with revenue > 0 before calibrationEnd');
  const gg = await fits.gammaGamma(spenders);
  const params = { bgnbd: bg.params, gammaGamma: gg.params };
  // Discounting evaluates E[Y(t)] once per step; at most 120 steps keeps large cohorts fast at little cost in accuracy.
  const steps = Math.min(120, Math.max(1, Math.ceil(args.horizon)));
  const rows: Scored[] = customers.map((c) => {
    const est = estimateClv(params, c, { horizon: args.horizon, discountRate: args.discountRate, steps });
    return { ...c, pAlive: bgnbdProbabilityAlive(bg.params, c), ...est };
  });
  // q ≤ 1 means an infinite mean spend (gammaGammaPopulationMean): the data cannot pin the spend model down.
  if (gg.params.q <= 1 || rows.some((r) => !Number.isFinite(r.clv))) throw new AppError('invalid_argument', `the spend model is degenerate (q = ${sig(gg.params.q)} ≤ 1): too little repeat-purchase data`);
  return {
    rows,
    byId: new Map(rows.map((r) => [r.id, r])),
    gg,
    bg,
    model: {
      bgnbd: { r: sig(bg.params.r), alpha: sig(bg.params.alpha), a: sig(bg.params.a), b: sig(bg.params.b), logLikelihood: round(bg.logLikelihood, 4), converged: bg.converged, fromCache: fits.hits.bgnbd ?? false },
      gammaGamma: {
        p: sig(gg.params.p), q: sig(gg.params.q), v: sig(gg.params.v), logLikelihood: round(gg.logLikelihood, 4), customers: gg.customers,
        converged: gg.converged, populationMeanValue: round(gammaGammaPopulationMean(gg.params), 2), fromCache: fits.hits['gamma-gamma'] ?? false,
      },
      spendFrequencyCorrelation: correlation(spenders.map((c) => c.x), spenders.map((c) => c.zbar)),
    },
  };
}

/** The `limit` highest CLVs (ties: lower id first) without sorting every customer: a small sorted buffer. */
export function topByClv(rows: readonly Scored[], limit: number): Scored[] {
  const before = (a: Scored, b: Scored) => b.clv < a.clv || (b.clv === a.clv && a.id < b.id);
  const top: Scored[] = [];
  for (const r of rows) {
    if (top.length === limit && !before(r, top[limit - 1]!)) continue;
    let i = Math.min(top.length, limit - 1);
    while (i > 0 && before(r, top[i - 1]!)) i--;
    top.splice(i, 0, r);
    if (top.length > limit) top.pop();
  }
  return top;
}

/**
 * Actual vs predicted repeat transactions of the calibration cohort after calibrationEnd (FHL 2005 §4 compare the
 * same aggregate over their 39-week holdout). When the data ends before calibrationEnd + horizon, both sides cover
 * only the observed span.
 */
export function holdoutCheck(scored: Awaited<ReturnType<typeof scoreCustomers>>, calibrationEnd: string, holdoutEnd: string, last: string, unit: TimeUnit) {
  const to = holdoutEnd < last ? holdoutEnd : last;
  const span = daysBetween(calibrationEnd, to) / DAYS_PER_UNIT[unit];
  let predicted = 0;
  let actual = 0;
  for (const c of scored.rows) {
    predicted += bgnbdConditionalExpectedPurchases(scored.bg.params, span, c);
    actual += c.holdoutCount;
  }
  return { from: addDays(calibrationEnd, 1), to, complete: holdoutEnd <= last, actualTransactions: actual, predictedTransactions: round(predicted, 2) };
}

/** Pearson r of x and zbar among repeaters: Gamma-Gamma assumes spend independent of frequency (FHL 2005b §4). */
function correlation(xs: number[], ys: number[]): number | null {
  const n = xs.length;
  const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / n;
  const [mx, my] = [mean(xs), mean(ys)];
  let [sxy, sxx, syy] = [0, 0, 0];
  xs.forEach((x, i) => {
    const [dx, dy] = [x - mx, (ys[i] as number) - my];
    [sxy, sxx, syy] = [sxy + dx * dy, sxx + dx * dx, syy + dy * dy];
  });
  return n >= 3 && sxx > 0 && syy > 0 ? round(sxy / Math.sqrt(sxx * syy), 4) : null;
}
