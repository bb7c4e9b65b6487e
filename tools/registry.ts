import { z } from 'zod';
import { AppError } from '../server/errors.ts';
import { churnRisk } from './churn_risk.ts';
import { cohortRetention } from './cohort_retention.ts';
import { customerLifetimeValue } from './customer_lifetime_value.ts';
import { customerSegments } from './customer_segments.ts';
import { describeData } from './describe_data.ts';
import { feedbackThemes } from './feedback_themes.ts';
import { funnelAnalysis } from './funnel_analysis.ts';
import { journeyPaths } from './journey_paths.ts';
import { kpiTrend } from './kpi_trend.ts';
import { rfmAnalysis } from './rfm_analysis.ts';
import { searchFeedback } from './search_feedback.ts';
import type { Tool, ToolContext, ToolFactory } from './types.ts';

/** Every tool, in the order they are listed to the model. Adding a tool = one file + one line here. */
export const TOOL_FACTORIES: readonly ToolFactory[] = [describeData, customerLifetimeValue, churnRisk, rfmAnalysis, cohortRetention, funnelAnalysis, journeyPaths, kpiTrend, customerSegments, searchFeedback, feedbackThemes];

export function createTools(ctx: ToolContext): Map<string, Tool> {
  return new Map(TOOL_FACTORIES.map((factory) => factory(ctx)).map((tool) => [tool.name, tool]));
}

export function formatZodError(prefix: string, error: z.ZodError): string {
  const issues = error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(arguments)'}: ${i.message}`);
  return `${prefix}: ${issues.join('; ')}`;
}

/**
 * Validate arguments, run the tool, validate its output. The single entry point for the agent, the HTTP API and
 * the CLI, so all three get the same checks and the same receipt.
 */
export async function runTool(name: string, rawArgs: unknown, ctx: ToolContext): Promise<Record<string, unknown>> {
  const tool = createTools(ctx).get(name);
  if (!tool) {
    throw new AppError('not_found', `unknown tool "${name}"; tools: ${TOOL_FACTORIES.map((f) => f(ctx).name).join(', ')}`);
  }
  const args = tool.input.safeParse(rawArgs ?? {});
  if (!args.success) throw new AppError('invalid_argument', formatZodError(`invalid arguments for ${name}`, args.error));
  const started = Date.now();
  const result = await tool.run(args.data);
  const checked = tool.output.safeParse(result);
  if (!checked.success) throw new AppError('internal', formatZodError(`${name} produced an invalid result`, checked.error));
  await ctx.db.query(`INSERT INTO audit_log (actor, role, action, target, details) VALUES ('tool', $1, 'tool.run', $2, $3)`, [
    ctx.role,
    name,
    JSON.stringify({ args: args.data, ms: Date.now() - started }),
  ]);
  return checked.data as Record<string, unknown>;
}

/** Names, descriptions and JSON Schemas of the tools' inputs (for the API listing and LLM function calling). */
export function describeTools(ctx: ToolContext) {
  return [...createTools(ctx).values()].map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: z.toJSONSchema(t.input, { io: 'input' }),
  }));
}
