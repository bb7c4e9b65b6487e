import { describe, expect, it } from 'vitest';
import type { AnswerPayload } from '../types.ts';
import { mergeFollowUp, previousState } from './followup.ts';
import { parseQuestion } from './parse.ts';
import type { DataValues } from './values.ts';

const VALUES: DataValues = { country: ['Germany', 'France', 'Canada', 'United Kingdom'], channel: ['web', 'mobile_app', 'store'], category: ['Beauty'], segment: [], currency: 'USD' };
const parse = (q: string) => parseQuestion(q, '2026-11-01', VALUES);

describe('what lapsed customers did last', () => {
  it('reads "before they churn" questions as churn paths, not churn risk', () => {
    for (const q of ['What do customers do before they churn?', 'What did lapsed customers do last?', 'What are the last steps of churned customers?',
      'Which paths lead to churn?', 'How do users behave before they stop buying?', '客户流失前通常做了什么？', '流失的客户最后做了什么', '不活跃的用户最后干了什么']) {
      expect([parse(q).analysis, parse(q).slots.journey], q).toEqual(['journey', 'churn']);
    }
  });

  it('leaves paths to a purchase, churn risk and counts of lost customers alone', () => {
    expect([parse('What paths lead to a purchase?').analysis, parse('What paths lead to a purchase?').slots.journey]).toEqual(['journey', undefined]);
    expect(parse('Which customers are at risk of churning?').analysis).toBe('churn');
    expect(parse('How many customers did we lose before they churned last month?').slots.journey).toBeUndefined();
    expect(parse('上个季度流失了多少客户？').slots.journey).toBeUndefined();
  });
});

describe('acting on churn risk', () => {
  it('asks for the win-back segment when the question is about reaching customers', () => {
    for (const q of ['Who should we target for a win-back campaign?', 'Which customers should we call this week to save them?', '应该召回哪些客户？', '哪些客户需要挽留？']) {
      expect([parse(q).analysis, parse(q).slots.winBack], q).toEqual(['churn', true]);
    }
    expect(parse('Which customers are at risk of churning?').slots.winBack).toBeUndefined();
  });

  it('reads expected value per customer as lifetime value', () => {
    expect(parse('平均每个客户的预期价值是多少？').analysis).toBe('clv');
    expect(parse('What is the expected value of each customer?').analysis).toBe('clv');
  });
});

describe('lifetime value of RFM tiers', () => {
  it('reads value words with a tier as CLV of that tier, and tier words as CLV by tier', () => {
    for (const q of ['What is the average CLV of Champions?', 'What are our Champions worth?', '冠军客户的生命周期价值是多少']) {
      expect([parse(q).analysis, parse(q).slots.filter.rfm_tier, parse(q).slots.byTier], q).toEqual(['clv', 'Champions', undefined]);
    }
    for (const q of ['CLV by RFM tier', 'Which RFM tier has the highest lifetime value?', '各层级的客户价值是多少']) {
      expect([parse(q).analysis, parse(q).slots.byTier], q).toEqual(['clv', true]);
    }
  });

  it('keeps tier sizes and CLV by country as they were', () => {
    expect(parse('How many Champions do we have?').analysis).toBe('rfm');
    expect(parse('What are the RFM tier sizes?').analysis).toBe('rfm');
    const germany = parse('What is the lifetime value of customers in Germany?');
    expect([germany.analysis, germany.slots.filter.country, germany.slots.byTier]).toEqual(['clv', 'Germany', undefined]);
  });
});

describe('cohorts side by side', () => {
  it('keeps both channels of "app vs web" and a channel breakdown for cohort retention', () => {
    const versus = parse('Compare retention of customers acquired through the app vs the web');
    expect([versus.analysis, versus.slots.groupBy, [...versus.slots.versus!].sort()]).toEqual(['cohort', 'channel', ['mobile_app', 'web']]);
    const byChannel = parse('各渠道的新客户留存率对比');
    expect([byChannel.analysis, byChannel.slots.groupBy, byChannel.slots.versus]).toEqual(['cohort', 'channel', undefined]);
    expect(parse('Retention of the January 2026 cohort').slots.groupBy).toBeUndefined();
  });
});

