import type { DuckDBConnection } from '@duckdb/node-api';
import type { Queryable, Row } from '../server/db/index.ts';
import { refreshCustomerSummary } from '../server/db/summary.ts';
import { funnelSql } from '../tools/lib/funnelSql.ts';
import type { GeneratedShop } from './generate.ts';
import { rfmTierCountsSql, timeCalls, type Timing } from './harness.ts';
import { BENCH_TODAY, FUNNEL, TABLE_ORDER, type Table } from './shop.ts';

/**
 * DuckDB (in memory, columnar, vectorized) as the reference for what the hardware can do: the same generated rows,
 * the same questions. Where the tools' SQL is portable it runs unchanged (rfmSql, funnelSql, the customer_summary
 * refresh); kpi_trend and cohort_retention build their SQL inside the tool, so their questions are written here.
 */
const COLUMNS: Record<Table | 'customer_summary', string> = {
  customers: 'id BIGINT, name VARCHAR, email VARCHAR, country VARCHAR, signup_channel VARCHAR, signed_up_at TIMESTAMPTZ',
  orders:
    'id BIGINT, source VARCHAR, external_id VARCHAR, customer_id BIGINT, kind VARCHAR, ordered_at TIMESTAMPTZ, channel VARCHAR, ' +
    'currency VARCHAR, country VARCHAR, revenue DECIMAL(16,4), line_count INTEGER',
  order_lines:
    'order_id BIGINT, line_no INTEGER, product_code VARCHAR, product_name VARCHAR, category VARCHAR, quantity DECIMAL(14,3), ' +
    'unit_price DECIMAL(14,4), amount DECIMAL(16,4)',
  events:
    'id BIGINT, source VARCHAR, dedupe_key VARCHAR, customer_id BIGINT, session_id VARCHAR, type VARCHAR, occurred_at TIMESTAMPTZ, properties JSON',
  customer_summary:
    'customer_id BIGINT PRIMARY KEY, first_order_at TIMESTAMPTZ NOT NULL, last_order_at TIMESTAMPTZ NOT NULL, orders INTEGER NOT NULL, ' +
    'order_days INTEGER NOT NULL, revenue DECIMAL(16,4) NOT NULL, first_day_revenue DECIMAL(16,4) NOT NULL, avg_gap_days DOUBLE, ' +
    'returns INTEGER NOT NULL DEFAULT 0, main_channel VARCHAR, main_category VARCHAR, updated_at TIMESTAMPTZ NOT NULL DEFAULT now()',
};

/** A bench constant as a SQL literal (never user input: DuckDB's node binding cannot bind untyped lists). */
function literal(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  if (typeof v === 'number') return String(v);
  return `'${String(v).replace(/'/g, "''")}'`;
}
export const inlineParams = (sql: string, params: readonly unknown[]) => sql.replace(/\$(\d+)/g, (_, n: string) => literal(params[Number(n) - 1]));

/** Enough of Queryable for server/db/summary.ts to run its SQL on DuckDB. */
function asQueryable(conn: DuckDBConnection): Queryable {
  return {
    driver: 'postgres', // a server-style engine: results are read as rows (bulkRows' Postgres shape)
    async query<T = Row>(sql: string, params: readonly unknown[] = []) {
      const r = await conn.runAndReadAll(inlineParams(sql, params));
      return { rows: r.getRowObjectsJS() as T[], rowCount: r.currentRowCount };
    },
    exec: async (sql: string) => void (await conn.run(sql)),
    copyFrom: () => Promise.reject(new Error('not used on DuckDB')),
  };
}

const utc = (day: string) => `TIMESTAMPTZ '${day} 00:00:00+00'`;
const MONTH_OF = (col: string) => `(extract(year FROM ${col} AT TIME ZONE 'UTC')::int * 12 + extract(month FROM ${col} AT TIME ZONE 'UTC')::int - 1)`;
/** kpi_trend's window (2024) and its previous window (2023): the tool reads both. */
const TWO_YEARS = `o.kind = 'order' AND o.ordered_at >= ${utc('2023-01-01')} AND o.ordered_at < ${utc('2025-01-01')}`;

export interface DuckQuestion {
  name: string;
  label: string;
  run(conn: DuckDBConnection): Promise<Row[]>;
}

const sql = (text: string) => async (conn: DuckDBConnection) => (await conn.runAndReadAll(text)).getRowObjectsJS() as Row[];

