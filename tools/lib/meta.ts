import { z } from 'zod';
import { definitions, type MetricName } from './glossary.ts';

/** zod schema of the receipt (ToolMeta) that every tool output carries. */
export const metaSchema = z
  .object({
    tool: z.string().describe('tool that produced the result'),
    args: z.record(z.string(), z.unknown()).describe('arguments after defaults were applied'),
    window: z
      .object({ from: z.string().describe('first day (inclusive)'), to: z.string().describe('last day (inclusive)') })
      .nullable()
      .describe('time window the numbers cover, or null when not time-bound'),
    rowCounts: z.record(z.string(), z.number()).describe('rows read or returned, by kind'),
    definitions: z.record(z.string(), z.string()).describe('metric → definition (docs/metrics.md)'),
    asOf: z.string().describe('the "today" the tool used (YYYY-MM-DD)'),
  })
  .describe('receipt: how the numbers were produced');

export function buildMeta(
  tool: string,
  args: object,
  parts: { window?: { from: string; to: string } | null; rowCounts: Record<string, number>; metrics: MetricName[]; asOf: string },
) {
  return {
    tool,
    args: { ...args } as Record<string, unknown>,
    window: parts.window ?? null,
    rowCounts: parts.rowCounts,
    definitions: definitions(parts.metrics),
    asOf: parts.asOf,
  };
}
