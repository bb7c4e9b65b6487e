/**
 * BG/NBD model: Fader, Hardie & Lee (2005), "'Counting Your Customers' the Easy Way: An Alternative to the
 * Pareto/NBD Model", Marketing Science 24(2), 275–284 (FHL). Equation numbers below refer to that paper.
 *
 * While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α) (shape r, rate α); after every
 * purchase she drops out with probability p ~ Beta(a, b). Data per customer: x repeat purchases, time of the last
 * one t_x, and age T (all measured from the first purchase, in one time unit; α is in that unit).
 */
import { minimizeNegLogLikelihood } from './mle.ts';
import { digamma, hyp2f1, logAddExp, logBeta, logGamma } from './special.ts';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface BgNbdObservation {
  /** Repeat purchases in calibration (integer ≥ 0). */
  x: number;
  /** Recency: time of the last purchase since the first (0 ≤ t_x ≤ T). */
  tx: number;
  /** Age: time from the first purchase to the end of calibration. */
  T: number;
}

export interface BgNbdFitOptions {
  /** Starting point. Default r = α = a = b = 1 (times the mean age for α, so the start is unit-independent). */
  initial?: Partial<BgNbdParams>;
  /** 'bfgs' (default, analytic gradient) or 'nelder-mead' (derivative-free, slower; useful as a cross-check). */
  method?: 'bfgs' | 'nelder-mead';
  maxIterations?: number;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  customers: number;
  iterations: number;
  converged: boolean;
  message: string;
}

/** Data pre-grouped by x: the gamma/beta terms of the likelihood depend on x only. */
interface Prepared {
  n: number;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  group: Int32Array;
  distinctX: number[];
  counts: number[];
}

function prepare(data: readonly BgNbdObservation[]): Prepared {
  const n = data.length;
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  const group = new Int32Array(n);
  const index = new Map<number, number>();
  const distinctX: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = data[i] as BgNbdObservation;
    if (!Number.isInteger(o.x) || o.x < 0) throw new Error(`BG/NBD: x must be a non-negative integer (row ${i})`);
    if (!(o.tx >= 0 && o.T >= o.tx && Number.isFinite(o.T))) throw new Error(`BG/NBD: need 0 ≤ t_x ≤ T (row ${i})`);
    x[i] = o.x;
    tx[i] = o.tx;
    T[i] = o.T;
    let g = index.get(o.x);
    if (g === undefined) {
      g = distinctX.length;
      index.set(o.x, g);
      distinctX.push(o.x);
      counts.push(0);
    }
    counts[g] = (counts[g] as number) + 1;
    group[i] = g;
  }
  return { n, x, tx, T, group, distinctX, counts };
}

/**
 * Log-likelihood (FHL eq. 6) and optionally its gradient with respect to (r, α, a, b).
 * Per customer, following the paper's A₁…A₄ decomposition (and Hardie's note 027 for stability):
 *   ln L = [ln Γ(r+x) − ln Γ(r) + r ln α] + [ln B(a, b+x) − ln B(a, b)]
 *          + ln( exp(−(r+x) ln(α+T)) + δ_{x>0} exp(ln a − ln(b+x−1) − (r+x) ln(α+t_x)) ),
 * where B(a+1, b+x−1)/B(a, b+x) = a/(b+x−1). The last term is a two-term log-sum-exp.
 */