describe('feedback: rising themes and the writers’ country', () => {
  it('reads "which complaints are increasing" as the rising themes, not a count or a search', () => {
    for (const q of ['Which complaints are increasing?', 'What issues are customers complaining about more and more?', 'What problems are on the rise?', '哪些投诉越来越多？', '最近哪些问题的投诉在增加？']) {
      const p = parse(q);
      expect([p.analysis, p.slots.risingThemes, p.slots.tone, p.slots.query], q).toEqual(['feedback_themes', true, 'negative', undefined]);
    }
    // whether complaints rise at all, or feedback about a topic: counts by month, as before
    expect([parse('Are complaints rising?').analysis, parse('Are complaints rising?').slots.mentions]).toEqual(['feedback_search', 'trend']);
    expect(parse('Is feedback about delivery rising?').slots).toMatchObject({ query: 'delivery', mentions: 'trend' });
    expect(parse('物流相关的投诉是不是越来越多').slots).toMatchObject({ query: '物流', mentions: 'trend' });
  });

  it('filters by a country the feedback comes from, not by one inside the topic', () => {
    expect(parse('Show me feedback about refunds from Germany').slots).toMatchObject({ query: 'refunds', filter: { country: 'Germany' } });
    expect(parse('feedback from Germany about refunds').slots).toMatchObject({ query: 'refunds', filter: { country: 'Germany' } });
    expect(parse('reviews about shipping to Germany').slots.filter.country).toBeUndefined();
    expect(parse('feedback about delivery to France').slots.filter.country).toBeUndefined();
  });
});

describe('identity resolution', () => {
  it('reads questions about sources, duplicates and merged records as the identity report', () => {
    for (const q of ['How many customers are in more than one source system?', 'How many duplicate customers did we merge?', 'How many customer records were merged?',
      'Which data sources do we have?', 'Are customer ids unified across systems?', '客户ID打通了吗？', '有多少重复客户被合并了？']) {
      expect([parse(q).analysis, parse(q).slots.identities], q).toEqual(['describe', true]);
    }
    expect(parse('What is the merged revenue of Germany and France?').analysis).not.toBe('describe');
    expect(parse('What data do you have?').slots.identities).toBeUndefined();
  });
});

describe('periods in a breakdown and the best month', () => {
  it('puts each group of a breakdown in both named periods, the later one as the window', () => {
    const vs = parse('Revenue by channel this quarter vs last quarter');
    expect([vs.slots.groupBy, vs.slots.time?.from, vs.slots.otherTime?.from]).toEqual(['channel', '2026-10-01', '2026-07-01']);
    const and = parse('Orders by country in Q2 2026 and Q3 2026');
    expect([and.slots.time?.from, and.slots.otherTime?.from]).toEqual(['2026-07-01', '2026-04-01']);
    // one span, not two periods
    const span = parse('Revenue by country between March and October');
    expect([span.slots.time?.from, span.slots.time?.to, span.slots.otherTime]).toEqual(['2026-03-01', '2026-10-31', undefined]);
  });

  it('reads "best month" as the monthly series whose answer names the highest month', () => {
    const p = parse('What was our best month for revenue this year?');
    expect([p.slots.grain, p.slots.mode, p.slots.superlative]).toEqual(['month', 'trend', 'max']);
    expect(parse('Which was our worst quarter for orders?').slots).toMatchObject({ grain: 'quarter', superlative: 'min' });
  });
});

describe('a KPI of an RFM tier', () => {
  it('reads a metric of a named tier as kpi_trend with the tier filter, not the tier sizes', () => {
    for (const [q, metric] of [['What\u2019s the average order value of Champions?', 'aov'], ['How much revenue did Champions bring last quarter?', 'revenue'], ['冠军客户上个月的收入是多少', 'revenue']] as const) {
      const p = parse(q.replace('\u2019', "'"));
      expect([p.analysis, p.slots.metric, p.slots.filter.rfm_tier], q).toEqual([null, metric, 'Champions']);
    }
    expect(parse('How many Champions do we have?').analysis).toBe('rfm');
    expect(parse('What is the RFM tier of Champions revenue?').analysis).toBe('rfm');
  });
});

