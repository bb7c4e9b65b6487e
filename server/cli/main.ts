import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { isAppError } from '../errors.ts';
import { ENTITIES, type Entity } from '../import/fields.ts';
import { PRESETS } from '../import/presets.ts';
import { clockFromConfig } from '../../tools/lib/clock.ts';
import { afterImport, describeThemesAfterLoad, refreshThemesAfterLoad } from '../import/afterImport.ts';
import { withDb } from './context.ts';
import { formatSummary, importCommand } from './import.ts';

const program = new Command('sightline')
  .description('Sightline: ask questions about your customers and get answers you can trust.')
  .showHelpAfterError('(run sightline --help for usage)')
  .exitOverride();

const collect = (value: string, previous: string[] = []) => [...previous, value];
const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

program
  .command('start')
  .description('start the HTTP server (migrates, and seeds demo data into an empty database)')
  .option('--no-seed', 'do not seed demo data into an empty database')
  .action(async (opts: { seed: boolean }) => {
    const { startServer } = await import('../main.ts');
    await startServer({ seed: opts.seed });
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const { migrate } = await import('../db/migrate.ts');
    const { loadConfig } = await import('../config.ts');
    const { openDb } = await import('../db/index.ts');
    const db = await openDb(loadConfig().DATABASE_URL);
    try {
      const applied = await migrate(db);
      console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database is up to date');
    } finally {
      await db.close();
    }
  });

program
  .command('seed-demo')
  .description('generate the deterministic demo shop (customers, orders, events, feedback)')
  .option('--customers <n>', 'number of customers', positiveInt('--customers'), 5000)
  .option('--seed <s>', 'random seed', positiveInt('--seed'), 42)
  .option('--force', 'replace earlier demo rows (other data is kept)')
  .action(async (opts: { customers: number; seed: number; force?: boolean }) => {
    const { seedDemo } = await import('../demo/seed.ts');
    await withDb(async (db, config) => {
      const counts = await seedDemo(db, { customers: opts.customers, seed: opts.seed, force: opts.force });
      await afterImport(db, [], clockFromConfig(config), config);
      console.log(`demo data seeded: ${Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(', ')}`);
      const themes = describeThemesAfterLoad(await refreshThemesAfterLoad(db, config));
      if (themes) console.log(themes);
    });
  });

