import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../tools/lib/clock.ts';
import { describeEachDriver } from '../testing/db.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../testing/fakeOpenAI.ts';
import { loadTinyShop } from '../testing/fixtures.ts';
import { answerQuestion, askInConversation, llmSettings } from './ask.ts';
import type { PlannerEvent } from './types.ts';

/** Tiny shop (server/testing/fixtures.ts): January 2024 revenue = 10 + 5 + 20 = 35. */
describeEachDriver('answerQuestion', (use) => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    await loadTinyShop(use());
    fake = await startFakeOpenAI();
  });
  afterAll(() => fake.close());
  const ctx = (events: PlannerEvent[] = []) => ({
    tools: { db: use(), clock: fixedClock('2024-03-05'), role: 'analyst' as const },
    onEvent: (e: PlannerEvent) => events.push(e),
  });

  it('uses the offline planner when no endpoint is configured, and checks its answer', async () => {
    const events: PlannerEvent[] = [];
    const payload = await answerQuestion({ question: '  What was revenue in January 2024?  ', ctx: ctx(events) });
    expect(payload).toMatchObject({ planner: 'offline', question: 'What was revenue in January 2024?', grounded: true });
    expect(payload.grounding?.status).toBe('grounded');
    const kpi = payload.toolCalls.find((c) => c.tool === 'kpi_trend');
    expect((kpi?.result as { overall: { total: number } }).overall.total).toBe(35);
    expect(payload.answer).toMatch(/\b35(\.00)?\b/);
    // Exactly one answer event, the last one, carrying the checked payload.
    expect(events.filter((e) => e.type === 'answer')).toHaveLength(1);
    expect(events.at(-1)).toEqual({ type: 'answer', payload });
  });

  it('uses the LLM planner when an endpoint is configured', async () => {
    fake.script([{ content: 'Which period do you mean?' }]);
    const llm = llmSettings({ LLM_BASE_URL: fake.url, LLM_MODEL: 'scripted' });
    expect(llm).toEqual({ baseUrl: fake.url, apiKey: undefined, model: 'scripted' });
    expect(llmSettings({})).toBeNull();
    const payload = await answerQuestion({ question: 'Revenue?', ctx: ctx(), llm });
    expect(payload).toMatchObject({ planner: 'llm', kind: 'clarify', answer: 'Which period do you mean?', grounded: true });
  });

  it('keeps a conversation: turns numbered, earlier turns handed to the planner', async () => {
    const first = await askInConversation({ question: 'What was revenue in January 2024?', ctx: ctx() });
    const second = await askInConversation({ question: 'and orders?', conversationId: first.conversationId, ctx: ctx() });
    expect([first.turn, second.turn]).toEqual([1, 2]);
    expect(second.conversationId).toBe(first.conversationId);
    // The follow-up kept January 2024 from the first turn: 3 orders (o1, o2, o3).
    const kpi = second.payload.toolCalls.find((c) => c.tool === 'kpi_trend');
    expect(kpi?.args).toMatchObject({ metric: 'orders', from: '2024-01-01', to: '2024-01-31' });
    expect((kpi?.result as { overall: { total: number } }).overall.total).toBe(3);
  });
});
