import { beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../../tools/lib/clock.ts';
import { TOOL_FACTORIES } from '../../../tools/registry.ts';
import type { Role } from '../../../tools/types.ts';
import { refreshCustomerSummary } from '../../db/summary.ts';
import { describeEachDriver } from '../../testing/db.ts';
import { loadTinyShop } from '../../testing/fixtures.ts';
import { checkGrounding } from '../grounding.ts';
import type { AnswerPayload, PlannerEvent, Turn } from '../types.ts';
import { createOfflinePlanner } from './index.ts';

/**
 * Real questions on the tiny shop (server/testing/fixtures.ts), today = 2024-03-15. Expected numbers are worked out
 * by hand from the fixture: Jan 2024 revenue 10 + 5 + 20 = 35 (the return r1 is not revenue), Feb 7 (Bob) + 3 (guest)
 * = 10; channels app 20, web 10 + 5 + 3 = 18, store 7; AOV Jan 35 ÷ 3 = 11.67. Plus a few events (funnel) and one
 * feedback row (search) inserted here.
 */
const planner = createOfflinePlanner();
const TODAY = '2024-03-15';

describeEachDriver('offline planner on the tiny shop', (use) => {
  beforeAll(async () => {
    const db = use();
    await loadTinyShop(db);
    // funnel in February: Ann's session goes all the way, Bob's stops after view, an anonymous session only visits
    await db.exec(`
      INSERT INTO events (source, dedupe_key, customer_id, session_id, type, occurred_at) VALUES
        ('t', 'e1', 1, 's1', 'visit', '2024-02-10 10:00Z'), ('t', 'e2', 1, 's1', 'view', '2024-02-10 10:01Z'),
        ('t', 'e3', 1, 's1', 'cart', '2024-02-10 10:02Z'), ('t', 'e4', 1, 's1', 'checkout', '2024-02-10 10:03Z'),
        ('t', 'e5', 1, 's1', 'purchase', '2024-02-10 10:04Z'),
        ('t', 'e6', 2, 's2', 'visit', '2024-02-11 10:00Z'), ('t', 'e7', 2, 's2', 'view', '2024-02-11 10:01Z'),
        ('t', 'e8', NULL, 's3', 'visit', '2024-02-12 10:00Z');
      INSERT INTO feedback (source, external_id, customer_id, channel, rating, text, language, created_at) VALUES
        ('t', 'f1', 1, 'review', 1, 'The parcel arrived two weeks late.', 'en', '2024-02-20 10:00Z');`);
    await refreshCustomerSummary(db, 'all');
  });

  const ask = async (question: string, conversation: Turn[] = [], role: Role = 'analyst', events?: PlannerEvent[]) => {
    const ctx = { tools: { db: use(), clock: fixedClock(TODAY), role }, onEvent: events && ((e: PlannerEvent) => events.push(e)) };
    const payload = await planner.ask(question, conversation, ctx);
    const report = checkGrounding(payload.answer, payload.toolCalls, { question, language: payload.language });
    expect(report.ungrounded, `${question}: ${payload.answer}`).toEqual([]);
    return payload;
  };
  const tools = (p: AnswerPayload) => p.toolCalls.map((c) => c.tool);
  const call = (p: AnswerPayload, tool: string) => p.toolCalls.find((c) => c.tool === tool)!;

  it('revenue in a month: one kpi_trend call with the window, the number, the window and the definition named', async () => {
    const events: PlannerEvent[] = [];
    const p = await ask('What was revenue in January 2024?', [], 'analyst', events);
    expect(p).toMatchObject({ kind: 'answer', language: 'en', planner: 'offline' });
    expect(tools(p)).toEqual(['describe_data', 'kpi_trend']);
    expect(call(p, 'kpi_trend').args).toMatchObject({ metric: 'revenue', from: '2024-01-01', to: '2024-01-31' });
    expect(call(p, 'kpi_trend').ms).toBeGreaterThanOrEqual(0);
    expect(p.answer).toContain('35.00');
    expect(p.answer).toContain('2024-01-01 to 2024-01-31');
    expect(p.answer).toMatch(/Definition: revenue = sum of order amounts; returns/);
    expect(p.window).toEqual({ from: '2024-01-01', to: '2024-01-31' });
    expect(p.definitions).toHaveProperty('revenue');
    expect(p.followUps.length).toBeGreaterThanOrEqual(2);
    expect(events.map((e) => e.type)).toEqual(['tool_call', 'tool_result', 'plan', 'tool_call', 'tool_result', 'token']);
  });

  it('follow-ups in English: "and in Germany?" keeps metric and month', async () => {
    const first = await ask('What was revenue in February 2024?');
    expect(first.answer).toContain('10.00');
    const second = await ask('and in Germany?', [{ question: first.question, payload: first }]);
    expect(call(second, 'kpi_trend').args).toMatchObject({ metric: 'revenue', from: '2024-02-01', to: '2024-02-29', filters: { country: 'Germany' } });
    expect(second.answer).toContain('7.00');
    const third = await ask('what about January 2024?', [{ question: first.question, payload: first }, { question: second.question, payload: second }]);
    expect(call(third, 'kpi_trend').args).toMatchObject({ from: '2024-01-01', to: '2024-01-31', filters: { country: 'Germany' } });
    expect(third.answer).toMatch(/No orders match/);
    expect(third.answer).not.toMatch(/loaded orders/); // January has orders: the filter emptied it
  });

  it('an empty window after the data says where the data is (orders 2024-01-01 … 2024-02-02, today 2024-03-15)', async () => {
    const en = await ask('What was revenue this month?');
    expect(call(en, 'kpi_trend').args).toMatchObject({ from: '2024-03-01', to: '2024-03-14' }); // this month up to yesterday (complete days)
    expect(en.answer).toContain('No orders match');
    expect(en.answer).toContain('The loaded orders run from 2024-01-01 to 2024-02-02.');
    const zh = await ask('这个月的收入是多少？');
    expect(zh.answer).toContain('已加载的订单日期为 2024-01-01 至 2024-02-02。');
  });

  it('Chinese question and follow-up: Q1 revenue 45, then 那英国呢 → 35', async () => {
    const first = await ask('2024年第一季度的收入是多少？');
    expect(first.language).toBe('zh');
    expect(first.answer).toContain('45.00');
    expect(first.answer).toContain('口径');
    const second = await ask('那英国呢？', [{ question: first.question, payload: first }]);
    expect(call(second, 'kpi_trend').args).toMatchObject({ filters: { country: 'United Kingdom' } });
    expect(second.answer).toContain('35.00');
  });

  it('breakdown by channel, top country, AOV, customers and new customers', async () => {
    const byChannel = await ask('Revenue by channel in Q1 2024');
    expect(byChannel.chart?.data).toEqual({ categories: ['app', 'web', 'store'], series: [{ name: 'revenue', values: [20, 18, 7] }] });
    expect(byChannel.answer).toMatch(/app 20\.00 USD; web 18\.00 USD; store 7\.00 USD/);
    // follow-ups offer a split the answer does not have: not by channel again, not by a country it is filtered to
    expect(byChannel.followUps).toContain('Break revenue down by country');
    expect(byChannel.followUps.join(' ')).not.toMatch(/by channel/);
    expect((await ask('Revenue in Germany in Q1 2024')).followUps).toContain('Break revenue down by channel');
    expect((await ask('2024年第一季度按国家的收入')).followUps).toContain('按渠道拆分收入');
    const top = await ask('Which country had the most orders in January 2024?');
    expect(top.answer).toMatch(/^United Kingdom had the highest orders: 3\b/);
    expect((await ask('average order value in January 2024')).answer).toContain('11.67');
    const customers = await ask('How many customers ordered in February 2024?'); // Bob; the guest is not a customer
    expect(call(customers, 'kpi_trend').args).toMatchObject({ metric: 'customers' });
    expect(customers.answer).toMatch(/was 1\./);
    const zhNew = await ask('2024年2月有多少新客户？');
    expect(call(zhNew, 'kpi_trend').args).toMatchObject({ metric: 'new_customers', from: '2024-02-01', to: '2024-02-29' });
    expect(zhNew.answer).toMatch(/为 1。/);
  });

  it('trend by month and period-over-period change', async () => {
    const trend = await ask('monthly revenue trend from 2024-01-01 to 2024-02-29');
    expect(trend.chart).toMatchObject({ type: 'line', data: { categories: ['2024-01-01', '2024-02-01'], series: [{ values: [35, 10] }] } });
    const change = await ask('How did orders change in February 2024 compared to the previous month?');
    expect(change.answer).toMatch(/was 2\. The previous period \(2024-01-01 to 2024-01-31\) had 3: down, a change of -1 \(-33\.3%\)/);
    const zh = await ask('上个月的订单数环比变化');
    expect(zh.answer).toMatch(/为 2。上一周期（2024-01-01 至 2024-01-31）为 3，下降，变化 -1 \(-33\.3%\)/);
  });

  it('RFM tiers, churn risk and revenue at stake, cohort retention, segment profile', async () => {
    const rfm = await ask('What are the RFM tier sizes?');
    expect(tools(rfm)).toContain('rfm_analysis');
    expect(rfm.answer).toContain('over 2 customers with orders'); // Ann and Bob
    expect(rfm.table!.rows.reduce((s, r) => s + Number(r[1]), 0)).toBe(2);
    // Both are at risk: Ann 64 days quiet vs a 5–10 day rhythm, Bob's single order 43 days ago. Each has < 1 year of
    // tenure, so revenue at stake = their revenue: 35 + 7 = 42.
    const churn = await ask('有多少客户有流失风险？');
    expect(churn.answer).toMatch(/2 位客户中有 2 位存在流失风险，风险收入 42\.00/);
    // "which customers": named by revenue at stake, names masked for the analyst (Ann 35, then Bob 7)
    expect((await ask('Which customers are we about to lose?')).answer).toMatch(/Most revenue at stake: Ann L\. \(United Kingdom\) 35\.00 USD; Bob S\. \(Germany\) 7\.00 USD\./);
    // within a country: churn_risk judges Germany's customers only (Bob), against the whole shop's thresholds
    const germany = await ask('Show me the 3 customers most at risk in Germany');
    expect(call(germany, 'churn_risk').args).toMatchObject({ filter: { country: 'Germany' } });
    expect(germany.answer).toMatch(/^As of 2024-03-15, 1 of 1 customers in Germany are at risk of churning, with 7\.00 USD of revenue at stake.*Most revenue at stake: Bob S\. \(Germany\) 7\.00 USD\./);
    const cohort = await ask('What is the retention of the January 2024 cohort?');
    expect(call(cohort, 'cohort_retention').args).toEqual({ from: '2024-01', to: '2024-01' });
    expect(cohort.answer).toMatch(/has 1 customers.*month 1: 0%/); // Ann did not order in February
    const seg = await ask('Profile customers in the United Kingdom');
    expect(call(seg, 'customer_segments').args).toMatchObject({ mode: 'profile', filter: { country: 'United Kingdom' } });
    expect(seg.answer).toMatch(/has 1 customers, 50% of the 2 customers with orders, and revenue 35\.00 USD \(83\.3%/); // 35 ÷ 42
  });

  it('behaviour clusters: Ann and Bob split into two groups, each described from its own numbers', async () => {
    // Two customers, two clusters: one each. Ann: 3 orders, revenue 35 (83.3% of 42), AOV 35 ÷ 3 = 11.67, last order
    // 2024-01-11 (64 days before today), main category Toys (25 of 35). Bob: 1 order of 7 (16.7%), 43 days ago, Home.
    // With two customers every numeric feature is ±1 sd, so Ann's cluster reads high on all of them and Bob's low.
    const p = await ask('Split our customers into 2 groups');
    expect(call(p, 'customer_segments').args).toEqual({ mode: 'cluster', k: 2 });
    expect(p.answer).toMatch(/the 2 customers with orders fall into 2 behaviour clusters .*2 as asked; silhouette 0, weakly separated/);
    expect(p.answer).toContain('“high value, frequent, lapsed, long-standing, big baskets, mostly Toys”: 1 customer (50%), 83.3% of revenue, 3 orders of 11.67 USD on average, last order 64 days ago');
    expect(p.answer).toContain('“low value, infrequent, recent, new, small baskets, mostly Home”: 1 customer (50%), 16.7% of revenue, 1 orders of 7.00 USD on average, last order 43 days ago');
    expect(p.table!.rows.map((r) => r[1])).toEqual([1, 1]);
    const zh = await ask('把客户分成两类');
    expect(call(zh, 'customer_segments').args).toEqual({ mode: 'cluster', k: 2 });
    expect(zh.answer).toContain('“高价值、高频、久未购买、老客、大单、以Toys为主”：1 位客户（50%），贡献 83.3% 的收入');
  });

  it('funnel: conversion and the worst step (view → cart, 1 of 2)', async () => {
    const p = await ask('Show the conversion funnel in February 2024');
    expect(call(p, 'funnel_analysis').args).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(p.answer).toMatch(/3 users entered and 1 reached purchase \(overall conversion 33\.3%\)/);
    expect(p.answer).toMatch(/worst step is view → cart: 50% converted and 1 users were lost/);
    expect(p.chart).toMatchObject({ type: 'funnel', data: { series: [{ values: [3, 2, 1, 1, 1] }] } });
  });

  it('feedback: search finds the late parcel; themes answer plainly when the tool is missing', async () => {
    const search = await ask('Find feedback about late parcels');
    expect(call(search, 'search_feedback').args).toMatchObject({ query: 'late parcels' });
    const themes = await ask('What are customers complaining about this month?');
    expect(call(themes, 'feedback_themes').args).toEqual({ limit: 60 }); // the tool clusters all feedback; no date range
    if (!TOOL_FACTORIES.some((f) => f({ db: use(), clock: fixedClock(TODAY), role: 'analyst' }).name === 'feedback_themes')) {
      expect(themes.answer).toMatch(/not available on this server yet/);
    }
    const hit = await ask('Find feedback mentioning "parcel"');
    expect(hit.answer).toContain('The parcel arrived two weeks late.');
    // a group of customers filters the feedback (Ann, who wrote it, is in the UK; nobody in Germany wrote any)
    const uk = await ask('Show feedback from customers in the United Kingdom about late parcels');
    expect(call(uk, 'search_feedback').args).toMatchObject({ query: 'late parcels', countries: ['United Kingdom'] });
    expect(uk.answer).toMatch(/^Feedback from customers in country United Kingdom matching "late parcels".*The parcel arrived two weeks late\./);
    const de = await ask('Show feedback from customers in Germany about late parcels');
    expect(call(de, 'search_feedback').args).toMatchObject({ countries: ['Germany'] });
    expect(de.answer).toBe('No feedback from customers in country Germany matches "late parcels".');
  });

  it('clarifies instead of guessing, in both languages', async () => {
    // vague, but not about the business as a whole ("how are we doing?" gets an overview, below)
    for (const q of ['Show me the trend', 'Which country is best?', '那德国呢？', '对比一下', 'How is our support team performing?', '双十一的业绩怎么样']) {
      const p = await ask(q);
      expect(p.kind, q).toBe('clarify');
      expect(tools(p), q).toEqual(['describe_data']);
      expect(p.answer.match(/[?？]/g)?.length, q).toBeGreaterThanOrEqual(1);
    }
    expect((await ask('那德国呢？')).answer).toContain('Germany');
  });

  it('ranks products by revenue from the order lines', async () => {
    // January 2024 lines: P1 o1 10; P2 o2 5 + o3 20 = 25 (the return r1 is not revenue)
    const p = await ask('Which products sold best in January 2024?');
    expect(call(p, 'kpi_trend').args).toMatchObject({ metric: 'revenue', groupBy: 'product', from: '2024-01-01', to: '2024-01-31' });
    expect(p.answer).toMatch(/^P2 had the highest revenue: 25\.00 USD\. Revenue by product, January 2024 .*: P2 25\.00 USD; P1 10\.00 USD\./);
  });

  it('explains a change: the same KPI split by country, channel, category, product and new vs returning customers', async () => {
    // February 2024 against January, revenue 10 vs 35 → -25 (-71.4%). By hand: country UK (Ann) 35 → 0, Germany (Bob)
    // 0 → 7, the guest's o5 without a country 0 → 3; channel app 20 → 0, web 15 → 3, store 0 → 7; category Toys 25 → 0,
    // Home 10 → 10 (no change, not told); product P2 25 → 0, P1 10 → 10; new customers Ann 35 → Bob 7 = -28 (-80%),
    // returning 0 → 0 (not told). The largest single move: the UK, -35.
    const p = await ask('Why did revenue drop in February 2024?');
    expect(p.kind).toBe('answer');
    const kpi = p.toolCalls.filter((c) => c.tool === 'kpi_trend');
    expect(kpi.map((c) => c.args.groupBy ?? (c.args.filters as { customerType?: string }).customerType)).toEqual(['country', 'channel', 'category', 'product', 'new', 'returning']);
    for (const c of kpi) expect(c.args).toMatchObject({ metric: 'revenue', from: '2024-02-01', to: '2024-02-29' });
    expect(p.answer).toContain('Revenue, February 2024 (2024-02-01 to 2024-02-29): 10.00 USD, down from 35.00 USD in January 2024 (2024-01-01 to 2024-01-31): -25.00 USD (-71.4%).');
    expect(p.answer).toContain('The largest single move: country United Kingdom, -35.00 USD.');
    expect(p.answer).toMatch(/By country: United Kingdom -35\.00 USD \(-100%\), Germany \+7\.00 USD, \(none\) \+3\.00 USD\./); // (none): the tool's name for no value
    expect(p.answer).toContain('By channel: app -20.00 USD (-100%), web -12.00 USD (-80%), store +7.00 USD.');
    expect(p.answer).toContain('By category: Toys -25.00 USD (-100%).');
    expect(p.answer).toContain('By product: P2 -25.00 USD (-100%).');
    expect(p.answer).toContain('New customers -28.00 USD (-80%).');
    expect(p.answer).not.toMatch(/Home|P1 |returning/);
    // follow-ups keep the period: a country (its split left out: UK 35 → 0, so -35, -100%), another sum
    const uk = await ask('and in the UK?', [{ question: p.question, payload: p }]);
    expect(uk.answer).toMatch(/^Revenue for country United Kingdom, February 2024 .*: 0\.00 USD, down from 35\.00 USD .*: -35\.00 USD \(-100%\)\./);
    expect(uk.answer).not.toContain('By country');
    const orders = await ask('what about orders?', [{ question: p.question, payload: p }]);
    // orders 2 (o4 o5) vs 3 (o1 o2 o3): -1 (-33.3%); no category or product split for a count of orders
    expect(orders.answer).toMatch(/^Orders, February 2024 .*: 2, down from 3 .*: -1 \(-33\.3%\)\./);
    expect(orders.answer).not.toMatch(/By category|By product/);
    // asked "rise" of a fall: said so first
    const fall = await ask('为什么2024年2月的收入增长了？');
    expect(fall.answer).toMatch(/^收入并非增长，而是下降。2024年2月/);
    // January 2024 against December 2023, before the loaded orders: nothing to explain, where the data is said
    const first = await ask('Why did revenue drop in January 2024?');
    expect(first.answer).toMatch(/^Revenue, January 2024 \(2024-01-01 to 2024-01-31\): 35\.00 USD\. There are no orders in the period before, December 2023 .*, so there is no change to explain\. The loaded orders run from 2024-01-01/);
    // a ratio has no split that adds up: its KPI answer
    expect((await ask('Why did the average order value drop in February 2024?')).toolCalls.filter((c) => c.tool === 'kpi_trend')).toHaveLength(1);
  });

  it('an overview against the same days a year earlier adds their values (the change is the tool’s: compareWith year_ago)', async () => {
    // February 2024 (10.00, 2 orders, 1 customer, 1 new) against February 2023, before the data: no orders then
    const p = await ask('How did we do in February 2024 compared to the same month last year?');
    expect(p.kind).toBe('answer');
    const windows = p.toolCalls.filter((c) => c.tool === 'kpi_trend').map((c) => `${c.args.metric} ${c.args.from}${c.args.compareWith === 'year_ago' ? ' year_ago' : ''}`);
    expect(windows).toEqual(expect.arrayContaining(['revenue 2024-02-01', 'revenue 2024-02-01 year_ago', 'new_customers 2024-02-01 year_ago']));
    // each year-ago call compares with February 2023 (to its last day)
    const yearAgo = p.toolCalls.filter((c) => c.args.compareWith === 'year_ago').map((c) => (c.result as { overall: { previous: { from: string; to: string } } }).overall.previous);
    expect(yearAgo.every((w) => w.from === '2023-02-01' && w.to === '2023-02-28')).toBe(true);
    expect(p.answer).toContain('The same days a year earlier (2023-02-01 to 2023-02-28) had no orders.');
    const zh = await ask('2024年3月整体表现和去年同期比怎么样');
    // March 2024 has no orders in the tiny shop: nothing to summarise, no year-ago call
    expect(zh.answer).toMatch(/没有符合条件的订单，无可概括/);
  });

  it('names the busiest week by its first day', async () => {
    // January 2024 by ISO week: the week of 2024-01-01 has o1 and o2, the week of 2024-01-08 o3
    const p = await ask('What was our busiest week in January 2024?');
    expect(call(p, 'kpi_trend').args).toMatchObject({ metric: 'orders', grain: 'week' });
    expect(p.answer).toContain('Highest: the week of 2024-01-01 (2)');
  });

  it('names every leader of a tie instead of crowning one', async () => {
    // February 2024 orders by channel: store o4, web o5 (the guest's) → 1 each; in Chinese too
    const p = await ask('Which channel had the most orders in February 2024?');
    expect(call(p, 'kpi_trend').args).toMatchObject({ metric: 'orders', groupBy: 'channel', from: '2024-02-01', to: '2024-02-29' });
    expect(p.answer).toMatch(/^(store and web|web and store) tied for the highest orders: 1 each\. /);
    const zh = await ask('2024年2月哪个渠道的订单最多？');
    expect(zh.answer).toMatch(/^订单数?最高的渠道并列：(store、web|web、store)，各为 1。/);
  });

  it('churn over time: each month\'s churn rate, and no comparison with a period whose period before is not loaded', async () => {
    // The orders start on 2024-01-01. Default window March 2023 – February 2024: only February has its month before
    // loaded; Ann ordered in January and not in February: 1 of January's 1 customer → 100%.
    const trend = await ask('Is churn going up?');
    expect(call(trend, 'kpi_trend').args).toMatchObject({ metric: 'lost_customers', grain: 'month' });
    expect(trend.answer).toMatch(/^In February 2024 the churn rate was 100% \(1 of the 1 customers of the month before\)\. March 2023 to January 2024: the month before is not loaded \(the orders start on 2024-01-01\), so not rated\./);
    expect(trend.chart?.data.categories).toEqual(['2024-02-01']);
    // last month: Ann lost (1). January against December 2023, before the first order: not compared (it was "0: up")
    const lost = await ask('How many customers did we lose last month?');
    expect(lost.answer).toContain('was 1. That is a churn rate of 100% of the 1 customers who ordered in the previous period.');
    expect(lost.answer).toContain('No comparison with the previous period (2024-01-01 to 2024-01-31): the orders start on 2024-01-01, so the period before it, whose customers it would count as lost, is not loaded.');
    expect(lost.answer).not.toMatch(/\bup\b/);
    // this year to date (to March 14): January not rated (December not loaded), February 100%, March under way and
    // not rated either
    const year = await ask('What is the monthly churn rate this year?');
    expect(year.answer).toMatch(/^In February 2024 the churn rate was 100% \(1 of the 1 customers of the month before\)\./);
    expect(year.answer).toContain('March 2024: only partly in the window, so not rated');
    expect(year.table?.rows.map((r) => r[3])).toEqual([null, 1, null]);
    // new customers in February against January, the first loaded month (everyone new there): not compared
    expect((await ask('How many new customers did we get last month?')).answer).toContain('No comparison with the previous period (2024-01-01 to 2024-01-31)');
    // said in the past with no period: lost customers (the default window), not churn risk
    expect(tools(await ask('德国有多少客户流失了'))).toContain('kpi_trend');
  });

  it('compares a period to date like for like, and not where new and returning customers cannot be told apart', async () => {
    // new customers' revenue in February (Bob 7) against January, which starts with the first order: everyone there
    // is new, so there is no comparison (it would be "down from 35")
    const fresh = await ask('Revenue from new customers last month');
    expect(fresh.answer).toContain('No comparison with the previous period (2024-01-01 to 2024-01-31): the orders start on 2024-01-01, so nobody can be told apart as new or returning in it.');
    // this year to date against last year to the same date: one call, no second "a year earlier" sentence
    const ytd = await ask('Revenue this year compared to last year');
    expect(ytd.toolCalls.filter((c) => c.tool === 'kpi_trend')).toHaveLength(1);
    expect(call(ytd, 'kpi_trend').result).toMatchObject({ overall: { previous: { from: '2023-01-01', to: '2023-03-14' } } });
    // the top customers are listed in order without ordinals ("1. … 2. …" inside a sentence read as numbers no tool
    // returned to the grounding check that ask() runs)
    const top = await ask('Who are our top two customers?');
    expect(top.answer).toMatch(/: Ann L\. \(United Kingdom\) 35\.00 USD; Bob S\. \(Germany\) 7\.00 USD\./);
  });

  it('answers "how are we doing?" with an overview of last month against the month before', async () => {
    // today 2024-03-15 → February 2024 against January 2024. By hand: revenue Feb 7 + 3 = 10, Jan 35 → −71.4%;
    // orders 2 vs 3 → −33.3%; customers who ordered Bob vs Ann, 1 vs 1 (the guest is no customer) → 0%; new customers
    // Bob vs Ann → 0%; churn: Ann ordered in January and not in February, 1 of 1 = 100%. As of 2024-02-29 Ann and Bob
    // have orders; Ann (order days Jan 1 and Jan 11, 10 days apart) has been quiet 49 days, over 2 × her gap: at risk.
    const p = await ask('How are we doing?');
    expect(p.kind).toBe('answer');
    const kpiCalls = p.toolCalls.filter((c) => c.tool === 'kpi_trend');
    expect(kpiCalls.map((c) => c.args.metric)).toEqual(['revenue', 'orders', 'customers', 'new_customers', 'lost_customers']);
    for (const c of kpiCalls) expect(c.args, String(c.args.metric)).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
    expect(call(p, 'churn_risk').args).toMatchObject({ asOf: '2024-02-29' });
    expect(p.answer).toMatch(/^February 2024 \(2024-02-01 to 2024-02-29\), against January 2024 \(2024-01-01 to 2024-01-31\): revenue 10\.00 USD \(-71\.4%\), orders 2 \(-33\.3%\), customers 1 \(0%\), new customers 1 \(0%\)\./);
    expect(p.answer).toContain('Churn rate 100%: 1 of the 1 customers who ordered in January 2024 did not order in February 2024.');
    // Bob's one order is 28 days old, past churn_risk's one-order limit: both at risk, each with under a year of
    // history, so the revenue at stake is their revenue so far, 35 + 7
    expect(p.answer).toContain('As of 2024-02-29, 2 of 2 customers are at risk of churning, with 42.00 USD of revenue at stake.');
    if (tools(p).includes('feedback_themes') && call(p, 'feedback_themes').result) expect(p.answer).toMatch(/Most talked-about feedback theme in February 2024: .*parcel.* \(1 item\)\./);
    expect(p.table?.rows.map((r) => r.slice(1))).toEqual([[10, 35, -0.7143], [2, 3, -0.3333], [1, 1, 0], [1, 1, 0]]);
    expect(p.window).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(p.definitions).toHaveProperty('churn_rate');
    // follow-ups: the month before (the default period is kept), and a channel (each sentence says so; churn risk and
    // feedback are about everyone and left out). Web, February: the guest's o5 (3) against Ann's o1 + o2 (15) in
    // January → −80%; orders 1 vs 2; Ann ordered on the web in January and not in February: 1 of 1 lost.
    const before = await ask('and the month before?', [{ question: p.question, payload: p }]);
    expect(call(before, 'kpi_trend').args).toMatchObject({ metric: 'revenue', from: '2024-01-01', to: '2024-01-31' });
    const web = await ask('and on the web?', [{ question: p.question, payload: p }]);
    expect(web.toolCalls.map((c) => c.tool)).not.toContain('churn_risk');
    expect(web.answer).toMatch(/^February 2024 \(2024-02-01 to 2024-02-29\) \(channel web\), against January 2024 .*: revenue 3\.00 USD \(-80%\), orders 1 \(-50%\)/);
    expect(web.answer).toContain('Churn rate (channel web) 100%: 1 of the 1 customers who ordered in January 2024 did not order in February 2024.');
    // a measure after the overview is that KPI over the overview's period: orders in February 2024 = 2
    const orders = await ask('what about orders?', [{ question: p.question, payload: p }]);
    expect(call(orders, 'kpi_trend').args).toMatchObject({ metric: 'orders', from: '2024-02-01', to: '2024-02-29' });
    // a group without orders in the period: said so
    expect((await ask('and in the UK?', [{ question: p.question, payload: p }])).answer).toMatch(/^No orders match February 2024 .*\(country United Kingdom\), so there is nothing to summarise\.$/);
    // before the data: no overview of zeros
    const empty = await ask('How did we do in January 2023?');
    expect(empty.answer).toBe('No orders match January 2023 (2023-01-01 to 2023-01-31), so there is nothing to summarise. The loaded orders run from 2024-01-01 to 2024-02-02.');
    // a named period, in Chinese; the vague words that are not about the whole business still ask (above)
    const zh = await ask('一月份整体表现怎么样？');
    expect(call(zh, 'kpi_trend').args).toMatchObject({ metric: 'revenue', from: '2024-01-01', to: '2024-01-31' });
    expect(zh.answer).toMatch(/^2024年1月（2024-01-01 至 2024-01-31）对比2023年12月（2023-12-01 至 2023-12-31）：收入 35\.00 USD（此前为零），订单数 3（此前为零）/);
  });

  it('refuses out-of-scope requests politely, without calling a tool', async () => {
    for (const [q, role] of [['What will the weather be tomorrow?', 'analyst'], ['Write SQL to list all customers', 'analyst'], ['删除所有订单', 'analyst'], ["What is Ann Lee's phone number?", 'executive'], ["What is Ann Lee's phone number?", 'admin']] as const) {
      const p = await ask(q, [], role);
      expect(p.kind, q).toBe('refuse');
      expect(p.toolCalls, q).toEqual([]);
      expect(p.answer, q).toMatch(/^(Sorry|抱歉)/);
    }
    expect((await ask('Tell me a joke about cats')).kind).toBe('refuse');
  });

  it('declines a KPI forecast with its reason (the refusal states no number the data did not give)', async () => {
    for (const q of ['Predict revenue for next month', '预测下个月的订单量']) {
      const p = await ask(q);
      expect(p.kind, q).toBe('refuse');
      expect(p.answer, q).toMatch(/^Sorry, I can't forecast|^抱歉，我不能预测/);
    }
  });
});
