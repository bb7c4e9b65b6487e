import { daysBetween } from '../../tools/lib/clock.ts';
import { extractNumbers, roundsTo, type ExtractedNumber } from './numbers.ts';
import { renderResults } from './render.ts';
import type { AnswerPayload, GroundingStatus, Language, ToolCallRecord } from './types.ts';

export { extractNumbers, roundsTo, type ExtractedNumber } from './numbers.ts';

/**
 * The grounding check: every number in an answer must be a value some tool returned, as written after rounding
 * ("1.5M", "150.9万", "12.3%" for 0.1234). What is NOT a metric and therefore not checked:
 *   1. dates, times, quarters, weeks, ordinals, list markers and codes glued to letters (see numbers.ts);
 *   2. numbers that appear in the question ("top 5", "过去90天", "in 2011");
 *   3. a bare year (1900–2100, no separators) that occurs in a date of the tool results (windows, periods, asOf);
 *   4. a period length ("12 months", "90 days", "3个月") equal to the length of a tool's meta.window in that unit.
 * Everything else must round to a number in a tool result: any numeric field (including meta.args and rowCounts),
 * a numeric string, or a number inside a short label string (≤ 200 characters; metric definitions excluded, as
 * their digits are not data).
 */
export interface GroundingReport {
  grounded: boolean;
  numbers: { text: string; status: 'matched' | 'exempt' | 'ungrounded'; reason?: string }[];
  ungrounded: string[];
}

export interface GroundingOptions {
  question?: string;
  language?: Language;
}

export function checkGrounding(answer: string, toolCalls: readonly ToolCallRecord[], opts: GroundingOptions = {}): GroundingReport {
  const language = opts.language ?? 'en';
  const evidence = collectEvidence(toolCalls);
  const asked = new Set(opts.question ? extractNumbers(opts.question, language, { includeExempt: true }).map((n) => n.value) : []);
  const numbers = extractNumbers(answer, language, { includeExempt: true }).map((n) => {
    const reason = exemptReason(n, asked, evidence);
    if (reason) return { text: n.text, status: 'exempt' as const, reason };
    const matched = evidence.values.some((x) => roundsTo(n, x));
    return { text: n.text, status: matched ? ('matched' as const) : ('ungrounded' as const) };
  });
  const ungrounded = numbers.filter((n) => n.status === 'ungrounded').map((n) => n.text);
  return { grounded: ungrounded.length === 0, numbers, ungrounded };
}

function exemptReason(n: ExtractedNumber, asked: Set<number>, evidence: Evidence): string | null {
  if (n.exempt) return n.exempt;
  if (asked.has(n.value)) return 'in the question';
  if (n.plainInteger && n.value >= 1900 && n.value <= 2100 && evidence.years.has(n.value)) return 'year of a tool window';
  if (n.plainInteger && n.period && evidence.windowLengths[n.period].has(n.value)) return `length of a tool window in ${n.period}s`;
  return null;
}

interface Evidence {
  values: number[];
  years: Set<number>;
  windowLengths: Record<NonNullable<ExtractedNumber['period']>, Set<number>>;
}

const MAX_LABEL = 200;
const DATE_PREFIX = /^(\d{4})-\d{2}/;

function collectEvidence(toolCalls: readonly ToolCallRecord[]): Evidence {
  const evidence: Evidence = {
    values: [],
    years: new Set(),
    windowLengths: { day: new Set(), week: new Set(), month: new Set(), quarter: new Set(), year: new Set() },
  };
  const visit = (value: unknown, key: string) => {
    if (typeof value === 'number' && Number.isFinite(value)) evidence.values.push(value);
    else if (typeof value === 'string') visitString(value, evidence);
    else if (Array.isArray(value)) value.forEach((v) => visit(v, key));
    else if (value && typeof value === 'object' && key !== 'definitions') {
      for (const [k, v] of Object.entries(value)) visit(v, k);
    }
  };
  for (const call of toolCalls) {
    if (!call.result) continue;
    visit(call.args, 'args');
    visit(call.result, 'result');
    const window = (call.result.meta as { window?: { from: string; to: string } | null } | undefined)?.window;
    if (window) addWindowLengths(window, evidence);
  }
  return evidence;
}

function visitString(value: string, evidence: Evidence): void {
  const year = DATE_PREFIX.exec(value);
  if (year) evidence.years.add(Number(year[1]));
  if (value.length > MAX_LABEL) return;
  if (/^-?\d+(\.\d+)?$/.test(value.trim())) evidence.values.push(Number(value));
  else for (const n of extractNumbers(value, 'en')) evidence.values.push(n.negative ? -n.value : n.value);
}

function addWindowLengths(w: { from: string; to: string }, evidence: Evidence): void {
  const days = daysBetween(w.from, w.to) + 1;
  evidence.windowLengths.day.add(days);
  if (days % 7 === 0) evidence.windowLengths.week.add(days / 7);
  const [fy, fm] = w.from.split('-').map(Number) as [number, number];
  const [ty, tm] = w.to.split('-').map(Number) as [number, number];
  const months = (ty - fy) * 12 + (tm - fm) + 1;
  evidence.windowLengths.month.add(months);
  if (months % 3 === 0) evidence.windowLengths.quarter.add(months / 3);
  if (months % 12 === 0) evidence.windowLengths.year.add(months / 12);
}

/** Sentences (and list items) of an answer, each with its trailing separator, so dropping some keeps the rest intact. */
export function splitSentences(text: string): string[] {
  return text.match(/[^\n。！？；]*?(?:[。！？；]|[.!?;](?=\s|$)|\n+|$)\s*/g)?.filter((s) => s.length > 0) ?? [];
}

/**
 * Check an answer and fix it when needed:
 *   grounded  — every number matched (or was exempt);
 *   repaired  — sentences with unmatched numbers were dropped and what is left still states a grounded number
 *               (or there were no tool results to state);
 *   replaced  — nothing useful was left, so the answer is a plain rendering of the tool results (render.ts);
 *   ungrounded — even the rendering failed the check (a bug; `grounded` is false).
 */
export function applyGrounding(payload: AnswerPayload): AnswerPayload {
  const opts = { question: payload.question, language: payload.language };
  const first = checkGrounding(payload.answer, payload.toolCalls, opts);
  const done = (answer: string, status: GroundingStatus, grounded: boolean, dropped: string[] = []) => ({
    ...payload,
    answer,
    grounded,
    grounding: { status, ungrounded: first.ungrounded, dropped },
  });
  if (first.grounded) return done(payload.answer, 'grounded', true);

  const kept: string[] = [];
  const dropped: string[] = [];
  for (const sentence of splitSentences(payload.answer)) {
    (checkGrounding(sentence, payload.toolCalls, opts).grounded ? kept : dropped).push(sentence);
  }
  const repaired = kept.join('').trim();
  const hasResults = payload.toolCalls.some((c) => c.result);
  const statesANumber = checkGrounding(repaired, payload.toolCalls, opts).numbers.some((n) => n.status === 'matched');
  if (repaired && (statesANumber || !hasResults)) return done(repaired, 'repaired', true, dropped.map((s) => s.trim()));

  const rendered = renderResults(payload.toolCalls, payload.language);
  const check = checkGrounding(rendered, payload.toolCalls, opts);
  return done(rendered, check.grounded ? 'replaced' : 'ungrounded', check.grounded, dropped.map((s) => s.trim()));
}
