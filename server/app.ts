import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { clockFromConfig } from '../tools/lib/clock.ts';
import type { Config } from './config.ts';
import type { Db } from './db/index.ts';
import { AppError, isAppError } from './errors.ts';
import { dataRoutes } from './routes/data.ts';
import { healthRoutes } from './routes/health.ts';
import { toolRoutes } from './routes/tools.ts';
import { askRoutes } from './routes/ask.ts';
import { llmSettings } from './agent/ask.ts';

export interface AppOptions {
  db: Db;
  config: Pick<Config, 'LOG_LEVEL' | 'SIGHTLINE_TODAY' | 'LLM_BASE_URL' | 'LLM_API_KEY' | 'LLM_MODEL'>;
  /** Pino options or false; tests pass false to keep output quiet. */
  logger?: FastifyServerOptions['logger'];
}

/** Builds the Fastify app without listening, so tests drive it with app.inject. */
export async function buildApp({ db, config, logger }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: logger ?? { level: config.LOG_LEVEL } }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((err, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const message = err.validation.map((v) => `${v.instancePath || err.validationContext}: ${v.message}`).join('; ');
      return reply.status(400).send({ error: { code: 'invalid_argument', message } });
    }
    if (isAppError(err)) {
      if (err.status >= 500) req.log.error({ err }, err.message);
      return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: 'bad_request', message: (err as Error).message } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'internal error' } });
  });
  app.setNotFoundHandler((req, reply) => {
    const err = new AppError('not_found', `no route ${req.method} ${req.url}`);
    return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
  });

  await app.register(healthRoutes(db));
  await app.register(dataRoutes(db));
  await app.register(toolRoutes({ db, clock: clockFromConfig(config) }));
  await app.register(askRoutes({ db, clock: clockFromConfig(config), llm: llmSettings(config) }));
  return app;
}