export const DUCK_QUESTIONS: readonly DuckQuestion[] = [
  { name: 'rfm', label: 'RFM tiers from customer_summary (rfmSql)', run: sql(inlineParams(rfmTierCountsSql('summary'), [BENCH_TODAY])) },
  { name: 'rfm_scan', label: 'RFM tiers, full scan of orders (rfmSql)', run: sql(inlineParams(rfmTierCountsSql('orders'), [BENCH_TODAY])) },
  {
    name: 'monthly_revenue',
    label: 'revenue by month, 2023–2024',
    run: sql(`SELECT strftime(date_trunc('month', o.ordered_at AT TIME ZONE 'UTC'), '%Y-%m-%d') AS period, sum(o.revenue)::double AS revenue,
                     count(*)::int AS orders FROM orders o WHERE ${TWO_YEARS} GROUP BY 1 ORDER BY 1`),
  },
  {
    name: 'revenue_by_country',
    label: 'revenue by country × month, 2023–2024',
    run: sql(`SELECT coalesce(o.country, c.country, '(none)') AS grp, strftime(date_trunc('month', o.ordered_at AT TIME ZONE 'UTC'), '%Y-%m-%d') AS period,
                     sum(o.revenue)::double AS revenue FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
               WHERE ${TWO_YEARS} GROUP BY 1, 2`),
  },
  {
    name: 'cohort_retention',
    label: 'cohorts 2024-01..12 × months 0..12 (sizes + cells)',
    async run(conn) {
      const cohorts = `WITH c AS (SELECT s.customer_id, ${MONTH_OF('s.first_order_at')} AS cohort FROM customer_summary s
                         WHERE s.first_order_at >= ${utc('2024-01-01')} AND s.first_order_at < ${utc('2025-01-01')})`;
      const sizes = await sql(`${cohorts} SELECT cohort, count(*)::int AS size FROM c GROUP BY cohort ORDER BY cohort`)(conn);
      await sql(`${cohorts} SELECT c.cohort, ${MONTH_OF('o.ordered_at')} - c.cohort AS month, count(DISTINCT o.customer_id)::int AS customers,
                                   sum(o.revenue)::double AS revenue
                   FROM c JOIN orders o ON o.customer_id = c.customer_id
                  WHERE o.kind = 'order' AND o.ordered_at < ${utc(BENCH_TODAY)} + INTERVAL 1 DAY GROUP BY 1, 2 ORDER BY 1, 2`)(conn);
      return sizes;
    },
  },
  {
    name: 'funnel',
    label: 'funnel visit→purchase, 2024, 7-day window (funnelSql)',
    run: sql(inlineParams(funnelSql(FUNNEL.length, 'none'), [[...FUNNEL], '2024-01-01', '2025-01-01', '2025-01-02', 7])),
  },
];

export interface DuckResult {
  version: string;
  threads: number;
  loadMs: number;
  summaryMs: number;
  questions: Record<string, Timing & { label: string }>;
  rows: Record<string, Row[]>;
}

/** Load the chunk files into an in-memory DuckDB, build its customer_summary, time every question. */
export async function runDuck(shop: GeneratedShop, repeats: number, log: (line: string) => void = () => {}): Promise<DuckResult> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`SET TimeZone = 'UTC'`);
    const info = (await conn.runAndReadAll(`SELECT version() AS v, current_setting('threads')::int AS t`)).getRowObjectsJS()[0]!;
    let started = performance.now();
    for (const table of TABLE_ORDER) {
      await conn.run(`CREATE TABLE ${table} (${COLUMNS[table]})`);
      const columns = COLUMNS[table].split(', ').map((c) => c.split(' ')).map(([name, type]) => `'${name}': '${type}'`);
      await conn.run(`INSERT INTO ${table} SELECT * FROM read_csv('${shop.dir}/${table}.*.tsv', delim = '\t', header = false,
                        nullstr = '\\N', quote = '', escape = '', auto_detect = false, columns = {${columns.join(', ')}})`);
    }
    const loadMs = performance.now() - started;
    started = performance.now();
    await conn.run(`CREATE TABLE customer_summary (${COLUMNS.customer_summary})`);
    await refreshCustomerSummary(asQueryable(conn), 'all', { rfm: false }); // no customer_rfm on DuckDB
    const summaryMs = performance.now() - started;
    log(`  DuckDB ${info.v}: loaded in ${(loadMs / 1000).toFixed(1)} s, summary ${(summaryMs / 1000).toFixed(1)} s`);
    const questions: DuckResult['questions'] = {};
    const rows: DuckResult['rows'] = {};
    for (const q of DUCK_QUESTIONS) {
      const { timing, last } = await timeCalls(() => q.run(conn), repeats);
      questions[q.name] = { ...timing, label: q.label };
      if (last) rows[q.name] = last;
      log(`  duckdb ${q.name}: ${timing.error ? `ERROR ${timing.error}` : `p50 ${timing.p50.toFixed(1)} ms`}`);
    }
    return { version: String(info.v), threads: Number(info.t), loadMs, summaryMs, questions, rows };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
