import { beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../tools/lib/clock.ts';
import { afterImport } from '../import/afterImport.ts';
import { createTools, runTool } from '../../tools/registry.ts';
import { seedDemo } from '../demo/seed.ts';
import { describeEachDriver } from '../testing/db.ts';
import { checkGrounding } from './grounding.ts';
import { renderResults } from './render.ts';
import type { ToolCallRecord } from './types.ts';

/**
 * The plain rendering is the fallback for answers that fail the grounding check, so it must pass the check itself
 * for every tool's real output — checked here on a small demo shop with each tool's default arguments.
 */
/** Tools whose input has a required field; everything else runs with its defaults. */
const REQUIRED_ARGS: Record<string, Record<string, unknown>> = { kpi_trend: { metric: 'revenue', groupBy: 'channel' }, search_feedback: { query: 'delivery' } };

describeEachDriver('plain rendering of real tool results', (use) => {
  const clock = fixedClock('2025-01-15');
  const calls: ToolCallRecord[] = [];
  beforeAll(async () => {
    await seedDemo(use(), { customers: 300, seed: 7 });
    await afterImport(use(), [], clock);
    const ctx = { db: use(), clock, role: 'analyst' as const };
    for (const name of createTools(ctx).keys()) {
      const started = Date.now();
      try {
        const args = REQUIRED_ARGS[name] ?? {};
        calls.push({ tool: name, args, result: await runTool(name, args, ctx), ms: Date.now() - started });
      } catch (err) {
        calls.push({ tool: name, args: {}, result: null, error: { code: 'failed', message: (err as Error).message }, ms: 0 });
      }
    }
  }, 600_000);

  it('is grounded and names the window, for every tool, in English and Chinese', () => {
    const ran = calls.filter((c) => c.result);
    expect(calls.filter((c) => c.error)).toEqual([]);
    expect(ran.map((c) => c.tool)).toEqual(expect.arrayContaining(['describe_data', 'kpi_trend', 'rfm_analysis', 'churn_risk']));
    for (const call of ran) {
      for (const language of ['en', 'zh'] as const) {
        const text = renderResults([call], language);
        const report = checkGrounding(text, [call], { language });
        expect(report.ungrounded, `${call.tool} (${language}): ${text}`).toEqual([]);
        expect(report.numbers.some((n) => n.status === 'matched'), `${call.tool} states a number`).toBe(true);
        const window = (call.result!.meta as { window: { from: string; to: string } | null }).window;
        if (window) expect(text).toContain(window.from);
      }
    }
  });

  it('says plainly when a tool failed or nothing ran', () => {
    const failed: ToolCallRecord = { tool: 'kpi_trend', args: {}, result: null, error: { code: 'invalid_argument', message: 'metric: 42' }, ms: 1 };
    expect(renderResults([failed], 'en')).toBe('The kpi_trend tool could not run with these arguments.');
    expect(renderResults([], 'zh')).toBe('没有取得可以回答这个问题的数据。');
  });
});