program
  .command('import')
  .description('import a CSV/TSV/JSONL file (optionally .gz) of customers, orders, events or feedback')
  .argument('<entity>', `one of ${ENTITIES.join(', ')}`, (v: string) => {
    if (!(ENTITIES as readonly string[]).includes(v)) throw new InvalidArgumentError(`must be one of ${ENTITIES.join(', ')}`);
    return v as Entity;
  })
  .argument('<file>', 'path of the file')
  .option('--preset <name>', `known file layout: ${Object.keys(PRESETS).join(', ')}`)
  .option('--map <field=column>', 'take a field from a column (repeatable)', collect)
  .option('--source <name>', 'namespace of the ids in this file (default: preset name or "default")')
  .option('--json', 'print the summary as JSON')
  .action(async (entity: Entity, file: string, opts) => {
    await withDb(async (db, config) => {
      const summary = await importCommand(db, entity, file, opts, clockFromConfig(config), config);
      // new or changed feedback: its themes now, not on the first question (a line on stderr with --json)
      const themes = entity === 'feedback' && summary.inserted + summary.updated > 0 ? describeThemesAfterLoad(await refreshThemesAfterLoad(db, config)) : null;
      console.log(opts.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
      if (themes) (opts.json ? console.error : console.log)(themes);
    });
  });

program
  .command('tool')
  .description('run an analytics tool with JSON arguments and print its validated JSON result')
  .argument('[name]', 'tool name (omit to list the tools)')
  .argument('[json]', 'arguments as a JSON object', '{}')
  .option('--role <role>', 'who is asking (admin, support, analyst, executive): decides PII masking', 'analyst')
  .option('--today <date>', 'fix "today" (YYYY-MM-DD) for relative dates; default SIGHTLINE_TODAY or the system date')
  .action(async (name: string | undefined, json: string, opts: { role: string; today?: string }) => {
    const { toolCommand } = await import('./tool.ts');
    await withDb(async (db, config) => console.log(await toolCommand(db, config, name, json, opts)));
  });

program
  .command('eval')
  .description('run the golden and paraphrase question sets through the assistant; writes evals/reports/latest.{json,md}')
  .option('--planner <name>', 'offline or llm (llm needs LLM_BASE_URL)', 'offline')
  .option('--set <name>', 'golden, paraphrases or dev (default: golden and paraphrases)')
  .option('--filter <conditions>', 'e.g. "lang=zh,kind=funnel" or part of a case id')
  .option('--database <url>', 'postgres://… server for the eval databases (default TEST_DATABASE_URL, else PGlite)')
  .option('--json', 'print the whole report as JSON')
  .option('--no-write', 'do not write evals/reports/latest.*')
  .action(async (opts) => {
    const { evalCommand } = await import('./eval.ts');
    console.log((await evalCommand(opts)).output);
  });

program
  .command('reembed')
  .description('switch the feedback embedder (or refit the local one) and re-embed all feedback; rebuilds the HNSW index')
  .option('--model <kind>', 'local (default unless EMBEDDINGS_BASE_URL is set) or openai (EMBEDDINGS_BASE_URL, EMBEDDINGS_MODEL)')
  .action(async (opts: { model?: string }) => {
    const { reembedCommand } = await import('./feedback.ts');
    await withDb(async (db, config) => console.log(await reembedCommand(db, config, opts)));
  });

const themes = program.command('themes').description('feedback themes (clusters with stable ids)');
themes
  .command('refresh')
  .description('recompute the feedback themes (k automatic unless --k); matched themes keep their ids')
  .option('--k <n>', 'number of themes', positiveInt('--k'))
  .option('--force', 'recompute even if the feedback did not change')
  .option('--recluster', 'cluster from scratch (choose k again) instead of updating the stored themes')
  .action(async (opts: { k?: number; force?: boolean; recluster?: boolean }) => {
    const { themesRefreshCommand } = await import('./feedback.ts');
    await withDb(async (db, config) => console.log(await themesRefreshCommand(db, config, opts)));
  });
themes
  .command('assignments')
  .description('print feedback_id,external_id,label,theme_id for every feedback row (latest theme run)')
  .option('--format <format>', 'csv or json', 'csv')
  .action(async (opts: { format: string }) => {
    const { themesAssignmentsCommand } = await import('./feedback.ts');
    await withDb(async (db) => console.log(await themesAssignmentsCommand(db, opts)));
  });

program
  .command('ask')
  .description('ask a question in English or Chinese; prints the grounded answer (or the whole payload with --json)')
  .argument('<question>', 'the question (quote it)')
  .option('--json', 'print the answer payload as JSON (tool calls, results, grounding)')
  .option('--today <date>', 'fix "today" (YYYY-MM-DD) for relative dates; default SIGHTLINE_TODAY or the system date')
  .option('--planner <name>', 'offline or llm (default: llm when LLM_BASE_URL is set, else offline)')
  .option('--role <role>', 'who is asking (admin, support, analyst, executive): decides PII masking', 'analyst')
  .action(async (question: string, opts: { json?: boolean; today?: string; planner?: string; role: string }) => {
    const { askCommand, checkAskInput } = await import('./ask.ts');
    checkAskInput(question, opts);
    await withDb(async (db, config) => console.log(await askCommand(db, config, question, opts)));
  });

program
  .command('bench')
  .description('benchmark every tool on a generated shop (PGlite, Postgres, DuckDB as reference); writes docs/benchmarks.md')
  .option('--customers <n>', 'customers', positiveInt('--customers'), 100_000)
  .option('--orders <n>', 'orders (about 2.5 lines each)', positiveInt('--orders'), 1_000_000)
  .option('--events <n>', 'behaviour events', positiveInt('--events'), 2_000_000)
  .option('--drivers <list>', 'comma-separated: pglite, postgres (Postgres = TEST_DATABASE_URL\'s server)', 'pglite,postgres')
  .option('--repeats <n>', 'timed calls per tool after one warm-up', positiveInt('--repeats'), 20)
  .option('--no-duckdb', 'skip the DuckDB reference')
  .option('--feedback <n>', 'feedback rows for the feedback bench (embed, HNSW, search p95, themes); 0 = skip', (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('--feedback must be a whole number ≥ 0');
    return n;
  }, 200_000)
  .option('--seed <s>', 'random seed of the generated data', positiveInt('--seed'), 42)
  .option('--planner', 'time the offline planner on the demo eval dataset (p95 excluding tool time; default)', true)
  .option('--no-planner', 'skip the planner latency bench')
  .option('--out <file>', 'markdown file whose generated section is replaced ("-" = print only)', 'docs/benchmarks.md')
  .action(async (opts) => {
    const { benchCommand } = await import('../../bench/index.ts');
    console.log(await benchCommand(opts));
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander already printed the message (or help/version, which exit 0).
    process.exitCode = err.exitCode;
  } else {
    const message = isAppError(err) ? `${err.code}: ${err.message}` : (err as Error).message;
    console.error(`sightline: ${message}`);
    process.exitCode = isAppError(err) && err.status < 500 ? 2 : 1;
  }
}
