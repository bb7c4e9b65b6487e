import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { themesAssignmentsCommand } from '../server/cli/feedback.ts';
import { DEMO, seedDemo } from '../server/demo/seed.ts';
import type { Db } from '../server/db/index.ts';
import { describeEachDriver, openTestDb } from '../server/testing/db.ts';
import { fixtureFile } from '../server/testing/files.ts';
import { runImport } from '../server/import/run.ts';
import { fixedClock } from './lib/clock.ts';
import { runTool } from './registry.ts';

type Theme = {
  id: number; name: string; nameSource: string; keywords: string[]; size: number; share: number;
  trend: { direction: string; changePts: number; periods: { period: string; count: number }[] };
  quotes: { feedbackId: number; text: string; similarity: number }[];
  breakdown: Record<string, { value: string; count: number; share: number }[]>;
  customers: { count: number; revenue: number };
  ratings: { rated: number; average: number | null; low: number; lowShare: number | null };
};
type Output = { run: { id: number; reused: boolean; method: string; k: number; rows: number }; themes: Theme[]; rising: { id: number }[]; otherThemes: number };

/** The most common gold label among a theme's rows. */
async function pluralityLabel(db: Db, themeId: number): Promise<string> {
  const { rows } = await db.query<{ label: string }>(
    `SELECT f.label FROM feedback_theme_assignments a JOIN feedback f ON f.id = a.feedback_id WHERE a.theme_id = $1
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`, [themeId],
  );
  return rows[0]!.label;
}

/** Words of late-delivery complaints in the demo templates (English stems, Chinese bigrams). */
const DELIVERY_WORDS = /late|package|parcel|courier|deliver|week|transit|track|arriv|slow|ship|wait|快递|物流|包裹|送|延|慢|到货|两周|中转/;

