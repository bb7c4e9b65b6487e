import { clockFromConfig, fixedClock } from '../../tools/lib/clock.ts';
import { describeTools, runTool } from '../../tools/registry.ts';
import { ROLES, type Role } from '../../tools/types.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../errors.ts';

/** `sightline tool [name] [json]`: the same registry and checks as the agent and the HTTP API. */
export async function toolCommand(
  db: Db,
  config: Config,
  name: string | undefined,
  json: string,
  opts: { role: string; today?: string },
): Promise<string> {
  if (!(ROLES as readonly string[]).includes(opts.role)) {
    throw new AppError('invalid_argument', `--role must be one of ${ROLES.join(', ')}`);
  }
  let clock;
  try {
    clock = opts.today ? fixedClock(opts.today) : clockFromConfig(config);
  } catch (err) {
    throw new AppError('invalid_argument', `--today: ${(err as Error).message}`);
  }
  const ctx = { db, clock, role: opts.role as Role };
  if (!name) return describeTools(ctx).map((t) => `${t.name.padEnd(26)} ${t.description}`).join('\n');
  let args: unknown;
  try {
    args = JSON.parse(json);
  } catch (err) {
    throw new AppError('invalid_argument', `arguments must be a JSON object: ${(err as Error).message}`);
  }
  return JSON.stringify(await runTool(name, args, ctx), null, 2);
}