describe('customer tags and the metric of a group', () => {
  const withTags: DataValues = { ...VALUES, tag: ['overdue', 'lapsed', 'loyal', 'high value', 'new'] };
  const tagged = (q: string) => parseQuestion(q, '2026-11-01', withTags);

  it('reads a tag only beside the word tag, as a segment or a KPI filter', () => {
    expect([tagged('Show me the customers tagged lapsed').analysis, tagged('Show me the customers tagged lapsed').slots.tag]).toEqual(['segment', 'lapsed']);
    expect(tagged('How many customers have the high value tag?').slots).toMatchObject({ tag: 'high value' });
    const kpi = tagged('Revenue from customers tagged loyal last month');
    // "loyal" is the tag here, not the Loyal tier
    expect([kpi.analysis, kpi.slots.metric, kpi.slots.tag, kpi.slots.filter.rfm_tier]).toEqual([null, 'revenue', 'loyal', undefined]);
    expect(tagged('How many loyal customers do we have?').slots).toMatchObject({ filter: { rfm_tier: 'Loyal' } });
    expect(tagged('How many loyal customers do we have?').slots.tag).toBeUndefined();
    expect(tagged('What tags do we have?').analysis).toBe('describe');
  });

  it('keeps the metric named before "from / of / by customers"', () => {
    expect(parse('Revenue from customers in Germany last month').slots).toMatchObject({ metric: 'revenue', filter: { country: 'Germany' } });
    expect(parse('orders by customers in France last quarter').slots.metric).toBe('orders');
    expect(parse('Number of customers from Germany').slots.metric).toBe('customers');
    expect(parse('How many of our customers are from France?').slots.metric).toBe('customers');
  });
});

describe('churn rate', () => {
  it('reads a churn rate as lost customers (kpi_trend returns the rate), and risk words as churn risk', () => {
    for (const q of ['What is our churn rate?', 'What was the churn rate last quarter?', '客户流失率是多少？', 'customer attrition last year']) {
      expect([parse(q).analysis, parse(q).slots.metric], q).toEqual([null, 'lost_customers']);
    }
    expect(parse('Which customers are at risk of churning?').analysis).toBe('churn');
    expect(parse('Which customers are likely to churn?').analysis).toBe('churn');
  });
});

describe('follow-ups keep what the question was about', () => {
  const turn = (q: string, values: DataValues = VALUES) => {
    const p = parseQuestion(q, '2026-11-01', values);
    return previousState([{ question: q, payload: { kind: 'answer', state: { v: 1, analysis: p.analysis ?? 'kpi', slots: p.slots } } as unknown as AnswerPayload }])!;
  };
  it('a tag, churn paths and CLV by tier stay for "and last month?"', () => {
    const withTags: DataValues = { ...VALUES, tag: ['lapsed'] };
    const tagged = mergeFollowUp(parse('and the month before?'), turn('Revenue from customers tagged lapsed last month', withTags));
    expect(tagged.slots).toMatchObject({ metric: 'revenue', tag: 'lapsed', time: { from: '2026-09-01', to: '2026-09-30' } });
    const paths = mergeFollowUp(parse('and last month?'), turn('What do customers do before they churn?'));
    expect([paths.analysis, paths.slots.journey, paths.slots.time?.from]).toEqual(['journey', 'churn', '2026-10-01']);
    expect(mergeFollowUp(parse('and in Germany?'), turn('CLV by RFM tier')).slots.byTier).toBe(true);
  });
});

describe('the new readings leave ordinary questions alone (review findings)', () => {
  it('keeps metrics, duplicates of orders and reviews, and counting questions where they were', () => {
    expect(parse('Which categories have problems with increasing returns?').slots).toMatchObject({ metric: 'returns', groupBy: 'category' });
    expect(parse('Which categories have problems with increasing returns?').slots.risingThemes).toBeUndefined();
    expect(parse('What do customers do before they leave a review?').slots.journey).toBeUndefined();
    expect(parse('What did churned customers spend before they left?').slots.journey).toBeUndefined();
    for (const q of ['Are there duplicate orders?', 'How many duplicate reviews are there?', 'Revenue by source system', '合并了多少订单']) {
      expect(parse(q).slots.identities, q).toBeUndefined();
    }
    expect(parse('How many customers reactivated last month?').analysis).not.toBe('churn');
    expect(parse('Call me when churn rises').slots.winBack).toBeUndefined();
    expect(parse('What percentage of our customers placed a repeat order?').slots.metric).toBe('customers');
  });

  it('reads "most valuable customers by CLV" as the CLV top list, a tier name as that tier', () => {
    expect(parse('Who are our most valuable customers going forward, by CLV?').slots.filter.rfm_tier).toBeUndefined();
    expect(parse('List our top customers by predicted value').slots.filter.rfm_tier).toBeUndefined();
    expect(parse('What is the average CLV of Champions?').slots.filter.rfm_tier).toBe('Champions');
  });
});

