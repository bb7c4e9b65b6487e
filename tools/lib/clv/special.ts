/** Special functions for the CLV models: log-gamma, digamma, log-beta, log-sum-exp and Gauss 2F1. */

// Lanczos approximation, g = 7, n = 9 (Godfrey's coefficients, as in Numerical Recipes 3rd ed. §6.1 / Wikipedia).
// Relative accuracy ≈ 1e-15 for Γ(x), x > 0.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (ln |Γ(x)| for negative non-integers, via reflection). */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += (LANCZOS[i] as number) / (z + i);
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * Digamma ψ(x) = d/dx ln Γ(x) for x > 0: recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic
 * series ψ(x) ~ ln x − 1/(2x) − Σ B₂ₖ/(2k x²ᵏ) (Abramowitz & Stegun 6.3.18). Absolute error < 1e-14.
 */
export function digamma(x: number): number {
  if (!(x > 0)) return NaN;
  let acc = 0;
  while (x < 10) {
    acc -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  const series =
    inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760))))));
  return acc + Math.log(x) - 0.5 / x - series;
}

/** ln(eᵃ + eᵇ) without overflow/underflow. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

export interface Hyp2f1Options {
  /** Stop when |term| ≤ tolerance·|sum| (once the terms are decreasing). Default 1e-15. */
  tolerance?: number;
  /** Throw if the series has not converged after this many terms. Default 1,000,000. */
  maxTerms?: number;
}

/**
 * Gauss hypergeometric function ₂F₁(a, b; c; z) = Σₙ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ (Abramowitz & Stegun 15.1.1),
 * summed directly for |z| < 1. Each term is obtained from the previous one by the ratio
 * (a+n)(b+n) z / ((c+n)(n+1)), so no factorials or gamma functions are evaluated.
 *
 * Convergence guard: the sum stops only after the term ratio has dropped below 1 (terms decreasing) and the
 * term is negligible relative to the sum; it throws if that does not happen within `maxTerms` (z very close
 * to 1 converges like zⁿ, so z = 0.999 needs ~4·10⁴ terms). Also throws for |z| ≥ 1 or c a non-positive integer.
 * For the BTYD models z = t/(α + t) ∈ [0, 1) and all parameters are positive, so every term is positive.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): number {
  const tol = options.tolerance ?? 1e-15;
  const maxTerms = options.maxTerms ?? 1_000_000;
  if (![a, b, c, z].every(Number.isFinite)) throw new Error('hyp2f1: arguments must be finite');
  if (!(Math.abs(z) < 1)) throw new Error(`hyp2f1: series requires |z| < 1 (z = ${z})`);
  if (c <= 0 && Number.isInteger(c)) throw new Error(`hyp2f1: c must not be a non-positive integer (c = ${c})`);
  let term = 1;
  let sum = 1;
  for (let n = 0; n < maxTerms; n++) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    term *= ratio;
    sum += term;
    if (term === 0) return sum; // a or b is a non-positive integer: polynomial, exact.
    if (Math.abs(ratio) < 1 && Math.abs(term) <= tol * Math.abs(sum)) {
      // Tail ≈ |term|·r/(1 − r) with r bounding later ratios (they tend monotonically to z); require it small too.
      const r = Math.max(Math.abs(ratio), Math.abs(z));
      if ((Math.abs(term) * r) / (1 - r) <= 10 * tol * Math.abs(sum)) return sum;
    }
    if (!Number.isFinite(sum)) throw new Error('hyp2f1: series overflowed');
  }
  throw new Error(`hyp2f1: series did not converge in ${maxTerms} terms (a=${a}, b=${b}, c=${c}, z=${z})`);
}
