/**
 * Log filters -> SQL. One builder serves getLogs, export and the HTTP routes so a filter means the same
 * thing everywhere. Paging is keyset on (ts, id) newest first: a cursor names the last row seen, so pages
 * stay stable while new rows arrive (offset paging is kept for the reference's `offset`).
 */
import { GatewayError } from '../errors.js';

export type LogStatus = 'ok' | 'error' | 'violated' | 'cached';

export interface LogQuery {
  /** Page size, 1..1000 (default 100). */
  limit?: number;
  /** Rows to skip (the reference's paging). Ignored when `cursor` is given. */
  offset?: number;
  /** `next_cursor` of the previous page. */
  cursor?: string;
  provider?: string;
  model?: string;
  /** Only the last N days. */
  days?: number;
  /** Inclusive lower bound, ISO date or date-time. */
  start?: string;
  /** Upper bound, ISO date (inclusive of that whole day) or date-time (exclusive). */
  end?: string;
  userId?: string;
  conversationId?: string;
  status?: LogStatus;
  /** Compliance outcome: "compliant" also matches records the compliance layer did not see. */
  compliance?: 'compliant' | 'violated';
  cached?: boolean;
  /** Substring (case-insensitive for ASCII) of request id, model, user id, prompt or response text. */
  text?: string;
}

export interface LogPage<T> {
  logs: T[];
  /** Pass as `cursor` for the next (older) page; null when this page is the last. */
  next_cursor: string | null;
}

export const DAY_MS = 86_400_000;
export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 100;

export function encodeCursor(ts: number, id: number): string {
  return Buffer.from(`${ts}:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { ts: number; id: number } {
  const m = /^(-?\d+):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new GatewayError('invalid_request', 'The log cursor is not valid: pass the next_cursor of the previous page unchanged.');
  return { ts: Number(m[1]), id: Number(m[2]) };
}

/** Parses a date or date-time; a bare date as `end` means the end of that UTC day. */
export function parseBound(value: string, which: 'start' | 'end'): number {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const t = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(t)) {
    throw new GatewayError('invalid_request', `"${value}" is not a date: use YYYY-MM-DD or an ISO-8601 date-time for ${which}.`);
  }
  return dateOnly && which === 'end' ? t + DAY_MS : t;
}

function likeArg(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The FTS5 query that finds candidates for `text`: whole words, the last one as a prefix
 * ("customer inv" → `"customer" AND "inv"*`) — a prefix costs time in proportion to the rows it matches,
 * a whole word does not. Text that starts or ends mid-word is therefore found only from a word start.
 * Null when the text has no letters or digits (then only the LIKE scan can answer).
 */
export function ftsQuery(text: string): string | null {
  const words = text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (!words.length) return null;
  // A word the text cuts off on the left (e.g. "voice" of "invoice") cannot be found by the index either
  // way; one it cuts off on the right is the prefix. Only the last word can be cut off on the right.
  const endsInWord = /[\p{L}\p{N}]$/u.test(text);
  return words.map((w, i) => `"${w.replace(/"/g, '""')}"${i === words.length - 1 && endsInWord ? '*' : ''}`).join(' AND ');
}

/** WHERE clause (without keyset) and its parameters; `needsText` when audit_text must be joined. */
export function buildWhere(q: LogQuery, nowMs: number): { where: string[]; params: Array<string | number>; needsText: boolean } {
  const where: string[] = [];
  const params: Array<string | number> = [];
  let needsText = false;
  if (q.provider) {
    where.push('l.provider = ?');
    params.push(q.provider);
  }
  if (q.model) {
    where.push('l.model = ?');
    params.push(q.model);
  }
  if (q.userId) {
    where.push('l.user_id = ?');
    params.push(q.userId);
  }
  if (q.conversationId) {
    where.push('l.conversation_id = ?');
    params.push(q.conversationId);
  }
  let lower = -Infinity;
  if (q.days !== undefined) {
    if (!Number.isFinite(q.days) || q.days <= 0) throw new GatewayError('invalid_request', '`days` must be a positive number of days.');
    lower = nowMs - q.days * DAY_MS;
  }
  if (q.start) lower = Math.max(lower, parseBound(q.start, 'start'));
  if (lower > -Infinity) {
    where.push('l.ts >= ?');
    params.push(Math.floor(lower));
  }
  if (q.end) {
    where.push('l.ts < ?');
    params.push(parseBound(q.end, 'end'));
  }
  switch (q.status) {
    case undefined:
      break;
    case 'ok':
      where.push('l.success = 1');
      break;
    case 'error':
      where.push('l.success = 0');
      break;
    case 'violated':
      where.push("l.compliance_status = 'violated'");
      break;
    case 'cached':
      where.push('l.cached = 1');
      break;
    default:
      throw new GatewayError('invalid_request', `Unknown status "${String(q.status)}": use ok, error, violated or cached.`);
  }
  if (q.compliance === 'violated') where.push("l.compliance_status = 'violated'");
  else if (q.compliance === 'compliant') where.push("(l.compliance_status IS NULL OR l.compliance_status <> 'violated')");
  else if (q.compliance !== undefined) throw new GatewayError('invalid_request', `Unknown compliance filter "${String(q.compliance)}": use compliant or violated.`);
  if (q.cached !== undefined) where.push(q.cached ? 'l.cached = 1' : 'l.cached = 0');
  if (q.text) {
    needsText = true;
    const arg = likeArg(q.text);
    where.push(
      "(l.request_id LIKE ? ESCAPE '\\' OR l.model LIKE ? ESCAPE '\\' OR l.user_id LIKE ? ESCAPE '\\' OR t.prompt_text LIKE ? ESCAPE '\\' OR t.response_text LIKE ? ESCAPE '\\')",
    );
    params.push(arg, arg, arg, arg, arg);
  }
  return { where, params, needsText };
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isFinite(limit) || limit < 1) throw new GatewayError('invalid_request', '`limit` must be a whole number from 1 to 1000.');
  return Math.min(MAX_LIMIT, Math.floor(limit));
}
