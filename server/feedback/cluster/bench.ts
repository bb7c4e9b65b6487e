import { mulberry32 } from '../../../tools/lib/random.ts';
import { localEmbedFunction, trainLocalEmbedder, type LocalEmbedderState } from '../embed/local.ts';
import { clusterVectors } from './index.ts';
import { themeKeywords } from './keywords.ts';

/**
 * Speed of the local text pipeline, for `sightline bench` and the themes eval: embedding throughput on one core and
 * the time to cluster (automatic k) and label n texts. CPU time (process.cpuUsage) is reported beside wall time
 * because a shared machine inflates wall time; this code is single-threaded, so CPU time is one core's time.
 */

/**
 * `n` synthetic feedback texts from a base corpus: each is a seeded random base text with a random word dropped and
 * the tail of another text appended half the time, so the set has the base corpus's vocabulary and themes without
 * exact duplicates dominating.
 */
export function syntheticFeedback(base: readonly string[], n: number, seed = 7): string[] {
  if (base.length === 0) throw new Error('syntheticFeedback needs a non-empty base corpus');
  const random = mulberry32(seed);
  const pick = () => base[Math.floor(random() * base.length)]!;
  return Array.from({ length: n }, () => {
    const words = pick().split(/\s+/);
    if (words.length > 3) words.splice(Math.floor(random() * words.length), 1);
    if (random() < 0.5) {
      const other = pick().split(/\s+/);
      words.push(...other.slice(Math.floor(other.length / 2)));
    }
    return words.join(' ');
  });
}

export interface Timing {
  wallMs: number;
  cpuMs: number;
}

function timed<T>(run: () => T): { value: T; timing: Timing } {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const value = run();
  const used = process.cpuUsage(cpu);
  return { value, timing: { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 } };
}

export interface EmbedThroughput {
  texts: number;
  timing: Timing;
  /** Texts per CPU second on one core (the acceptance figure) and per wall second. */
  perCpuSecond: number;
  perWallSecond: number;
}

export function measureEmbedThroughput(state: LocalEmbedderState, texts: readonly string[]): EmbedThroughput {
  const embed = localEmbedFunction(state);
  embed(texts.slice(0, 200)); // warm up the JIT
  const { timing } = timed(() => embed(texts));
  return { texts: texts.length, timing, perCpuSecond: texts.length / (timing.cpuMs / 1000), perWallSecond: texts.length / (timing.wallMs / 1000) };
}

export interface ThemesBench {
  texts: number;
  train: Timing;
  embed: EmbedThroughput;
  cluster: Timing & { k: number };
  keywords: Timing;
  /** Clustering (automatic k) + keywords: the "themes for 50k texts" figure. */
  themes: Timing;
}

/**
 * Trains on `texts` (or uses the given fitted `state`, then `train` is zero), embeds them, clusters with automatic k
 * (or `k`) and extracts 5 keywords per theme.
 */
export function benchLocalThemes(texts: readonly string[], options: { k?: number; seed?: number; state?: LocalEmbedderState } = {}): ThemesBench {
  const given = options.state;
  const train = given ? { value: given, timing: { wallMs: 0, cpuMs: 0 } } : timed(() => trainLocalEmbedder(texts));
  const embed = measureEmbedThroughput(train.value, texts);
  const vectors = localEmbedFunction(train.value)(texts);
  const cluster = timed(() => clusterVectors(vectors, { k: options.k, seed: options.seed, texts }));
  const keywords = timed(() => themeKeywords(texts, cluster.value.assignments, cluster.value.k, 5));
  return {
    texts: texts.length,
    train: train.timing,
    embed,
    cluster: { ...cluster.timing, k: cluster.value.k },
    keywords: keywords.timing,
    themes: { wallMs: cluster.timing.wallMs + keywords.timing.wallMs, cpuMs: cluster.timing.cpuMs + keywords.timing.cpuMs },
  };
}
