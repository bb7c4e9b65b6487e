import { z } from 'zod';
import { AppError } from './errors.ts';

const optionalUrl = z.url().optional();
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

/**
 * `DATABASE_URL` unset → PGlite in `.data/pglite`; `pglite://<dir>` → PGlite in that dir (`pglite://memory` for an
 * in-memory database); `postgres://…` / `postgresql://…` → PostgreSQL through a `pg` pool.
 */
export const databaseUrlSchema = z
  .string()
  .trim()
  .refine((v) => /^(pglite:\/\/.+|postgres(ql)?:\/\/.+)$/.test(v), {
    message: 'must be pglite://<dir> or postgres://user@host:port/db',
  });

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const envSchema = z.object({
  DATABASE_URL: z.preprocess(emptyToUndefined, databaseUrlSchema.default('pglite://.data/pglite')),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  LLM_BASE_URL: z.preprocess(emptyToUndefined, optionalUrl),
  LLM_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  LLM_MODEL: z.preprocess(emptyToUndefined, z.string().optional()),
  EMBEDDINGS_BASE_URL: z.preprocess(emptyToUndefined, optionalUrl),
  EMBEDDINGS_MODEL: z.preprocess(emptyToUndefined, z.string().optional()),
  SIGHTLINE_TODAY: z.preprocess(emptyToUndefined, isoDate.optional()),
  SLACK_SIGNING_SECRET: z.preprocess(emptyToUndefined, z.string().optional()),
  SLACK_BOT_TOKEN: z.preprocess(emptyToUndefined, z.string().optional()),
  SLACK_API_URL: z.preprocess(emptyToUndefined, optionalUrl),
});

export type Config = z.infer<typeof envSchema>;

/** Parse the environment once; a bad value fails fast with every problem named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new AppError('invalid_config', `invalid configuration: ${problems}`);
  }
  return parsed.data;
}
