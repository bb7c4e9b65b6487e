import munkres from 'munkres';
import { cosine } from './vectors.ts';

/** A fresh cluster keeps a stored theme's id only when their centroids are at least this similar (cosine). */
export const MATCH_THRESHOLD = 0.8;

/**
 * Stable theme ids: pair this run's clusters with stored themes so the total centroid cosine is maximal (Hungarian
 * algorithm, Kuhn 1955 / Munkres 1957, on cost = 1 − cosine), then keep only pairs at or above `threshold`.
 * Returns, per fresh centroid, the matched stored id or null (a new theme). Each stored id is used at most once.
 */
export function matchThemes(
  stored: readonly { id: number; centroid: ArrayLike<number> }[],
  fresh: readonly ArrayLike<number>[],
  threshold = MATCH_THRESHOLD,
): (number | null)[] {
  const out: (number | null)[] = fresh.map(() => null);
  if (!stored.length || !fresh.length) return out;
  const similarity = fresh.map((c) => stored.map((s) => cosine(c, s.centroid)));
  // munkres handles rectangular matrices (pads internally) and minimizes the total cost.
  const pairs = munkres(similarity.map((row) => row.map((sim) => 1 - sim)));
  for (const [f, s] of pairs) {
    if (similarity[f]![s]! >= threshold) out[f] = stored[s]!.id;
  }
  return out;
}
