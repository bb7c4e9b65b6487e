import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/index.ts';
import { AppError } from '../errors.ts';
import type { Role } from '../../tools/types.ts';
import type { AnswerPayload, Turn } from './types.ts';

/** Turns read back for a follow-up: the planners look at the last few only. */
export const HISTORY_LIMIT = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function createConversation(db: Queryable, role: Role, firstQuestion: string): Promise<string> {
  const id = randomUUID();
  await db.query('INSERT INTO conversations (id, role, title) VALUES ($1, $2, $3)', [id, role, firstQuestion.slice(0, 200)]);
  return id;
}

/**
 * The last `limit` turns, oldest first; not_found for an unknown (or malformed) id, and for a conversation started
 * under another role: its stored answers may hold personal data that role must not see (tools mask PII by role).
 */
export async function loadTurns(
  db: Queryable, conversationId: string, { limit = HISTORY_LIMIT, role }: { limit?: number; role?: Role } = {},
): Promise<Turn[]> {
  if (!UUID.test(conversationId)) throw new AppError('invalid_argument', 'conversationId must be a UUID');
  const exists = await db.query<{ role: string }>('SELECT role FROM conversations WHERE id = $1', [conversationId]);
  if (exists.rows.length === 0 || (role !== undefined && exists.rows[0]!.role !== role)) {
    throw new AppError('not_found', `no conversation ${conversationId}${role ? ` for role ${role}` : ''}`);
  }
  const { rows } = await db.query<{ question: string; payload: AnswerPayload | string }>(
    `SELECT question, payload FROM (
       SELECT turn_no, question, payload FROM conversation_turns WHERE conversation_id = $1 ORDER BY turn_no DESC LIMIT $2
     ) t ORDER BY turn_no`,
    [conversationId, limit],
  );
  return rows.map((r) => ({ question: r.question, payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload }));
}

/** Append a turn; the number is taken inside the INSERT so two writers never reuse one (the key rejects a race). */
export async function appendTurn(db: Queryable, conversationId: string, payload: AnswerPayload): Promise<number> {
  const { rows } = await db.query<{ turn_no: number }>(
    `INSERT INTO conversation_turns (conversation_id, turn_no, question, planner, kind, grounded, payload)
     SELECT $1, coalesce(max(turn_no), 0) + 1, $2, $3, $4, $5, $6 FROM conversation_turns WHERE conversation_id = $1
     RETURNING turn_no`,
    [conversationId, payload.question, payload.planner, payload.kind, payload.grounded, JSON.stringify(payload)],
  );
  await db.query('UPDATE conversations SET updated_at = now() WHERE id = $1', [conversationId]);
  return rows[0]!.turn_no;
}