describeEachDriver('feedback_themes on the demo shop (800 customers)', (use) => {
  const themes = async (args: Record<string, unknown> = {}) =>
    (await runTool('feedback_themes', { limit: 200, ...args }, { db: use(), clock: fixedClock(DEMO.today), role: 'analyst' })) as unknown as Output;
  let first: Output;

  beforeAll(async () => {
    await seedDemo(use(), { customers: 800 });
    first = await themes();
  }, 600_000);

  it('puts the planted complaints (late deliveries, Aug–Oct 2026) in a delivery theme, named by keywords, whose share grew', async () => {
    // The theme holding the most planted complaints, found from the assignments and gold labels (not from the tool).
    const { rows } = await use().query<{ theme_id: number }>(
      `SELECT a.theme_id FROM feedback f JOIN feedback_theme_assignments a ON a.feedback_id = f.id
        WHERE f.label = $1 AND f.created_at >= $2::date GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
      [DEMO.risingComplaint.theme, DEMO.risingComplaint.fromDay],
    );
    const t = first.themes.find((x) => x.id === Number(rows[0]!.theme_id))!;
    expect(await pluralityLabel(use(), t.id)).toBe(DEMO.risingComplaint.theme);
    expect(t.nameSource).toBe('keywords');
    expect(t.name).toBe(t.keywords.slice(0, 3).join(' · '));
    expect(t.keywords.join(' ')).toMatch(DELIVERY_WORDS);
    // 800 customers give ~1,000 texts: too few for the z-test to be sure; the share must still have grown.
    expect(t.trend.changePts).toBeGreaterThan(0);
    expect(t.trend.direction).not.toBe('falling');
    // Negative control: no theme that is mostly (≥ 60%) praise is flagged rising.
    const { rows: praise } = await use().query<{ theme_id: number }>(
      `SELECT a.theme_id FROM feedback_theme_assignments a JOIN feedback f ON f.id = a.feedback_id
        GROUP BY 1 HAVING avg((f.label = 'praise')::int) >= 0.6`,
    );
    const praiseIds = new Set(praise.map((r) => Number(r.theme_id)));
    expect(first.themes.filter((x) => praiseIds.has(x.id) && x.trend.direction === 'rising').map((x) => x.name)).toEqual([]);
  });

  it('reports trend counts, quotes, breakdowns and revenue that match the stored data', async () => {
    const t = first.themes[0]!;
    const { rows: monthly } = await use().query<{ period: string; n: number }>(
      `SELECT to_char(date_trunc('month', f.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period, count(*)::int AS n
         FROM feedback f JOIN feedback_theme_assignments a ON a.feedback_id = f.id WHERE a.theme_id = $1 GROUP BY 1`, [t.id],
    );
    const byMonth = new Map(monthly.map((m) => [m.period, m.n]));
    expect(t.trend.periods).toHaveLength(12);
    expect(t.trend.periods[11]!.period).toBe('2026-10-01');
    for (const p of t.trend.periods) expect(p.count).toBe(byMonth.get(p.period) ?? 0);
    expect(t.quotes).toHaveLength(3);
    expect(new Set(t.quotes.map((q) => q.text)).size).toBe(3);
    const { rows: texts } = await use().query<{ id: number; text: string }>(`SELECT id, text FROM feedback WHERE id = ANY($1::int8[])`, [t.quotes.map((q) => q.feedbackId)]);
    for (const q of t.quotes) expect(q.text).toBe(texts.find((r) => Number(r.id) === q.feedbackId)!.text);
    expect(t.breakdown.language!.reduce((s, v) => s + v.count, 0)).toBe(t.size);
    const { rows: value } = await use().query<{ customers: number; revenue: number }>(
      `SELECT count(*)::int AS customers, coalesce(sum(cs.revenue), 0)::float8 AS revenue
         FROM (SELECT DISTINCT f.customer_id FROM feedback f JOIN feedback_theme_assignments a ON a.feedback_id = f.id
                WHERE a.theme_id = $1 AND f.customer_id IS NOT NULL) x LEFT JOIN customer_summary cs ON cs.customer_id = x.customer_id`, [t.id],
    );
    expect(t.customers.count).toBe(value[0]!.customers);
    expect(t.customers.revenue).toBeCloseTo(value[0]!.revenue, 2);
    for (const x of first.themes) expect(x.share).toBeCloseTo(x.size / first.run.rows, 12);
  });

  it('rates each theme as its rows are rated (recounted here from every assigned row): 1–2 is a complaint', async () => {
    const { rows } = await use().query<{ theme_id: number; rating: number | null }>(
      `SELECT a.theme_id, f.rating FROM feedback_theme_assignments a JOIN feedback f ON f.id = a.feedback_id`,
    );
    for (const t of first.themes) {
      const ratings = rows.filter((r) => Number(r.theme_id) === t.id && r.rating !== null).map((r) => Number(r.rating));
      const low = ratings.filter((r) => r <= 2).length;
      expect(t.ratings.rated).toBe(ratings.length);
      expect(t.ratings.low).toBe(low);
      if (ratings.length === 0) expect([t.ratings.average, t.ratings.lowShare]).toEqual([null, null]);
      else {
        expect(t.ratings.average).toBeCloseTo(ratings.reduce((s, r) => s + r, 0) / ratings.length, 9);
        expect(t.ratings.lowShare).toBeCloseTo(low / ratings.length, 12);
      }
    }
    // the demo writes both praise and complaints: some themes are mostly 1–2, others mostly not
    expect(first.themes.some((t) => (t.ratings.lowShare ?? 0) >= 0.5)).toBe(true);
    expect(first.themes.some((t) => (t.ratings.lowShare ?? 1) < 0.5)).toBe(true);
  });

  it('keeps theme ids and names across a re-run and after a few new rows; new rows join existing themes', async () => {
    const again = await themes();
    expect(again.run).toMatchObject({ id: first.run.id, reused: true });
    // Recomputed on the same data: every theme keeps its id and name.
    const forced = await themes({ refresh: true });
    expect(forced.run).toMatchObject({ reused: false, method: 'warm_start', k: first.run.k });
    expect(forced.themes.map((t) => [t.id, t.name]).sort()).toEqual(first.themes.map((t) => [t.id, t.name]).sort());

    const csv = ['feedback_id,channel,rating,created_at,language,text',
      'N1,review,1,2026-10-29,en,My package arrived 3 weeks late.',
      'N2,review,1,2026-10-30,en,The parcel arrived two weeks late.',
      'N3,review,5,2026-10-30,en,"Excellent service, will definitely buy again."',
      'N4,review,1,2026-10-30,zh,快递太慢了，等了两周才到。',
      'N5,survey,2,2026-10-31,en,The app crashed when I paid.'].join('\n');
    await runImport(use(), { entity: 'feedback', file: fixtureFile('themes-new.csv', csv), source: 'late' });
    const after = await themes();
    expect(after.run).toMatchObject({ reused: false, method: 'warm_start' });
    expect(after.run.rows).toBe(first.run.rows + 5);
    const before = new Map(first.themes.map((t) => [t.id, t.name]));
    const kept = after.themes.filter((t) => before.get(t.id) === t.name);
    expect(kept.length / first.themes.length).toBeGreaterThanOrEqual(0.9);
    // The new late-delivery complaints join the themes their twins are in.
    const { rows } = await use().query<{ external_id: string; theme_id: number }>(
      `SELECT f.external_id, a.theme_id FROM feedback f JOIN feedback_theme_assignments a ON a.feedback_id = f.id
        WHERE f.external_id IN ('N1', 'N4') AND f.source = 'late' ORDER BY 1`,
    );
    const { rows: twins } = await use().query<{ text: string; theme_id: number }>(
      `SELECT f.text, a.theme_id FROM feedback f JOIN feedback_theme_assignments a ON a.feedback_id = f.id
        WHERE f.source = 'demo' AND f.text IN ('My package arrived 3 weeks late.', '快递太慢了，等了两周才到。')`,
    );
    for (const r of rows) {
      const twin = twins.find((t) => t.text === (r.external_id === 'N1' ? 'My package arrived 3 weeks late.' : '快递太慢了，等了两周才到。'));
      if (twin) expect(Number(r.theme_id)).toBe(Number(twin.theme_id));
    }
    // Clustering from scratch (recluster) still carries the ids of themes that match.
    const fresh = await themes({ recluster: true });
    expect(fresh.run.method).toBe('recluster');
    const carried = fresh.themes.filter((t) => before.get(t.id) === t.name).length;
    expect(carried).toBeGreaterThan(0);
  });

  it('`themes assignments` prints feedback_id,external_id,label,theme_id for every row', async () => {
    const csv = await themesAssignmentsCommand(use(), { format: 'csv' });
    const lines = csv.split('\n');
    expect(lines[0]).toBe('feedback_id,external_id,label,theme_id');
    const { rows } = await use().query<{ id: number; external_id: string; label: string | null; theme_id: number | null }>(
      `SELECT f.id, f.external_id, f.label, a.theme_id FROM feedback f LEFT JOIN feedback_theme_assignments a ON a.feedback_id = f.id ORDER BY f.id`,
    );
    expect(lines.slice(1)).toEqual(rows.map((r) => [r.id, r.external_id, r.label ?? '', r.theme_id ?? ''].join(',')));
    await expect(themesAssignmentsCommand(use(), { format: 'xml' })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('search_feedback filters by theme id', async () => {
    const t = (await themes()).themes[0]!;
    const out = (await runTool('search_feedback', { query: t.quotes[0]!.text, themeId: t.id, limit: 20 }, { db: use(), clock: fixedClock(DEMO.today), role: 'analyst' })) as unknown as { results: { theme: { id: number } | null }[] };
    expect(out.results.length).toBeGreaterThan(0);
    expect(out.results.every((r) => r.theme?.id === t.id)).toBe(true);
  });
});

/**
 * The documented demo (5,000 customers, seed 42, ~6,250 texts) on PGlite: enough feedback for the trend test to be
 * sure. Seeding and clustering take minutes on a busy machine, so it runs with SIGHTLINE_DEMO_FULL=1 (as the full
 * planted-truths test does).
 */
describe.runIf(process.env.SIGHTLINE_DEMO_FULL === '1')('feedback_themes on the full demo (5,000 customers, PGlite)', () => {
  let db: Db | undefined;
  let out: Output;
  beforeAll(async () => {
    db = await openTestDb('pglite');
    await seedDemo(db);
    out = (await runTool('feedback_themes', { limit: 200 }, { db, clock: fixedClock(DEMO.today), role: 'analyst' })) as unknown as Output;
  }, 1_200_000);
  afterAll(async () => {
    await db?.close();
  });

  it('finds the planted complaint: rising delivery themes, named by keywords, holding most of the Aug–Oct 2026 complaints', async () => {
    const labels = new Map<number, string>();
    for (const t of out.themes) labels.set(t.id, await pluralityLabel(db!, t.id));
    const rising = out.themes.filter((t) => labels.get(t.id) === DEMO.risingComplaint.theme && t.trend.direction === 'rising');
    expect(rising.length).toBeGreaterThan(0);
    for (const t of rising) expect(t.name).toBe(t.keywords.slice(0, 3).join(' · '));
    expect(rising.filter((t) => DELIVERY_WORDS.test(t.keywords.join(' '))).length).toBeGreaterThan(0);
    const { rows } = await db!.query<{ inside: number; all: number }>(
      `SELECT count(*) FILTER (WHERE a.theme_id = ANY($1::int8[]))::int AS inside, count(*)::int AS all
         FROM feedback f JOIN feedback_theme_assignments a ON a.feedback_id = f.id
        WHERE f.label = $2 AND f.created_at >= $3::date`,
      [rising.map((t) => t.id), DEMO.risingComplaint.theme, DEMO.risingComplaint.fromDay],
    );
    // Measured 0.64 and 0.48 with two revisions of the local embedder (the rest sit in mixed or Chinese themes whose
    // plurality is another label): a floor well above what an unrelated set of themes would hold.
    expect(rows[0]!.inside / rows[0]!.all).toBeGreaterThan(0.4);
    // Negative control: no theme that is mostly (≥ 60%) praise rises: praise keeps coming at the old rate.
    const { rows: praise } = await db!.query<{ theme_id: number }>(
      `SELECT a.theme_id FROM feedback_theme_assignments a JOIN feedback f ON f.id = a.feedback_id
        GROUP BY 1 HAVING avg((f.label = 'praise')::int) >= 0.6`,
    );
    const praiseIds = new Set(praise.map((r) => Number(r.theme_id)));
    expect(praiseIds.size).toBeGreaterThan(0);
    expect(out.themes.filter((t) => praiseIds.has(t.id) && t.trend.direction === 'rising').map((t) => t.name)).toEqual([]);
  });
});
