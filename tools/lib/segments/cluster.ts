import { z } from 'zod';
import type { Db } from '../../../server/db/index.ts';
import { bulkRows } from '../../../server/db/bulkRows.ts';
import { AppError } from '../../../server/errors.ts';
import { readOnly } from '../readonly.ts';
import { buildFeatures, labelCluster, type CustomerBehaviour, type FeatureMatrix } from './features.ts';
import { assignNearest, kmeans, type KMeansResult } from './kmeans.ts';
import { rowsAt, type Matrix } from './matrix.ts';
import { chooseK, countDistinct, deterministicSample, pairwiseDistances, silhouette } from './silhouette.ts';
import { countGroups, money, personaSchema, personasFromCounts, rate, round, type PersonaRow } from './persona.ts';
import type { PreparedSegment } from './resolve.ts';

/** Behaviour clusters of a segment's customers (k-means on features.ts), each with a centroid, label and persona. */

/**
 * Sizes (why: k-means over all ~90k customers for 7 values of k took ~20 s). k is chosen by silhouette on a small
 * deterministic sample (K_SAMPLE customers, silhouette on SILHOUETTE_SAMPLE of them): the silhouette curve over k is a
 * property of the distribution, which 2,000 points estimate well; the final k-means runs on at most FIT_SAMPLE
 * customers (centroids of 10 features are pinned down long before that), and then EVERY member is assigned to its
 * nearest final centroid, so sizes, revenue and personas cover the whole segment. Segments of up to K_SAMPLE
 * customers are clustered exactly as before (all points, no sampling). Members beyond MAX_CLUSTER_CUSTOMERS are left
 * out by a deterministic md5 order (memory bound), reported as `customers` < `members`.
 */
export const MAX_CLUSTER_CUSTOMERS = 250_000;
export const K_SAMPLE = 2_000;
export const FIT_SAMPLE = 10_000;
export const SILHOUETTE_SAMPLE = 2_000;
/** k-means++ restarts on the sampled path (the default 5 stays for segments of up to K_SAMPLE, as before). */
export const SAMPLED_RESTARTS = 3;
export const K_RANGE = { min: 2, max: 8 } as const;

const clusterSchema = z.object({
  cluster: z.number().describe('cluster number (0 = largest)'),
  label: z.string().describe('generated description from the centroid (traits ≥ 0.5 sd from the average customer)'),
  customers: z.number().describe('customers in the cluster'),
  share: z.number().describe('share of the clustered customers'),
  revenue: z.number().describe('revenue of the cluster’s customers'),
  revenueShare: z.number().describe('share of the clustered customers’ revenue'),
  centroid: z
    .object({
      revenue: z.number().describe('average revenue per customer'),
      orders: z.number().describe('average orders per customer'),
      aov: z.number().describe('average of the customers’ own average order values'),
      recencyDays: z.number().describe('average days since last order'),
      tenureDays: z.number().describe('average days since first order'),
      mainCategories: z.array(z.object({
        category: z.string().describe('category'),
        share: z.number().describe('share of the cluster with it as main category'),
      })).describe('shares of the top categories used as features'),
    })
    .describe('the cluster’s centre in original units: the mean of its members’ features'),
  persona: personaSchema,
});

export const clusteringSchema = z
  .object({
    members: z.number().describe('customers in the filtered segment'),
    customers: z.number().describe('customers assigned to a cluster: all members (a deterministic md5-ordered subset beyond 250,000)'),
    sampled: z.boolean().describe('whether k and the centroids were fitted on a deterministic sample (k on 2,000, centroids on 10,000), every customer then assigned to the nearest centroid'),
    fittedOn: z.number().describe('customers the final k-means ran on (the rest were assigned to the nearest centroid)'),
    k: z.number().describe('number of clusters'),
    chosenBy: z.enum(['silhouette', 'given']).describe('k given, or chosen by the highest mean silhouette over k = 2..8'),
    silhouette: z.number().describe('mean silhouette of the result (−1..1; > 0.5 = clearly separated, < 0.25 = weak structure)'),
    scores: z.array(z.object({ k: z.number().describe('k'), silhouette: z.number().describe('mean silhouette') })).describe('silhouette by k tried'),
    features: z.array(z.string()).describe('features used (see tools/lib/segments/features.ts)'),
    clusters: z.array(clusterSchema).describe('clusters, largest first'),
  })
  .describe('behaviour clusters');
export type Clustering = z.infer<typeof clusteringSchema>;

/** A member as read for clustering: its behaviour (the features) and what its persona counts. */
type Member = CustomerBehaviour & PersonaRow;
const READ_COLUMNS = [
  'customer_id', 'revenue', 'orders', 'aov', 'recency_days', 'tenure_days', 'main_category', 'country', 'main_channel', 'tags',
] as const;

