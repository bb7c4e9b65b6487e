/**
 * Gamma-Gamma model of monetary value: Fader, Hardie & Lee (2005b), "RFM and CLV: Using Iso-Value Curves for
 * Customer Base Analysis", Journal of Marketing Research 42(4), 415–430, and Fader & Hardie (2013),
 * "The Gamma-Gamma Model of Monetary Value" (brucehardie.com note 025), whose γ is called `v` here.
 *
 * Model: the value of each of a customer's transactions is z ~ Gamma(p, ν) (shape p, rate ν), so the customer's
 * mean transaction value is E[Z | ν] = p/ν; across customers ν ~ Gamma(q, v). Spend is assumed independent of
 * the purchase process (check this before combining with BG/NBD). Only customers with x > 0 repeat
 * transactions carry information; zbar is the mean of those x transactions (first purchase excluded).
 */
import { minimizeNegLogLikelihood } from './mle.ts';
import { digamma, logGamma } from './special.ts';

export interface GammaGammaParams {
  p: number;
  q: number;
  /** Rate (scale, in the note's "γ") of the gamma mixing distribution of ν; in money units. */
  v: number;
}

export interface GammaGammaObservation {
  /** Number of (repeat) transactions averaged in zbar. */
  x: number;
  /** Mean value of those transactions; must be > 0 when x > 0. */
  zbar: number;
}

export interface GammaGammaFitOptions {
  /** Starting point. Default p = q = 1 and v = mean zbar (unit-independent). */
  initial?: Partial<GammaGammaParams>;
  method?: 'bfgs' | 'nelder-mead';
  maxIterations?: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  /** Customers used (x > 0). */
  customers: number;
  iterations: number;
  converged: boolean;
  message: string;
}

interface Prepared {
  n: number;
  x: Float64Array;
  zbar: Float64Array;
  /** (px − 1)·ln zbar + px·ln x needs ln zbar and ln x per customer; precomputed. */
  lnZ: Float64Array;
  lnX: Float64Array;
  group: Int32Array;
  distinctX: number[];
  counts: number[];
}

function prepare(data: readonly GammaGammaObservation[]): Prepared {
  const rows = data.filter((o) => o.x > 0);
  const n = rows.length;
  const d: Prepared = {
    n,
    x: new Float64Array(n),
    zbar: new Float64Array(n),
    lnZ: new Float64Array(n),
    lnX: new Float64Array(n),
    group: new Int32Array(n),
    distinctX: [],
    counts: [],
  };
  const index = new Map<number, number>();
  rows.forEach((o, i) => {
    if (!Number.isInteger(o.x)) throw new Error(`Gamma-Gamma: x must be an integer (row ${i})`);
    if (!(o.zbar > 0 && Number.isFinite(o.zbar))) throw new Error(`Gamma-Gamma: zbar must be > 0 when x > 0 (row ${i})`);
    d.x[i] = o.x;
    d.zbar[i] = o.zbar;
    d.lnZ[i] = Math.log(o.zbar);
    d.lnX[i] = Math.log(o.x);
    let g = index.get(o.x);
    if (g === undefined) {
      g = d.distinctX.length;
      index.set(o.x, g);
      d.distinctX.push(o.x);
      d.counts.push(0);
    }
    d.counts[g] = (d.counts[g] as number) + 1;
    d.group[i] = g;
  });
  return d;
}

/**
 * Log-likelihood and optional gradient w.r.t. (p, q, v). Since x·zbar | ν ~ Gamma(px, ν), mixing over
 * ν ~ Gamma(q, v) gives the density of zbar (note 025; FHL 2005b appendix):
 *   f(zbar | p, q, v, x) = Γ(px+q) / (Γ(px) Γ(q)) · v^q · zbar^{px−1} · x^{px} / (v + x·zbar)^{px+q}.
 */