describe('feedback by the writers’ country', () => {
  it('reads (un)happiest / most complaints by country as counts per country', () => {
    const unhappy = parse('Which country\'s customers are unhappiest?');
    expect([unhappy.analysis, unhappy.slots.groupBy, unhappy.slots.satisfaction, unhappy.slots.tone]).toEqual(['feedback_search', 'country', 'unhappy', 'negative']);
    expect(parse('哪个国家的客户最满意？').slots).toMatchObject({ groupBy: 'country', satisfaction: 'happy' });
    expect(parse('Which country has the most complaints?').slots).toMatchObject({ groupBy: 'country', tone: 'negative' });
    // one country's complaints stay that group's themes
    expect(parse('What do customers in Germany complain about?').slots.groupBy).toBeUndefined();
  });
});

describe('the fastest-growing segment', () => {
  it('reads growth of an unnamed segment as RFM tier movement against a year earlier', () => {
    for (const q of ['Which customer segment is growing fastest?', '哪个客群增长最快？']) {
      expect([parse(q).analysis, parse(q).slots.yearAgo], q).toEqual(['rfm', true]);
    }
    expect(parse('Profile the Champions segment').analysis).toBe('segment');
  });
});

describe('second review findings', () => {
  const withTags: DataValues = { ...VALUES, tag: ['overdue', 'lapsed', 'loyal', 'high value', 'new'] };
  const tagged = (q: string) => parseQuestion(q, '2026-11-01', withTags);
  it('takes a tag only next to the word tag', () => {
    for (const q of ['new customers by tag', 'what tags do loyal customers have?', 'complaints about the price tag from new customers']) {
      expect(tagged(q).slots.tag, q).toBeUndefined();
    }
    expect(tagged('customers tagged as overdue').slots.tag).toBe('overdue');
  });
  it('ranks a churn rate by group, and keeps unhappiness for a follow-up', () => {
    expect(parse('Which country has the highest churn rate?').slots).toMatchObject({ metric: 'lost_customers', churnRate: true, groupBy: 'country' });
    expect(parse('How many customers did we lose last quarter?').slots.churnRate).toBeUndefined();
    const p = parseQuestion("Which country's customers are unhappiest?", '2026-11-01', VALUES);
    const prev = previousState([{ question: 'q', payload: { kind: 'answer', state: { v: 1, analysis: p.analysis!, slots: p.slots } } as unknown as AnswerPayload }])!;
    expect(mergeFollowUp(parse('and last month?'), prev).slots).toMatchObject({ satisfaction: 'unhappy', tone: 'negative', groupBy: 'country' });
    // a churn rate stays one for another period, not for another measure
    const rates = parse('What is the churn rate by country?');
    const ratePrev = previousState([{ question: 'q', payload: { kind: 'answer', state: { v: 1, analysis: 'kpi', slots: rates.slots } } as unknown as AnswerPayload }])!;
    expect(mergeFollowUp(parse('and last quarter?'), ratePrev).slots).toMatchObject({ churnRate: true, metric: 'lost_customers', groupBy: 'country' });
    expect(mergeFollowUp(parse('what about revenue?'), ratePrev).slots.churnRate).toBeUndefined();
  });
  it('reads only a segment that grows the most as tier movement', () => {
    expect(parse('tell me about customers whose spending increased').analysis).not.toBe('rfm');
  });
});

describe('what customers buy and how much they spend', () => {
  it('reads "what did customers in Canada buy most?" as orders by category, and "how much did … spend" as revenue', () => {
    expect(parse('What did customers in Canada buy most?').slots).toMatchObject({ metric: 'orders', groupBy: 'category', filter: { country: 'Canada' }, superlative: 'max' });
    expect(parse('法国客户最常买哪个品类？').slots).toMatchObject({ metric: 'orders', groupBy: 'category', superlative: 'max' });
    expect(parse('What do our loyal customers buy?').analysis).toBe('segment');
    expect(parse('How much did customers in the UK spend last month?').slots.metric).toBe('revenue');
    expect(parse('How many customers in the UK placed orders last month?').slots.metric).toBe('customers');
  });
});

