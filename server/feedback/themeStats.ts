/**
 * What a stored theme run means for the business: per theme its size and share, trend by month, representative
 * quotes, who is behind it (country, channel, language, RFM tier, tags, with lift vs all feedback) and the revenue of
 * those customers. Read-only; runs inside the tool's read-only transaction.
 */
import type { Queryable } from '../db/index.ts';
import { rfmSql } from '../../tools/lib/rfm.ts';
import { monthWindow, trendOf, type Trend } from './trend.ts';

export const BREAKDOWN_DIMENSIONS = ['country', 'channel', 'language', 'rfmTier', 'tag'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

/** SQL per dimension; every identifier is a constant here, never input. `r` = RFM as of $1, `tg` = tag names. */
const DIMENSION_SQL: Record<BreakdownDimension, string> = {
  country: `coalesce(c.country, '(unknown)')`,
  channel: `coalesce(f.channel, '(unknown)')`,
  language: `coalesce(f.language, '(unknown)')`,
  rfmTier: `coalesce(r.tier, '(no orders)')`,
  tag: `tg.name`,
};

export interface ReportOptions {
  asOf: string;
  periods: number;
  recentPeriods: number;
  quotes: number;
  top: number;
}

export interface BreakdownValue { value: string; count: number; share: number; lift: number | null }
export interface ThemeStats {
  id: number;
  name: string;
  nameSource: 'keywords' | 'llm';
  keywords: string[];
  isNew: boolean;
  size: number;
  share: number;
  trend: Trend & { periods: { period: string; count: number; share: number }[] };
  quotes: { feedbackId: number; text: string; date: string; language: string | null; rating: number | null; similarity: number }[];
  breakdown: Record<BreakdownDimension, BreakdownValue[]>;
  ratings: { rated: number; average: number | null; low: number; lowShare: number | null };
  customers: { count: number; revenue: number; revenuePerCustomer: number | null; yearlyRevenue: number };
}

interface ThemeRow { id: number; name: string; name_source: 'keywords' | 'llm'; keywords: string[]; size: number; first_run_id: number }

async function periodCounts(q: Queryable, months: string[]) {
  const end = new Date(`${months[months.length - 1]}T00:00:00Z`);
  const to = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
  const { rows } = await q.query<{ theme_id: number; period: string; n: number }>(
    `SELECT a.theme_id, to_char(date_trunc('month', f.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period, count(*)::int AS n
       FROM feedback_theme_assignments a JOIN feedback f ON f.id = a.feedback_id
      WHERE f.created_at >= $1::date::timestamp AT TIME ZONE 'UTC' AND f.created_at < $2::date::timestamp AT TIME ZONE 'UTC'
      GROUP BY 1, 2`,
    [months[0], to],
  );
  return rows;
}

async function representativeQuotes(q: Queryable, perTheme: number) {
  // Closest to the centroid first, one row per distinct text (templated or repeated feedback would fill the list).
  const { rows } = await q.query<{ theme_id: number; id: number; text: string; date: string; language: string | null; rating: number | null; similarity: number }>(
    `SELECT theme_id, id, text, date, language, rating, similarity FROM (
       SELECT d.*, row_number() OVER (PARTITION BY theme_id ORDER BY similarity DESC, id) AS rn FROM (
         SELECT DISTINCT ON (a.theme_id, f.text) a.theme_id, f.id, f.text, f.language, f.rating, a.similarity,
                to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date
           FROM feedback_theme_assignments a JOIN feedback f ON f.id = a.feedback_id
          ORDER BY a.theme_id, f.text, a.similarity DESC, f.id) AS d) AS ranked
      WHERE rn <= $1 ORDER BY theme_id, rn`,
    [perTheme],
  );
  return rows;
}

async function breakdownCounts(q: Queryable, dimension: BreakdownDimension, asOf: string) {
  const joins = [
    `LEFT JOIN customers c ON c.id = f.customer_id`,
    dimension === 'rfmTier' ? `LEFT JOIN (${rfmSql('summary')}) AS r ON r.customer_id = f.customer_id` : '',
    dimension === 'tag' ? `JOIN customer_tags ct ON ct.customer_id = f.customer_id JOIN tags tg ON tg.id = ct.tag_id` : '',
  ].join('\n');
  const { rows } = await q.query<{ theme_id: number; value: string; n: number }>(
    `SELECT a.theme_id, ${DIMENSION_SQL[dimension]} AS value, count(*)::int AS n
       FROM feedback_theme_assignments a JOIN feedback f ON f.id = a.feedback_id
       ${joins}
      WHERE $1::date IS NOT NULL
      GROUP BY 1, 2`,
    [asOf],
  );
  return rows;
}

async function customerValue(q: Queryable, asOf: string) {
  // Yearly revenue = revenue ÷ tenure in years (at least one), the glossary's revenue_at_stake: a CLV proxy that
  // needs no model fit.
  const { rows } = await q.query<{ theme_id: number; customers: number; revenue: number; yearly: number }>(
    `SELECT x.theme_id, count(*)::int AS customers, coalesce(sum(cs.revenue), 0)::float8 AS revenue,
            coalesce(sum(cs.revenue / greatest(($1::date - (cs.first_order_at AT TIME ZONE 'UTC')::date) / 365.25, 1)), 0)::float8 AS yearly
       FROM (SELECT DISTINCT a.theme_id, f.customer_id FROM feedback_theme_assignments a JOIN feedback f ON f.id = a.feedback_id
              WHERE f.customer_id IS NOT NULL) AS x
       LEFT JOIN customer_summary cs ON cs.customer_id = x.customer_id
      GROUP BY 1`,
    [asOf],
  );
  return rows;
}

/** Per theme: rated rows, mean rating, rows rated 1–2 (a complaint, for "what are customers complaining about"). */
async function ratingCounts(q: Queryable) {
  const { rows } = await q.query<{ theme_id: number; rated: number; average: number | null; low: number }>(
    `SELECT a.theme_id, count(f.rating)::int AS rated, avg(f.rating)::float8 AS average, (count(*) FILTER (WHERE f.rating <= 2))::int AS low
       FROM feedback_theme_assignments a JOIN feedback f ON f.id = a.feedback_id
      GROUP BY 1`,
  );
  return new Map(rows.map((r) => [Number(r.theme_id), r]));
}

function topValues(rows: { theme_id: number; value: string; n: number }[], themeId: number, size: number, overall: Map<string, number>, total: number, top: number): BreakdownValue[] {
  return rows
    .filter((r) => Number(r.theme_id) === themeId)
    .sort((a, b) => b.n - a.n || a.value.localeCompare(b.value))
    .slice(0, top)
    .map((r) => {
      const share = size ? r.n / size : 0;
      const base = total ? (overall.get(r.value) ?? 0) / total : 0;
      return { value: r.value, count: r.n, share, lift: base > 0 ? share / base : null };
    });
}

export async function themeReport(q: Queryable, runId: number, opts: ReportOptions): Promise<{ themes: ThemeStats[]; assigned: number }> {
  const { rows: themes } = await q.query<ThemeRow>(
    `SELECT id, name, name_source, keywords, size, first_run_id FROM feedback_themes WHERE last_run_id = $1 AND active ORDER BY size DESC, id`,
    [runId],
  );
  const assigned = themes.reduce((s, t) => s + t.size, 0);
  const months = monthWindow(opts.asOf, opts.periods);
  const counts = await periodCounts(q, months);
  const totals = months.map((m) => counts.filter((c) => c.period === m).reduce((s, c) => s + c.n, 0));
  const quotes = await representativeQuotes(q, opts.quotes);
  const breakdowns = {} as Record<BreakdownDimension, { theme_id: number; value: string; n: number }[]>;
  for (const d of BREAKDOWN_DIMENSIONS) breakdowns[d] = await breakdownCounts(q, d, opts.asOf);
  const value = new Map((await customerValue(q, opts.asOf)).map((v) => [Number(v.theme_id), v]));
  const ratings = await ratingCounts(q);

  return {
    assigned,
    themes: themes.map((t) => {
      const id = Number(t.id);
      const series = months.map((m) => counts.find((c) => Number(c.theme_id) === id && c.period === m)?.n ?? 0);
      const breakdown = {} as Record<BreakdownDimension, BreakdownValue[]>;
      for (const d of BREAKDOWN_DIMENSIONS) {
        const overall = new Map<string, number>();
        for (const r of breakdowns[d]) overall.set(r.value, (overall.get(r.value) ?? 0) + r.n);
        breakdown[d] = topValues(breakdowns[d], id, t.size, overall, assigned, opts.top);
      }
      const v = value.get(id);
      const r = ratings.get(id);
      return {
        id, name: t.name, nameSource: t.name_source, keywords: t.keywords, isNew: Number(t.first_run_id) === runId,
        size: t.size, share: assigned ? t.size / assigned : 0,
        trend: {
          ...trendOf(series, totals, opts.recentPeriods),
          periods: months.map((period, i) => ({ period, count: series[i]!, share: totals[i] ? series[i]! / totals[i]! : 0 })),
        },
        quotes: quotes.filter((qr) => Number(qr.theme_id) === id).map((qr) => ({
          feedbackId: Number(qr.id), text: qr.text, date: qr.date, language: qr.language, rating: qr.rating, similarity: Number(qr.similarity),
        })),
        breakdown,
        ratings: { rated: r?.rated ?? 0, average: r?.average ?? null, low: r?.low ?? 0, lowShare: r?.rated ? r.low / r.rated : null },
        customers: {
          count: v?.customers ?? 0, revenue: v?.revenue ?? 0,
          revenuePerCustomer: v?.customers ? v.revenue / v.customers : null, yearlyRevenue: v?.yearly ?? 0,
        },
      };
    }),
  };
}
