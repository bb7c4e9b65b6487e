/**
 * `npx tsx evals/themes_tune.ts [--split train|test] [--seeds 1,2,3] [--variants a,b] [--size 3080]`: variant search
 * for the local embedder + clustering on BANKING77 **without looking at the test split**. Each seed draws a tuning
 * corpus of `size` texts from the train split (the labels only score the result); the embedder is fitted on that
 * corpus alone (as the product fits it on the imported feedback), the vectors are clustered at k = 77, and NMI is
 * printed per seed with the mean. `--split test` scores the chosen variants once on the test split (3,080 texts, the
 * seed then only changes the k-means seed) to confirm. Variants are named bundles of train + cluster options (below).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { mulberry32 } from '../tools/lib/random.ts';
import { sharedDataPath } from '../server/testing/sharedData.ts';
import { deserializeLocalEmbedder, localEmbedFunction, serializeLocalEmbedder, trainLocalEmbedder, type LocalEmbedderState, type TrainOptions } from '../server/feedback/embed/local.ts';
import { clusterVectors, type ClusterOptions } from '../server/feedback/cluster/index.ts';
import { ari, clusterAccuracy, nmi } from './metrics.ts';

interface Variant {
  train?: TrainOptions;
  cluster?: ClusterOptions;
}


/** The variants tried (names are what the README table cites). */
export const VARIANTS: Record<string, Variant> = {
  // Variants of the first search (Nov 30 evening) that are no longer options — discriminant rounds (lda*), whitening
  // and all-but-the-top (white*, abtt*) — are in commit 6f1248e with their code.
  base: {},
  plain: { cluster: { overcluster: 1 } },
  merge200: { cluster: { mergeFrom: 200 } },
  merge200raw: { cluster: { mergeFrom: 200, refineMerge: false } },
  merge300: { cluster: { mergeFrom: 300 } },
  merge150: { cluster: { mergeFrom: 150 } },
  merge250: { cluster: { mergeFrom: 250 } },
  merge200r8: { cluster: { mergeFrom: 200, restarts: 8 } },
  merge200s10: { cluster: { mergeFrom: 200, smoothNeighbours: 10 } },
  merge200s30: { cluster: { mergeFrom: 200, smoothNeighbours: 30 } },
  ppmiW2: { train: { ppmiWindow: 2 } },
  ppmiW10: { train: { ppmiWindow: 10 } },
  ppmiW10harm: { train: { ppmiWindow: 10, ppmiHarmonic: true } },
  ppmiShift5: { train: { ppmiShift: 5 } },
  ppmiEig0: { train: { ppmiEigenPower: 0 } },
  // Helper D, Dec 1: embedder variants with new train options (gain-weighted SIF wvGain*, sifA*, gainPow*, gain
  // ensembles gainEns*, LSA on kNN-expanded rows lsaSmooth*, skip-bigrams skip*) are in commit 6cc19c2 with their code.
  wv128: { train: { dimension: 320, wordVectorDims: 128 } },
  // Helper C, Dec 1: self-training on sparse features (self) and SNN / mutual-kNN smoothing weights (snn, mutual) are in
  // commit 69c36be with their code. Consensus of k-means runs (cluster/consensus.ts) and the kNN label vote (knn.ts):
  cons10: { cluster: { consensus: { runs: 10 } } },
  // kNN majority vote of the labels after k-means (cluster/knn.ts voteLabels), alone and after the consensus.
  vote5r3: { cluster: { vote: { neighbours: 5, rounds: 3 } } },
  vote10r1: { cluster: { vote: { neighbours: 10, rounds: 1 } } },
  cons10vote5r3: { cluster: { consensus: { runs: 10 }, vote: { neighbours: 5, rounds: 3 } } },
  consMerge8: { cluster: { consensus: { runs: 8, mergeFrom: 200 } } },
  consMerge8vote5r3: { cluster: { consensus: { runs: 8, mergeFrom: 200 }, vote: { neighbours: 5, rounds: 3 } } },
  merge200vote5r3: { cluster: { mergeFrom: 200, vote: { neighbours: 5, rounds: 3 } } },
  // The vote with 5 embedding + 5 TF-IDF neighbours (cluster/textknn.ts); the tune passes the texts to clusterVectors.
  textVote: { cluster: { vote: { neighbours: 5, rounds: 3 }, textNeighbours: 5 } },
  noTextVote: { cluster: { vote: { neighbours: 5, rounds: 3 }, textNeighbours: 0 } },
  noVote: { cluster: { vote: false } },
  // Helper N, Dec 1: two-view spherical k-means (mv*), spectral clustering on the embedding + TF-IDF kNN union graph
  // (sp*), normalised-cut refinement (gc*), Potts-prior k-means (mrf*) and the vote's TF-IDF word share (textW*) are in
  // commit 8302bdf with their code (cluster/multiview.ts, spectral.ts, graphcut.ts, mrf.ts).
};

