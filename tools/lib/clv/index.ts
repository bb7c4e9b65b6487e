/**
 * Customer-lifetime-value math (pure, no database):
 * - {@link summarizeTransactions}: transaction log → per-customer x, t_x, T, zbar and holdout counts.
 * - BG/NBD (Fader, Hardie & Lee 2005): likelihood, MLE fit, E[X(t)], E[Y(t) | x, t_x, T], P(alive), P(X(t) = n).
 * - Gamma-Gamma (Fader, Hardie & Lee 2005b; Fader & Hardie 2013): likelihood, MLE fit, E[Z | x, zbar].
 * - {@link customerLifetimeValue}: E[Y(h)] × E[Z], optionally discounted.
 */
export {
  DAYS_PER_UNIT,
  fromDayNumber,
  summarizeTransactions,
  toDayNumber,
  type CustomerSummary,
  type RfmSummary,
  type SummaryOptions,
  type TimeUnit,
  type Transaction,
} from './summary.ts';
export {
  bgnbdConditionalExpectedPurchases,
  bgnbdExpectedPurchases,
  bgnbdLogLikelihood,
  bgnbdLogLikelihoodGradient,
  bgnbdProbabilityAlive,
  bgnbdProbabilityOfPurchases,
  fitBgNbd,
  type BgNbdFit,
  type BgNbdObservation,
  type BgNbdParams,
  type BgNbdFitOptions,
} from './bgnbd.ts';
export {
  fitGammaGamma,
  gammaGammaConditionalExpectedValue,
  gammaGammaLogLikelihood,
  gammaGammaPopulationMean,
  type GammaGammaFit,
  type GammaGammaFitOptions,
  type GammaGammaObservation,
  type GammaGammaParams,
} from './gammaGamma.ts';
export { customerLifetimeValue, type ClvCustomer, type ClvEstimate, type ClvOptions, type ClvParams } from './clv.ts';
export {
  randomBeta,
  randomGamma,
  seededRandom,
  simulateBgNbd,
  simulateGammaGammaMean,
  type Random,
  type SimulatedCustomer,
} from './simulate.ts';
export { FitCache, fitInputKey, saveFits, FIT_CODE_VERSION, type PendingFit } from './fitCache.ts';
export { digamma, hyp2f1, logBeta, logGamma } from './special.ts';
