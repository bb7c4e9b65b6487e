/**
 * pgvector text format: '[0.1,-0.2,…]'. Five decimals keep the cosine of unit vectors to ~1e-5, halve the text, and
 * toFixed is ~3× faster than shortest round-trip formatting (the write path formats 256 numbers per row).
 */
export function toVectorLiteral(v: ArrayLike<number>): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) {
    if (i) s += ',';
    s += v[i]!.toFixed(5);
  }
  return s + ']';
}

/** Parses pgvector text output ('[1,2,3]') into a Float32Array. */
export function parseVector(text: string): Float32Array {
  const body = text.trim().replace(/^\[/, '').replace(/\]$/, '');
  if (body === '') return new Float32Array(0);
  const parts = body.split(',');
  const out = new Float32Array(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = Number(parts[i]);
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Cosine similarity (0 when either vector is zero). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = Math.sqrt(dot(a, a));
  const nb = Math.sqrt(dot(b, b));
  return na > 0 && nb > 0 ? dot(a, b) / (na * nb) : 0;
}
