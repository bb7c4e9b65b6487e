import type { z } from 'zod';
import type { Db } from '../server/db/index.ts';
import type { Clock } from './lib/clock.ts';

/**
 * Who is asking decides what personal data a tool may return: admins and support staff see contact details,
 * analysts and executives get them masked (see lib/pii.ts).
 */
export const ROLES = ['admin', 'support', 'analyst', 'executive'] as const;
export type Role = (typeof ROLES)[number];

export interface ToolContext {
  db: Db;
  clock: Clock;
  role: Role;
}

/** The receipt every tool output carries, so each number can be traced to its window, rows and definition. */
export interface ToolMeta {
  tool: string;
  /** Arguments after defaults were applied. */
  args: Record<string, unknown>;
  window: { from: string; to: string } | null;
  rowCounts: Record<string, number>;
  /** metric → definition, from the glossary (docs/metrics.md). */
  definitions: Record<string, string>;
  asOf: string;
}

export interface Tool<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  /** What the model (and the API listing) reads to decide when to use the tool. */
  description: string;
  input: I;
  output: O;
  run(args: z.output<I>): Promise<z.input<O>>;
}

export type ToolFactory = (ctx: ToolContext) => Tool;

/** Identity function that lets TypeScript infer a tool's argument and result types from its zod schemas. */
export function defineTool<I extends z.ZodType, O extends z.ZodType>(tool: Tool<I, O>): Tool {
  return tool as unknown as Tool;
}
