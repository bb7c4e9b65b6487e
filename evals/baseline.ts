/**
 * npm run eval:baseline — run both sets with the offline planner and raise evals/baseline.json to the scores
 * measured (never lower them). Commit the file with the change that earned the improvement.
 */
import { checkGate, raiseBaseline, readBaseline, writeBaseline } from './lib/gate.ts';
import { runEval } from './lib/evaluate.ts';
import { formatTable } from './lib/report.ts';

const report = await runEval({ planner: 'offline', databaseUrl: process.env.TEST_DATABASE_URL, log: (l) => console.error(l) });
for (const [set, s] of Object.entries(report.sets)) if (s) console.log(`${formatTable(set, s.summary).split('\n').slice(0, 5).join('\n')}\n`);
const old = readBaseline();
const below = checkGate(report, old);
const next = raiseBaseline(old, report);
writeBaseline(next);
console.log(JSON.stringify({ golden: next.golden, paraphrases: next.paraphrases }, null, 2));
if (below.length) console.log(`note: this run is below the baseline (kept): ${below.join('; ')}`);
