import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../errors.ts';
import type { ImportContext } from './entities/common.ts';
import type { FieldMapping } from './fields.ts';
import type { ParentMessage, ParseJob, WorkerMessage } from './parseWorker.ts';

export type ParsedHeader = Extract<WorkerMessage, { type: 'header' }>;
export type ParsedBatch = Extract<WorkerMessage, { type: 'batch' }>;

/** The writer's handle on a parse worker (parseWorker.ts); messages arrive in the order the worker sent them. */
export interface ParseSession {
  /** The file's columns, read before any row is parsed (the worker then waits for `start`). */
  header(): Promise<ParsedHeader>;
  start(mapping: FieldMapping, ctx: ImportContext): void;
  /** The next batch in file order; the one with `last` set ends the file. Rejects with the worker's error. */
  nextBatch(): Promise<ParsedBatch>;
  /** The writer took a batch, so the worker may post another. */
  credit(): void;
  close(): Promise<void>;
}

export function startParsing(job: ParseJob): ParseSession {
  const worker = new Worker(new URL('./parseWorkerBoot.js', import.meta.url), { workerData: job });
  const queue: WorkerMessage[] = [];
  let failure: Error | undefined;
  let closed = false;
  let wake: (() => void) | undefined;
  const fail = (err: Error) => {
    failure ??= err;
    wake?.();
  };
  worker.on('message', (m: WorkerMessage) => {
    if (m.type === 'error') return fail(toError(m));
    queue.push(m);
    wake?.();
  });
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (!closed) fail(new Error(`import parse worker stopped unexpectedly (exit code ${code})`));
  });

  const receive = async <T extends WorkerMessage['type']>(type: T): Promise<Extract<WorkerMessage, { type: T }>> => {
    for (;;) {
      if (failure) throw failure;
      const m = queue.shift();
      if (m) {
        if (m.type !== type) throw new Error(`import parse worker: expected a ${type} message, got ${m.type}`);
        return m as Extract<WorkerMessage, { type: T }>;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  const send = (m: ParentMessage) => worker.postMessage(m);
  return {
    header: () => receive('header'),
    start: (mapping, ctx) => send({ type: 'start', mapping, ctx }),
    nextBatch: () => receive('batch'),
    credit: () => send({ type: 'credit' }),
    close: async () => {
      closed = true;
      await worker.terminate();
    },
  };
}

/** Errors cross threads as plain data: rebuild an AppError (same code and message) or an Error with its stack. */
function toError(m: Extract<WorkerMessage, { type: 'error' }>): Error {
  if (m.code) return new AppError(m.code as ErrorCode, m.message);
  const err = new Error(m.message);
  if (m.stack) err.stack = m.stack;
  return err;
}