/** Fitted states are cached on disk by seed + train options (delete the folder after changing the embedder code). */
const CACHE = join(tmpdir(), 'sightline-themes-tune');

function load(split: 'train' | 'test'): { texts: string[]; labels: string[] } {
  const rows = Papa.parse<{ text: string; category: string }>(readFileSync(sharedDataPath('banking77', `${split}.csv`), 'utf8'), { header: true, skipEmptyLines: true }).data;
  return { texts: rows.map((r) => r.text), labels: rows.map((r) => r.category) };
}

/** A seeded sample of `size` rows (partial Fisher–Yates), the tuning corpus of one seed. */
function sampleRows(n: number, size: number, seed: number): number[] {
  const random = mulberry32(seed * 7919 + 13);
  const index = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < Math.min(size, n); i++) {
    const j = i + Math.floor(random() * (n - i));
    [index[i], index[j]] = [index[j]!, index[i]!];
  }
  return index.slice(0, Math.min(size, n));
}

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};

async function main(): Promise<void> {
  const split = arg('split', 'train') as 'train' | 'test';
  const seeds = arg('seeds', '1,2,3').split(',').map(Number);
  const names = arg('variants', Object.keys(VARIANTS).join(',')).split(',');
  const size = Number(arg('size', '3080'));
  const data = load(split);
  const states = new Map<string, LocalEmbedderState>();
  for (const name of names) {
    const variant = VARIANTS[name];
    if (!variant) throw new Error(`unknown variant ${name}`);
    const scores: { nmi: number; ari: number; acc: number }[] = [];
    let ms = 0;
    for (const seed of seeds) {
      const rows = split === 'test' ? data.texts.map((_, i) => i) : sampleRows(data.texts.length, size, seed);
      const texts = rows.map((i) => data.texts[i]!);
      const labels = rows.map((i) => data.labels[i]!);
      const key = `${split === 'test' ? 'test' : seed}:${JSON.stringify(variant.train ?? {})}`;
      const started = performance.now();
      let state = states.get(key);
      const file = join(CACHE, `${createHash('sha1').update(key).digest('hex').slice(0, 16)}.bin`);
      if (!state && existsSync(file)) state = deserializeLocalEmbedder(readFileSync(file));
      if (!state) {
        state = trainLocalEmbedder(texts, variant.train);
        mkdirSync(CACHE, { recursive: true });
        writeFileSync(file, serializeLocalEmbedder(state));
      }
      states.set(key, state);
      const vectors = localEmbedFunction(state)(texts);
      const { assignments } = clusterVectors(vectors, { k: 77, seed: split === 'test' ? 42 + seed : 42, texts, ...variant.cluster });
      ms += performance.now() - started;
      scores.push({ nmi: nmi(labels, assignments), ari: ari(labels, assignments), acc: clusterAccuracy(labels, assignments) });
    }
    const mean = (f: (s: (typeof scores)[number]) => number) => scores.reduce((a, s) => a + f(s), 0) / scores.length;
    const f = (x: number) => x.toFixed(4);
    console.log(`${split} ${name.padEnd(24)} NMI ${scores.map((s) => f(s.nmi)).join(' ')} mean ${f(mean((s) => s.nmi))} · ARI ${f(mean((s) => s.ari))} · acc ${f(mean((s) => s.acc))} · ${(ms / 1000 / seeds.length).toFixed(1)} s/seed`);
  }
}

await main();