function evaluate(d: Prepared, p: BgNbdParams, grad: number[] | null): number {
  const { r, alpha, a, b } = p;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NEGATIVE_INFINITY;
  const G = d.distinctX.length;
  const logBm1 = new Float64Array(G); // ln(b + x − 1), only used for x > 0
  const lnAlpha = Math.log(alpha);
  const lnA = Math.log(a);
  let ll = 0;
  let gr = 0;
  let gAlpha = 0;
  let ga = 0;
  let gb = 0;
  const lgR = logGamma(r);
  const lbAB = logBeta(a, b);
  const psiR = grad ? digamma(r) : 0;
  const psiB = grad ? digamma(b) : 0;
  const psiAB = grad ? digamma(a + b) : 0;
  for (let g = 0; g < G; g++) {
    const x = d.distinctX[g] as number;
    const c = d.counts[g] as number;
    ll += c * (logGamma(r + x) - lgR + r * lnAlpha + logBeta(a, b + x) - lbAB);
    if (x > 0) logBm1[g] = Math.log(b + x - 1);
    if (grad) {
      const psiABx = digamma(a + b + x);
      gr += c * (digamma(r + x) - psiR + lnAlpha);
      gAlpha += (c * r) / alpha;
      ga += c * (psiAB - psiABx);
      gb += c * (psiAB + digamma(b + x) - psiB - psiABx);
    }
  }
  for (let i = 0; i < d.n; i++) {
    const x = d.x[i] as number;
    const rx = r + x;
    const lT = Math.log(alpha + (d.T[i] as number));
    const a3 = -rx * lT;
    if (x === 0) {
      ll += a3;
      if (grad) {
        gr -= lT;
        gAlpha -= rx / (alpha + (d.T[i] as number));
      }
      continue;
    }
    const g = d.group[i] as number;
    const lt = Math.log(alpha + (d.tx[i] as number));
    const a4 = lnA - (logBm1[g] as number) - rx * lt;
    ll += logAddExp(a3, a4);
    if (grad) {
      const w4 = 1 / (1 + Math.exp(a3 - a4)); // weight of the "dropped out after last purchase" term
      const w3 = 1 - w4;
      gr -= w3 * lT + w4 * lt;
      gAlpha -= rx * (w3 / (alpha + (d.T[i] as number)) + w4 / (alpha + (d.tx[i] as number)));
      ga += w4 / a;
      gb -= w4 / (b + x - 1);
    }
  }
  if (grad) {
    grad[0] = gr;
    grad[1] = gAlpha;
    grad[2] = ga;
    grad[3] = gb;
  }
  return ll;
}

/** Total log-likelihood Σᵢ ln L(r, α, a, b | xᵢ, t_xᵢ, Tᵢ) (FHL eq. 6). */
export function bgnbdLogLikelihood(params: BgNbdParams, data: readonly BgNbdObservation[]): number {
  return evaluate(prepare(data), params, null);
}

/** Gradient of {@link bgnbdLogLikelihood} with respect to [r, α, a, b]. */
export function bgnbdLogLikelihoodGradient(params: BgNbdParams, data: readonly BgNbdObservation[]): number[] {
  const g = [0, 0, 0, 0];
  evaluate(prepare(data), params, g);
  return g;
}

const fromLog = (th: readonly number[]): BgNbdParams => ({
  r: Math.exp(th[0] as number),
  alpha: Math.exp(th[1] as number),
  a: Math.exp(th[2] as number),
  b: Math.exp(th[3] as number),
});

/** Maximum-likelihood fit over log-parameters (so all four stay positive). */
export function fitBgNbd(data: readonly BgNbdObservation[], options: BgNbdFitOptions = {}): BgNbdFit {
  const d = prepare(data);
  if (d.n === 0) throw new Error('BG/NBD: no customers to fit');
  let meanT = 0;
  for (let i = 0; i < d.n; i++) meanT += (d.T[i] as number) / d.n;
  const init = options.initial ?? {};
  const p0 = { r: init.r ?? 1, alpha: init.alpha ?? Math.max(meanT, 1e-6), a: init.a ?? 1, b: init.b ?? 1 };
  const th0 = [Math.log(p0.r), Math.log(p0.alpha), Math.log(p0.a), Math.log(p0.b)];
  // Minimize the mean negative log-likelihood (scale-free tolerances).
  const f = (th: readonly number[]): number => -evaluate(d, fromLog(th), null) / d.n;
  const gradient = (th: readonly number[]): number[] => {
    const p = fromLog(th);
    const g = [0, 0, 0, 0];
    evaluate(d, p, g);
    return [-(g[0] as number) * p.r, -(g[1] as number) * p.alpha, -(g[2] as number) * p.a, -(g[3] as number) * p.b].map(
      (v) => v / d.n,
    );
  };
  const res = minimizeNegLogLikelihood(f, gradient, th0, options);
  const params = fromLog(res.x);
  return {
    params,
    logLikelihood: evaluate(d, params, null),
    customers: d.n,
    iterations: res.iterations,
    converged: res.converged,
    message: res.message,
  };
}

