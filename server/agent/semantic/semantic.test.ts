import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../tools/lib/clock.ts';
import { createTools } from '../../../tools/registry.ts';
import type { Db } from '../../db/index.ts';
import { ANALYSES, ANALYSIS_BY_ID, buildArgs, describeSemanticLayer, DIMENSIONS, METRICS } from './index.ts';

// The tools' own schemas are the independent reference: every mapping must produce arguments they accept.
const tools = createTools({ db: {} as Db, clock: fixedClock('2011-12-10'), role: 'analyst' });
const FEEDBACK_TOOLS = new Set(['feedback_themes', 'search_feedback']); // built in parallel; may be absent

describe('semantic layer', () => {
  it('every metric is a value kpi_trend accepts, and no synonym names two metrics', () => {
    const kpi = tools.get('kpi_trend')!;
    for (const m of METRICS) expect(kpi.input.safeParse({ metric: m.toolMetric }).success, m.id).toBe(true);
    const owners = new Map<string, string>();
    for (const m of METRICS) {
      for (const s of [...m.synonyms.en, ...m.synonyms.zh]) {
        expect(owners.get(s) ?? m.id, `"${s}" is a synonym of ${owners.get(s)} and ${m.id}`).toBe(m.id);
        owners.set(s, m.id);
      }
    }
  });

  it('every analysis names a registered tool (the feedback tools may still be missing)', () => {
    for (const a of ANALYSES) {
      if (!tools.has(a.tool)) expect(FEEDBACK_TOOLS.has(a.tool), a.tool).toBe(true);
    }
  });

  it('slot mappings build arguments the tools validate', () => {
    const slots = {
      metric: 'revenue', grain: 'month', groupBy: 'country', top: 5, 'time.from': '2011-11-01', 'time.to': '2011-11-30',
      'time.fromMonth': '2011-01', 'time.toMonth': '2011-03', 'filter.country': 'Germany', 'filter.channel': 'web',
      'filter.rfm_tier': 'Champions', query: 'late delivery',
    };
    expect(buildArgs(ANALYSIS_BY_ID.get('kpi')!, slots)).toEqual({
      metric: 'revenue', from: '2011-11-01', to: '2011-11-30', grain: 'month', filters: { country: 'Germany', channel: 'web', rfmTier: 'Champions' }, groupBy: 'country', top: 5,
    });
    expect(buildArgs(ANALYSIS_BY_ID.get('cohort')!, slots)).toEqual({ from: '2011-01', to: '2011-03', filter: { country: 'Germany', channel: 'web' } });
    expect(buildArgs(ANALYSIS_BY_ID.get('funnel')!, { ...slots, groupBy: 'month' })).toMatchObject({ splitBy: 'month' });
    // the clusters analysis always asks customer_segments for its clustering mode
    expect(buildArgs(ANALYSIS_BY_ID.get('clusters')!, { ...slots, k: 4 })).toEqual({
      mode: 'cluster', asOf: '2011-11-30', k: 4, filter: { country: 'Germany', mainChannel: 'web', rfmTier: 'Champions' },
    });
    for (const a of ANALYSES) {
      const tool = tools.get(a.tool);
      if (!tool || a.id === 'funnel') continue; // funnel: splitBy country vs groupBy country checked above
      const args = buildArgs(a, slots);
      const checked = tool.input.safeParse(args);
      expect(checked.success, `${a.tool} ${JSON.stringify(args)} ${checked.success ? '' : checked.error.message}`).toBe(true);
    }
  });

  it('has en and zh names for everything and a listing for prompts', () => {
    for (const x of [...METRICS, ...DIMENSIONS, ...ANALYSES]) {
      expect(x.names.en.length * x.names.zh.length).toBeGreaterThan(0);
    }
    expect(describeSemanticLayer('en')).toContain('- revenue (revenue; revenue, sales');
    expect(describeSemanticLayer('zh')).toContain('cohort → cohort_retention (同期群留存)');
  });
});