/**
 * The members with everything the clusters report (features, persona columns, tags): one read, after which the
 * clusters' sizes, revenue and personas are counted in memory (why: a second statement evaluated the segment again
 * and joined ~90k (customer, cluster) pairs back to it, ~45% of a cluster call on the bench shop).
 */
async function loadMembers(db: Db, seg: PreparedSegment): Promise<{ customers: Member[]; members: number }> {
  const columns = `${READ_COLUMNS.slice(0, -1).map((c) => `m.${c}`).join(', ')}, tg.tags`;
  // Each member's tag ids as one text ('3 5'), names mapped below: the cheapest shape measured on the bench shop
  // (an int[] per member made the read 2× slower to parse; counting tags per cluster afterwards sent ~90k ids back).
  const from = `(${seg.sql}) m LEFT JOIN (SELECT customer_id, string_agg(tag_id::text, ' ') AS tags FROM customer_tags GROUP BY customer_id) tg
      ON tg.customer_id = m.customer_id`;
  return readOnly(db, async (q) => {
    // Usually every member fits: read them in any order (one more row than the cap tells whether they all did).
    // Only a segment beyond the cap pays for the md5 order that picks its deterministic subset.
    // Bulk rows: on PGlite json arrays per column (server/db/bulkRows.ts), several times faster than its rows.
    let rows = await bulkRows<Member & { total?: number }>(
      q,
      { select: `SELECT ${columns} FROM ${from} LIMIT $${seg.params.length + 1}::int` },
      [...seg.params, MAX_CLUSTER_CUSTOMERS + 1],
      READ_COLUMNS,
    );
    let members = rows.length;
    if (rows.length > MAX_CLUSTER_CUSTOMERS) {
      rows = await bulkRows<Member & { total?: number }>(
        q,
        { select: `SELECT ${columns}, count(*) OVER () AS total FROM ${from} ORDER BY md5(m.customer_id::text) LIMIT $${seg.params.length + 1}::int` },
        [...seg.params, MAX_CLUSTER_CUSTOMERS],
        [...READ_COLUMNS, 'total'],
      );
      members = Number(rows[0]?.total ?? 0);
    }
    // In id order (the features' sample is drawn by position); the rows usually arrive so.
    if (rows.some((r, i) => i > 0 && r.customer_id < rows[i - 1]!.customer_id)) rows.sort((a, b) => a.customer_id - b.customer_id);
    const { rows: tags } = await q.query<{ id: string; name: string }>(`SELECT id::text AS id, name FROM tags`);
    const tagName = new Map(tags.map((t) => [t.id, t.name]));
    for (const r of rows) if (r.tags) r.tags = (r.tags as unknown as string).split(' ').map((id) => tagName.get(id) ?? id);
    return { customers: rows, members };
  });
}

/**
 * k (given, or by silhouette on K_SAMPLE points), centroids from k-means++ restarts on the K_SAMPLE points refined by
 * Lloyd's iterations on FIT_SAMPLE points, labels for all points by nearest centroid, and the mean silhouette of those
 * labels on a SILHOUETTE_SAMPLE of all points.
 */
export function fitClusters(matrix: FeatureMatrix, k: number | undefined, seed: number): { fit: KMeansResult; silhouette: number; scores: Clustering['scores']; fittedOn: number } {
  const { points } = matrix;
  const silhouetteIndex = deterministicSample(points.n, SILHOUETTE_SAMPLE, seed);
  let silhouetteDistances: Float64Array | undefined;
  let scores: Clustering['scores'];
  let start: KMeansResult;
  const kIndex = deterministicSample(points.n, K_SAMPLE, seed);
  const kSample = rowsAt(points, kIndex);
  const small = kSample.n === points.n;
  if (k === undefined) {
    // The k sample and the silhouette sample are the same customers when their sizes agree (same seeded draw):
    // their pairwise distances, the O(n²) part, are computed once for both.
    const distances = sampleDistances(kSample);
    if (sameIndex(kIndex, silhouetteIndex)) silhouetteDistances = distances;
    const chosen = chooseK(kSample, {
      kMin: K_RANGE.min, kMax: K_RANGE.max, silhouetteSample: SILHOUETTE_SAMPLE, seed, distances, ...(small ? {} : { restarts: SAMPLED_RESTARTS }),
    });
    scores = chosen.scores.map((s) => ({ k: s.k, silhouette: round(s.silhouette, 4) }));
    start = chosen.best;
    // Small segments: chooseK already fitted every point; keep that result (identical to clustering without sampling).
    if (small) {
      const score = chosen.scores.find((s) => s.k === start.k)!.silhouette;
      return { fit: chosen.best, silhouette: score, scores, fittedOn: points.n };
    }
  } else {
    scores = [];
    start = kmeans(kSample, k, { seed, ...(small ? {} : { restarts: SAMPLED_RESTARTS }) });
  }
  const chosenK = start.k;
  const fitIndex = deterministicSample(points.n, FIT_SAMPLE, seed);
  // Lloyd on the fit sample from the k sample's best centroids: the k-means++ restarts already ran on the k sample
  // (three more restarts on 10,000 points cost ~90 ms on the bench shop; this refinement ~15 ms).
  const final = fitIndex.length === kIndex.length ? start : kmeans(rowsAt(points, fitIndex), chosenK, { initial: start.centroids });
  const labels = fitIndex.length === points.n ? final.labels : assignNearest(points, final.centroids);
  const result: KMeansResult = { ...final, labels };
  const distances = silhouetteDistances ?? sampleDistances(rowsAt(points, silhouetteIndex));
  const score = silhouette(distances, silhouetteIndex.map((i) => labels[i]!), chosenK);
  if (k !== undefined) scores = [{ k, silhouette: round(score, 4) }];
  return { fit: result, silhouette: score, scores, fittedOn: fitIndex.length };
}