describe('churn already happened, and how it moves', () => {
  it('reads customers lost in the past as lost customers, even without a period', () => {
    for (const q of ['How many customers have churned?', '德国有多少客户流失了', 'How many customers did we lose?']) {
      expect([parse(q).analysis, parse(q).slots.metric], q).toEqual([null, 'lost_customers']);
    }
    expect(parse('德国有多少客户流失了').slots.filter).toEqual({ country: 'Germany' });
    // a risk to come stays churn risk; so do lost customers asked for as a list or to win back
    for (const q of ['How many customers are at risk of churning?', '有多少客户可能流失', 'Which customers will churn?', 'Which lost customers should we try to win back?', '哪些客户流失了？']) {
      expect(parse(q).analysis, q).toBe('churn');
    }
    // a cause of a change in lost customers is the drivers answer's, not a trend
    expect(parse('What drove the increase in lost customers last month?').slots).toMatchObject({ explain: true, metric: 'lost_customers' });
    expect(parse('What drove the increase in lost customers last month?').slots.churnRate).toBeUndefined();
  });

  it('reads churn with a direction or a trend as the churn rate month by month', () => {
    for (const q of ['Is churn going up?', 'Is churn getting worse in Germany?', 'How is churn trending?', 'churn trend', '客户流失在增加吗', '流失率在上升吗']) {
      const p = parse(q);
      expect([p.analysis, p.slots.metric, p.slots.churnRate, p.slots.mode, p.slots.change], q).toEqual([null, 'lost_customers', true, 'trend', undefined]);
    }
    expect(parse('Is churn getting worse in Germany?').slots.filter).toEqual({ country: 'Germany' });
    // "最近半年" is the last 6 months (上半年 stays the calendar half)
    expect(parse('最近半年流失率的变化趋势').slots.time).toMatchObject({ from: '2026-05-01', to: '2026-10-31' });
    expect(parse('今年上半年的收入').slots.time).toMatchObject({ from: '2026-01-01', to: '2026-06-30' });
    // the worst churn by a dimension is its highest churn rate
    for (const q of ['Which channel has the worst churn?', '哪个渠道流失最严重']) {
      expect(parse(q).slots, q).toMatchObject({ metric: 'lost_customers', churnRate: true, groupBy: 'channel', superlative: 'max' });
    }
    expect(parse('Which channel has the most churned customers?').slots.churnRate).toBeUndefined(); // a count
    // a quarter to date is read month by month (not day by day)
    expect(parse('Is churn rising this quarter?').slots).toMatchObject({ metric: 'lost_customers', churnRate: true, grain: 'month' });
    expect(parse('Did we lose customers in Germany this year?').slots).toMatchObject({ metric: 'lost_customers', filter: { country: 'Germany' } });
    // at-risk customers rising is about the risk list; a churn rate by country is a breakdown, not a trend
    expect(parse('Is the number of at-risk customers rising?').analysis).toBe('churn');
    expect(parse('What is the churn rate by country?').slots).toMatchObject({ groupBy: 'country', mode: 'breakdown' });
  });
});

describe('value by group', () => {
  it('reads "which segment is most valuable" as lifetime value by RFM tier', () => {
    for (const q of ['Which segment has the highest CLV?', 'Which customer group is most valuable?', '哪个客群的客户终身价值最高', 'What is the CLV by RFM tier?']) {
      expect([parse(q).analysis, parse(q).slots.byTier], q).toEqual(['clv', true]);
    }
    // a channel's customers' value is CLV by channel; a growing segment is tier movement; one tier's CLV is that tier's
    expect(parse('Which channel brings the most valuable customers?').slots).toMatchObject({ groupBy: 'channel' });
    expect(parse('Which channel brings the most valuable customers?').slots.byTier).toBeUndefined();
    expect(parse('which customer segment is growing fastest?')).toMatchObject({ analysis: 'rfm', slots: { yearAgo: true } });
    // the largest segment by a measure is the tier table (no movement against a year earlier)
    for (const q of ['Which segment has the most customers?', 'Which segment brings in the most revenue?']) {
      expect(parse(q).analysis, q).toBe('rfm');
      expect(parse(q).slots.yearAgo, q).toBeUndefined();
    }
    // a group named beside "most valuable" keeps the segment reading (CLV by tier has no country)
    expect(parse('What is the most valuable segment in Germany?')).toMatchObject({ analysis: 'segment', slots: { filter: { country: 'Germany' } } });
    expect(parse('Which customer group is most valuable?').slots.yearAgo).toBeUndefined();
    expect(parse('What is the average CLV of Champions?').slots).toMatchObject({ filter: { rfm_tier: 'Champions' } });
    expect(parse('What is the average CLV of Champions?').slots.byTier).toBeUndefined();
  });
});
