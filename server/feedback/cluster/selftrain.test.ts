import { describe, expect, it } from 'vitest';
import { centroidConfidence, confidentMembers, scores, selfTrain, trainSoftmax, type SparseMatrix } from './selftrain.ts';
import { toRows } from './spherical.ts';

const OPTIONS = { rounds: 1, keep: 0.5, epochs: 1, l2: 0.1, learningRate: 0.5, charWeight: 0.5, denseWeight: 0, relabelConfident: false, embeddingWeight: 0, seed: 1 };

describe('trainSoftmax', () => {
  it('takes the hand-computed first SGD step', () => {
    // One row x = (1) of class 0, k = 2, W = 0: p = (½, ½), gradient p − onehot = (−½, ½), η = 0.5, λ = 0.1.
    // The shrink 1 − ηλ = 0.95 hits W before the step, and the step is applied to W_eff = scale · W, so
    // W_eff = −η·(−½, ½) = (0.25, −0.25) and bias = (0.25, −0.25); the row's scores are their sum (0.5, −0.5).
    const x: SparseMatrix = { n: 1, cols: 1, ptr: Int32Array.from([0, 1]), index: Int32Array.from([0]), values: Float32Array.from([1]) };
    const model = trainSoftmax(x, [0], [0], 2, OPTIONS);
    expect(model.scale).toBeCloseTo(0.95, 12);
    expect(model.w[0]! * model.scale).toBeCloseTo(0.25, 6);
    expect(model.w[1]! * model.scale).toBeCloseTo(-0.25, 6);
    const z = new Float64Array(2);
    scores(model, x, 0, z);
    expect(Array.from(z).map((v) => Number(v.toFixed(6)))).toEqual([0.5, -0.5]);
  });
});

describe('confident members', () => {
  it('keeps the ⌈keep · size⌉ most confident of each cluster, at least one', () => {
    // Cluster 0 = rows 0, 1, 2 (confidence .9, .1, .5) → ⌈1.5⌉ = 2: rows 0, 2. Cluster 1 = row 3 alone → row 3.
    expect(confidentMembers([0, 0, 0, 1], [0.9, 0.1, 0.5, 0.2], 2, 0.5)).toEqual([0, 2, 3]);
  });

  it('measures confidence as the cosine to the normalised member mean', () => {
    // Cluster 0 = (1, 0) and (0, 1): mean direction (1, 1)/√2, so both have cosine 1/√2; cluster 1 = (1, 0) alone: 1.
    const c = centroidConfidence(toRows([Float32Array.from([1, 0]), Float32Array.from([0, 1]), Float32Array.from([1, 0])]), [0, 0, 1], 2);
    expect(Array.from(c)).toEqual([Math.SQRT1_2, Math.SQRT1_2, 1].map((v) => expect.closeTo(v, 6)));
  });
});

describe('selfTrain', () => {
  // Two planted groups whose texts share decisive words; the start swaps two texts of each group.
  const refund = ['refund my order please', 'I want a refund for my order', 'refund not received yet', 'how long does a refund take',
    'my refund is missing', 'request a refund now', 'refund status for order', 'where is my refund money'];
  const delivery = ['delivery is late again', 'late delivery of my parcel', 'parcel delivery delayed', 'when will delivery arrive',
    'delivery driver never came', 'track my late delivery', 'delivery still not here', 'the parcel delivery is slow'];
  const texts = [...refund, ...delivery];
  const truth = texts.map((_, i) => (i < refund.length ? 0 : 1));
  const start = truth.map((t, i) => ([2, 5, 9, 13].includes(i) ? 1 - t : t));
  // Embeddings that place the swapped texts far from their (wrong) cluster's centroid: the true group's axis.
  const vectors = toRows(truth.map((t) => Float32Array.from(t === 0 ? [1, 0] : [0, 1])));

  it('recovers the planted groups from a deliberately wrong start', () => {
    const labels = selfTrain(texts, vectors, start, 2, { rounds: 2, epochs: 10, seed: 3 });
    expect(Array.from(labels)).toEqual(truth);
  });

  it('changes nothing with zero rounds, and needs texts, vectors and labels of one length', () => {
    expect(Array.from(selfTrain(texts, vectors, start, 2, { rounds: 0 }))).toEqual(start);
    expect(() => selfTrain(texts.slice(1), vectors, start, 2)).toThrow(/length/);
  });

  it('learns from the words, not only from the embedding: uninformative vectors, two wrong labels', () => {
    // All vectors equal: confidence ties and the lowest indices are kept. The last two delivery texts (rows 14, 15)
    // start in the refund cluster, which then has 10 members and keeps ⌈7.5⌉ = 8: rows 0–7; the delivery cluster
    // (rows 8–13) keeps 5: rows 8–12. Only the classifier on the texts' words can send rows 14 and 15 back.
    const flat = toRows(texts.map(() => Float32Array.from([1, 0])));
    const wrong = truth.map((t, i) => (i >= 14 ? 0 : t));
    const labels = selfTrain(texts, flat, wrong, 2, { rounds: 1, keep: 0.75, epochs: 10, seed: 3 });
    expect(Array.from(labels)).toEqual(truth);
  });
});