/**
 * The distance triangle of the silhouette sample (2,000 points: 16 MB), kept for the process and reused by every fit
 * (see pairwiseDistances). fitClusters is synchronous and holds one triangle at a time, so fits never share it.
 */
let triangle: Float64Array | undefined;
function sampleDistances(points: Matrix): Float64Array {
  const size = (points.n * (points.n - 1)) / 2;
  if (!triangle || triangle.length < size) triangle = new Float64Array(size);
  return pairwiseDistances(points, triangle);
}

const sameIndex = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Renumber clusters by size (largest = 0) so the same data always lists them in the same order. */
function bySize(result: KMeansResult): { labels: number[]; order: number[] } {
  const counts = new Array<number>(result.k).fill(0);
  for (const l of result.labels) counts[l]!++;
  const order = counts.map((_, c) => c).sort((a, b) => counts[b]! - counts[a]! || a - b);
  const rank = new Array<number>(result.k);
  order.forEach((c, i) => (rank[c] = i));
  return { labels: result.labels.map((l) => rank[l]!), order };
}

export async function clusterSegment(
  db: Db,
  seg: PreparedSegment,
  opts: { k?: number; seed: number; top: number },
): Promise<Clustering> {
  const { customers, members } = await loadMembers(db, seg);
  const matrix = buildFeatures(customers);
  const needed = opts.k ?? K_RANGE.min;
  if (matrix.names.length === 0 || countDistinct(matrix.points, needed) < needed) {
    const distinct = countDistinct(matrix.points);
    throw new AppError('invalid_argument', `too few distinct customers to cluster into ${needed} groups (segment has ${customers.length} customers, ${distinct} distinct)`);
  }
  const { fit: result, silhouette: score, scores, fittedOn } = fitClusters(matrix, opts.k, opts.seed);
  const { labels, order } = bySize(result);
  const groups = order.map((_, i) => i);
  const profiles = personasFromCounts(countGroups(customers, labels), groups, opts.top);
  const centroids = centroidsInUnits(customers, labels, groups.length, matrix.categories);
  const totalRevenue = profiles.overall.revenue;
  return {
    members,
    customers: customers.length,
    sampled: fittedOn < members,
    fittedOn,
    k: result.k,
    chosenBy: opts.k === undefined ? 'silhouette' : 'given',
    silhouette: round(score, 4),
    scores,
    features: matrix.names,
    clusters: groups.map((g) => {
      const profile = profiles.groups.get(g)!;
      return {
        cluster: g,
        label: labelCluster(result.centroids[order[g]!]!, matrix),
        customers: profile.customers,
        share: rate(profile.customers / customers.length),
        revenue: money(profile.revenue),
        revenueShare: totalRevenue > 0 ? rate(profile.revenue / totalRevenue) : 0,
        centroid: centroids[g]!,
        persona: profile.persona,
      };
    }),
  };
}

/** Each cluster's mean features in original units: one pass over the members, sums per cluster. */
function centroidsInUnits(customers: readonly CustomerBehaviour[], labels: readonly number[], k: number, categories: readonly string[]): Clustering['clusters'][number]['centroid'][] {
  const sums = Array.from({ length: k }, () => ({ n: 0, revenue: 0, orders: 0, aov: 0, recency: 0, tenure: 0, categories: new Map<string, number>() }));
  customers.forEach((c, i) => {
    const s = sums[labels[i]!]!;
    s.n++;
    s.revenue += c.revenue;
    s.orders += c.orders;
    s.aov += c.aov;
    s.recency += c.recency_days;
    s.tenure += c.tenure_days;
    if (c.main_category !== null) s.categories.set(c.main_category, (s.categories.get(c.main_category) ?? 0) + 1);
  });
  return sums.map((s) => ({
    revenue: money(s.revenue / s.n),
    orders: round(s.orders / s.n, 2),
    aov: money(s.aov / s.n),
    recencyDays: round(s.recency / s.n, 1),
    tenureDays: round(s.tenure / s.n, 1),
    mainCategories: categories.map((category) => ({ category, share: rate((s.categories.get(category) ?? 0) / s.n) })),
  }));
}