/**
 * P(X(t) = n): probability that a new customer makes n repeat purchases in (0, t] (FHL eq. 8):
 *   B(a, b+n)/B(a, b) · Γ(r+n)/(Γ(r) n!) · (α/(α+t))^r (t/(α+t))^n
 *   + δ_{n>0} B(a+1, b+n−1)/B(a, b) · [1 − (α/(α+t))^r Σ_{j=0}^{n−1} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j].
 */
export function bgnbdProbabilityOfPurchases(params: BgNbdParams, t: number, n: number): number {
  const { r, alpha, a, b } = params;
  if (!Number.isInteger(n) || n < 0) throw new Error('n must be a non-negative integer');
  const lnP = Math.log(alpha / (alpha + t)); // ln(α/(α+t))
  const lnQ = Math.log(t / (alpha + t)); // ln(t/(α+t))
  const nbTerm = (j: number): number =>
    Math.exp(logGamma(r + j) - logGamma(r) - logGamma(j + 1) + r * lnP + (j > 0 ? j * lnQ : 0));
  const first = Math.exp(logBeta(a, b + n) - logBeta(a, b)) * nbTerm(n);
  if (n === 0) return first;
  let cdf = 0;
  for (let j = 0; j < n; j++) cdf += nbTerm(j);
  return first + Math.exp(logBeta(a + 1, b + n - 1) - logBeta(a, b)) * (1 - cdf);
}

/**
 * E[X(t)]: expected repeat purchases of a new customer in (0, t] (FHL eq. 9):
 *   (a+b−1)/(a−1) · [1 − (α/(α+t))^r · ₂F₁(r, b; a+b−1; t/(α+t))].
 * The formula has a removable singularity at a = 1; values of a within 1e-9 of 1 are nudged off it.
 */
export function bgnbdExpectedPurchases(params: BgNbdParams, t: number): number {
  return conditionalCore(params, t, 0, 0, 0);
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in (T, T+t] of a customer with history (x, t_x, T) (FHL eq. 10):
 *   [(a+b+x−1)/(a−1)] · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *   / [1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}].
 */
export function bgnbdConditionalExpectedPurchases(params: BgNbdParams, t: number, customer: BgNbdObservation): number {
  return conditionalCore(params, t, customer.x, customer.tx, customer.T);
}

function conditionalCore(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, b } = params;
  let a = params.a;
  if (!(t >= 0)) throw new Error('t must be ≥ 0');
  if (t === 0) return 0;
  if (Math.abs(a - 1) < 1e-9) a = 1 + (a >= 1 ? 1e-9 : -1e-9);
  const z = t / (alpha + T + t);
  // ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; c; z) with c = a+b+x−1 and 1 − z = (α+T)/(α+T+t) is evaluated via
  // Euler's transformation ₂F₁(A, B; c; z) = (1−z)^{c−A−B} ₂F₁(c−A, c−B; c; z) (Abramowitz & Stegun 15.3.3) as
  // (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; c; z). Mathematically identical, but the transformed series' numerator
  // parameters do not grow with x, so heavy buyers cannot overflow it ((1−z)^{−(r+x)} can exceed 1e308).
  const c = a + b + x - 1;
  const lead = Math.exp((a - 1) * Math.log1p(-z));
  const numerator = (c / (a - 1)) * (1 - lead * hyp2f1(c - r - x, c - b - x, c, z));
  return numerator * bgnbdProbabilityAlive(params, { x, tx, T });
}

/**
 * P(alive | x, t_x, T) = 1 / [1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}]
 * (FHL 2005 appendix; Fader, Hardie & Lee 2008, "Computing P(alive) Using the BG/NBD Model", note 021).
 * Evaluated as a logistic function of the log-odds to avoid overflow.
 */
export function bgnbdProbabilityAlive(params: BgNbdParams, customer: BgNbdObservation): number {
  const { r, alpha, a, b } = params;
  const { x, tx, T } = customer;
  if (x === 0) return 1;
  const logOdds = Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + T) / (alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}
