import { describe, expect, it } from 'vitest';
import { matchThemes } from './stableIds.ts';

describe('matchThemes (Hungarian on centroid cosine)', () => {
  const A = { id: 10, centroid: [1, 0, 0] };
  const B = { id: 20, centroid: [0, 1, 0] };

  it('keeps the id of the stored theme each fresh centroid is closest to, in any order', () => {
    // cos([0.96, 0.28, 0], A) = 0.96; cos([0.28, 0.96, 0], B) = 0.96
    expect(matchThemes([A, B], [[0.28, 0.96, 0], [0.96, 0.28, 0]])).toEqual([20, 10]);
  });

  it('gives a new theme (null) when no stored centroid is similar enough', () => {
    // cos([0, 0, 1], A) = cos(…, B) = 0; cos([0.6, 0.8, 0], A) = 0.6 < 0.8, with B 0.8 ≥ 0.8
    expect(matchThemes([A, B], [[0, 0, 1], [0.6, 0.8, 0]])).toEqual([null, 20]);
    expect(matchThemes([A, B], [[0.8, 0.6, 0]], 0.81)).toEqual([null]);
  });

  it('uses a stored id at most once: the globally best pairing wins, the other becomes new', () => {
    // Both fresh centroids are near A; the closer one (0.99 vs 0.9) keeps A's id. A greedy left-to-right match
    // would give A to the first one.
    const f1 = [0.9, 0, Math.sqrt(1 - 0.81)];
    const f2 = [0.99, Math.sqrt(1 - 0.9801), 0];
    expect(matchThemes([A], [f1, f2])).toEqual([null, 10]);
  });

  it('maximises the total similarity, not each row greedily', () => {
    // s1 = e1, s2 = (0.8, 0.6, 0) (s1·s2 = 0.8). f = (x, y, z): cos(f, s1) = x, cos(f, s2) = 0.8x + 0.6y.
    // f1 = (0.95, 0.2333…, z): similarities 0.95 to s1, 0.9 to s2; f2 = (0.9, −0.3667…, z): 0.9 to s1, 0.5 to s2.
    // Greedy (f1 takes its best, s1) leaves f2 with 0.5 → new. Optimal: f1→s2 + f2→s1 = 1.8 > 0.95 + 0.5.
    const s1 = { id: 1, centroid: [1, 0, 0] };
    const s2 = { id: 2, centroid: [0.8, 0.6, 0] };
    const unitWith = (x: number, y: number) => [x, y, Math.sqrt(1 - x * x - y * y)];
    const f1 = unitWith(0.95, (0.9 - 0.76) / 0.6);
    const f2 = unitWith(0.9, (0.5 - 0.72) / 0.6);
    expect(matchThemes([s1, s2], [f1, f2])).toEqual([2, 1]);
  });

  it('handles empty inputs', () => {
    expect(matchThemes([], [[1, 0]])).toEqual([null]);
    expect(matchThemes([A], [])).toEqual([]);
  });
});