function evaluate(d: Prepared, prm: GammaGammaParams, grad: number[] | null): number {
  const { p, q, v } = prm;
  if (!(p > 0 && q > 0 && v > 0)) return Number.NEGATIVE_INFINITY;
  const lnV = Math.log(v);
  const lgQ = logGamma(q);
  let ll = 0;
  let gp = 0;
  let gq = 0;
  let gv = 0;
  // Terms that depend on x only: ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v, and their digamma derivatives.
  const psiPxQ = new Float64Array(d.distinctX.length);
  const psiPx = new Float64Array(d.distinctX.length);
  const psiQ = grad ? digamma(q) : 0;
  d.distinctX.forEach((x, g) => {
    const c = d.counts[g] as number;
    ll += c * (logGamma(p * x + q) - logGamma(p * x) - lgQ + q * lnV);
    if (grad) {
      psiPxQ[g] = digamma(p * x + q);
      psiPx[g] = digamma(p * x);
      gq += c * ((psiPxQ[g] as number) - psiQ + lnV);
      gv += (c * q) / v;
    }
  });
  for (let i = 0; i < d.n; i++) {
    const x = d.x[i] as number;
    const px = p * x;
    const denom = v + x * (d.zbar[i] as number);
    const lnDen = Math.log(denom);
    ll += (px - 1) * (d.lnZ[i] as number) + px * (d.lnX[i] as number) - (px + q) * lnDen;
    if (grad) {
      const g = d.group[i] as number;
      gp += x * ((psiPxQ[g] as number) - (psiPx[g] as number) + (d.lnZ[i] as number) + (d.lnX[i] as number) - lnDen);
      gq -= lnDen;
      gv -= (px + q) / denom;
    }
  }
  if (grad) {
    grad[0] = gp;
    grad[1] = gq;
    grad[2] = gv;
  }
  return ll;
}

/** Σ ln f(zbar_i | p, q, v, x_i) over customers with x > 0 (rows with x = 0 are ignored). */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: readonly GammaGammaObservation[]): number {
  return evaluate(prepare(data), params, null);
}

/** Maximum-likelihood fit of p, q, v over log-parameters, using customers with x > 0. */
export function fitGammaGamma(data: readonly GammaGammaObservation[], options: GammaGammaFitOptions = {}): GammaGammaFit {
  const d = prepare(data);
  if (d.n === 0) throw new Error('Gamma-Gamma: no customers with x > 0');
  let meanZ = 0;
  for (let i = 0; i < d.n; i++) meanZ += (d.zbar[i] as number) / d.n;
  const init = options.initial ?? {};
  const th0 = [Math.log(init.p ?? 1), Math.log(init.q ?? 1), Math.log(init.v ?? meanZ)];
  const toParams = (th: readonly number[]): GammaGammaParams => ({
    p: Math.exp(th[0] as number),
    q: Math.exp(th[1] as number),
    v: Math.exp(th[2] as number),
  });
  const f = (th: readonly number[]): number => -evaluate(d, toParams(th), null) / d.n;
  const gradient = (th: readonly number[]): number[] => {
    const prm = toParams(th);
    const g = [0, 0, 0];
    evaluate(d, prm, g);
    return [-(g[0] as number) * prm.p, -(g[1] as number) * prm.q, -(g[2] as number) * prm.v].map((v) => v / d.n);
  };
  const res = minimizeNegLogLikelihood(f, gradient, th0, options);
  const params = toParams(res.x);
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
 * E[Z | p, q, v] = p·v/(q − 1): population mean transaction value (requires q > 1; Infinity otherwise).
 */
export function gammaGammaPopulationMean(params: GammaGammaParams): number {
  const { p, q, v } = params;
  return q > 1 ? (p * v) / (q - 1) : Number.POSITIVE_INFINITY;
}

/**
 * Conditional expected average transaction value E[Z | p, q, v, x, zbar].
 * Derivation (note 025; FHL 2005b): by conjugacy the posterior of ν is
 * Gamma(px + q, v + x·zbar), and E[Z | ν] = p/ν with E[1/ν] = (v + x·zbar)/(px + q − 1), so
 *   E[Z | x, zbar] = p(v + x·zbar)/(px + q − 1)
 *                  = (q − 1)/(px + q − 1) · pv/(q − 1) + px/(px + q − 1) · zbar,
 * a weighted average of the population mean and the customer's observed mean. With x = 0 this is the
 * population mean pv/(q − 1). Requires px + q > 1.
 */
export function gammaGammaConditionalExpectedValue(params: GammaGammaParams, customer: GammaGammaObservation): number {
  const { p, q, v } = params;
  const x = customer.x > 0 ? customer.x : 0;
  const denom = p * x + q - 1;
  if (!(denom > 0)) return Number.POSITIVE_INFINITY;
  return (p * (v + x * (x > 0 ? customer.zbar : 0))) / denom;
}
