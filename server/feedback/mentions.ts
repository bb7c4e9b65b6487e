import type { Queryable } from '../db/index.ts';
import { atLeastQuery, filterConditions, queryTerms, type SearchFilters } from './search.ts';
import { trendOf, type Trend } from './trend.ts';

/**
 * How often feedback mentions a topic: every row (under the search's filters) whose keyword tokens hold ALL of the
 * query's terms — the same tokens as the keyword leg (stemmed English words, Chinese character bigrams), so
 * "delivery" counts "Delivery was late" and 退款 counts "退款很慢". Unlike the ranked search it counts every match, in
 * total and by calendar month (UTC), next to all feedback under the same filters, so a count ("how many complaints
 * about delivery last month?") and a trend ("is feedback about the app rising?") can be stated.
 */

interface Counts {
  mentions: number;
  lowRated: number;
  rated: number;
  feedback: number;
  /** mentions ÷ feedback; null without feedback. */
  share: number | null;
  /** lowRated ÷ rated; null without rated mentions. */
  lowRatedShare: number | null;
  /** Mean rating (1–5) of the rated mentions, 2 decimals; null without any. */
  avgRating: number | null;
}
export type MentionMonth = Counts & { month: string };

export interface Mentions extends Counts {
  terms: string[];
  /** The rating scale the counts use, stated with them: low = 1..lowRatingMax, of 1..ratingScaleMax. */
  lowRatingMax: number;
  ratingScaleMax: number;
  byMonth: MentionMonth[];
  /**
   * The last `recentMonths` months listed vs the months before (trend.ts: significant and material change): of the
   * mentions' share of all feedback, and of the low-rated share of the rated mentions. Null with too few months.
   */
  trend: { recentMonths: number; share: Trend; lowRatedShare: Trend } | null;
}

/** Low ratings are 1–2 of 1–5 (as feedback_themes' complaint rule and the feedback rating CHECK). */
const SCALE = { lowRatingMax: 2, ratingScaleMax: 5 } as const;

/** Months compared with the ones before, as feedback_themes does by default. */
export const RECENT_MONTHS = 3;

/** Shares and the average rating from the counts (ratingSum is internal: the mean is what is reported). */
const withShares = <T extends Omit<Counts, 'share' | 'lowRatedShare' | 'avgRating'>>({ ratingSum, ...c }: T & { ratingSum: number }): T & Pick<Counts, 'share' | 'lowRatedShare' | 'avgRating'> => ({
  ...(c as unknown as T),
  share: c.feedback ? c.mentions / c.feedback : null,
  lowRatedShare: c.rated ? c.lowRated / c.rated : null,
  avgRating: c.rated ? Math.round((ratingSum / c.rated) * 100) / 100 : null,
});

/** Months listed at most (50 years of monthly rows; the newest are kept): a bound, not a sample. */
export const MAX_MENTION_MONTHS = 600;
/** Query terms a counted row must all hold, at most (a longer query is cut to its rarest terms; said in `terms`). */
export const MAX_COUNT_TERMS = 32;

/**
 * `text` undefined counts every row under the filters (mentions = feedback): "how many 1-star reviews last month?",
 * "what's the average rating this month?". A text of stop words only counts nothing.
 */
export async function countMentions(q: Queryable, text: string | undefined, opts: { filters: SearchFilters; asOf: string }): Promise<Mentions> {
  const terms = text === undefined ? [] : (await queryTerms(q, text)).slice(0, MAX_COUNT_TERMS);
  const empty = { terms, ...SCALE, mentions: 0, lowRated: 0, rated: 0, feedback: 0, share: null, lowRatedShare: null, avgRating: null, byMonth: [], trend: null };
  if (text !== undefined && !terms.length) return empty;
  const params: unknown[] = [terms.length ? atLeastQuery(terms, terms.length) : null, opts.filters.from ?? null, opts.filters.to ?? null];
  // (without terms every row is a hit; $1 is still referenced, as a NULL text, so its type is known)
  const HIT = terms.length ? 'f.search_tokens @@ $1::tsquery' : '$1::text IS NULL';
  const where = await filterConditions(q, opts.filters, opts.asOf, params);
  params.push(MAX_MENTION_MONTHS);
  // Every month of the window (or of the feedback found, without one) is listed, zeros included: "the last 3 months"
  // of the trend are calendar months, not the last 3 months that happen to have feedback.
  const { rows } = await q.query<{ month: string; mentions: number; low_rated: number; rated: number; rating_sum: number; feedback: number }>(
    `WITH counts AS (
       SELECT date_trunc('month', f.created_at AT TIME ZONE 'UTC')::date AS month,
              count(*) FILTER (WHERE ${HIT})::int AS mentions,
              count(*) FILTER (WHERE ${HIT} AND f.rating <= ${SCALE.lowRatingMax})::int AS low_rated,
              count(*) FILTER (WHERE ${HIT} AND f.rating IS NOT NULL)::int AS rated,
              coalesce(sum(f.rating) FILTER (WHERE ${HIT}), 0)::int AS rating_sum,
              count(*)::int AS feedback
         FROM feedback f
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        GROUP BY 1),
     span AS (
       SELECT date_trunc('month', coalesce($2::date, min(month)))::date AS lo, date_trunc('month', coalesce($3::date, max(month)))::date AS hi
         FROM counts)
     SELECT to_char(m, 'YYYY-MM') AS month, coalesce(c.mentions, 0) AS mentions, coalesce(c.low_rated, 0) AS low_rated,
            coalesce(c.rated, 0) AS rated, coalesce(c.rating_sum, 0) AS rating_sum, coalesce(c.feedback, 0) AS feedback
       FROM span, generate_series(span.lo, span.hi, interval '1 month') AS m
       LEFT JOIN counts c ON c.month = m::date
      ORDER BY m DESC
      LIMIT $${params.length}`,
    params,
  );
  rows.reverse();
  const byMonth = rows.map((r) => withShares({ month: r.month, mentions: r.mentions, lowRated: r.low_rated, rated: r.rated, feedback: r.feedback, ratingSum: r.rating_sum }));
  const column = (key: 'mentions' | 'lowRated' | 'rated' | 'feedback') => byMonth.map((m) => m[key]);
  const sum = (key: 'mentions' | 'lowRated' | 'rated' | 'feedback') => column(key).reduce((a, b) => a + b, 0);
  const ratingSum = rows.reduce((a, r) => a + r.rating_sum, 0);
  const trend = byMonth.length > RECENT_MONTHS
    ? { recentMonths: RECENT_MONTHS, share: trendOf(column('mentions'), column('feedback'), RECENT_MONTHS), lowRatedShare: trendOf(column('lowRated'), column('rated'), RECENT_MONTHS) }
    : null;
  return { terms, ...SCALE, ...withShares({ mentions: sum('mentions'), lowRated: sum('lowRated'), rated: sum('rated'), feedback: sum('feedback'), ratingSum }), byMonth, trend };
}
