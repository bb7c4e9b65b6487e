import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../tools/lib/random.ts';
import { textNeighbours, textRows } from './textknn.ts';

describe('textNeighbours', () => {
  it('pairs texts that share words, in English and Chinese', () => {
    const texts = ['refund my card payment', 'delivery is very late', 'card payment refund please', 'late delivery again',
      '快递太慢了', '快递很慢'];
    expect(textNeighbours(texts, 1).map((nb) => nb[0])).toEqual([2, 3, 0, 1, 5, 4]);
  });

  it('matches brute-force cosines of the same TF-IDF rows, most similar first', () => {
    const random = mulberry32(7);
    const vocabulary = ['card', 'refund', 'late', 'delivery', 'my', 'the', 'payment', 'cancel', 'order', 'top', 'up', 'pin'];
    const texts = Array.from({ length: 60 }, () => Array.from({ length: 2 + Math.floor(random() * 5) }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(' '));
    const { rows } = textRows(texts);
    const dense = rows.map((r) => new Map(r.cols.map((c, p) => [c, r.values[p]!])));
    const cosine = (i: number, j: number) => [...dense[i]!].reduce((s, [c, v]) => s + v * (dense[j]!.get(c) ?? 0), 0);
    const got = textNeighbours(texts, 4);
    got.forEach((nb, i) => {
      const sims = Array.from(nb, (j) => cosine(i, j));
      // Sorted, and no text outside the list is more similar than the last one in it (ties may go either way).
      sims.forEach((s, p) => p > 0 && expect(s).toBeLessThanOrEqual(sims[p - 1]! + 1e-9));
      for (let j = 0; j < texts.length; j++) if (j !== i && !nb.includes(j)) expect(cosine(i, j)).toBeLessThanOrEqual(sims.at(-1)! + 1e-6);
      expect(nb.includes(i)).toBe(false);
    });
  });

  it('fills with −1 when fewer texts share a feature than m', () => {
    expect(Array.from(textNeighbours(['alpha beta', 'alpha gamma', 'zzz'], 2)[2]!)).toEqual([-1, -1]);
  });
});
