/**
 * The audit store: durable SQLite log of every request, read back as VASLog pages, analytics and exports.
 *
 * Write path (measured in bench/audit.bench.ts, reasoning in docs/audit.md): `record()` only queues the
 * record (~1 µs); a flush on the next `setImmediate` writes everything queued in one transaction with
 * prepared statements. WAL + synchronous=NORMAL makes a committed transaction survive kill -9 (it is in
 * the OS page cache). `flushed()` resolves once everything recorded so far is committed — the gateway
 * awaits it before the last bytes of a response, so a delivered response always has its row. Checkpoints
 * run in a worker thread (storage/checkpointer.ts) so no commit on this thread pays for an fsync.
 *
 * Storage failure never breaks the host: if no SQLite engine loads, `openAuditStore` returns a store whose
 * `engine` is 'none', whose `status.reason` says why, which drops records, and whose reads fail with
 * `storage_unavailable`.
 */
import { GatewayError } from '../errors.js';
import type { AuditRecord, AuditSink, Clock, Logger } from '../types.js';
import { startCheckpointer, type Checkpointer } from '../storage/checkpointer.js';
import { describeEngine, isCorruptDatabaseError, openDatabase, type SqlDb, type SqlEngine, type SqlStatement } from '../storage/sqlite.js';
import { existsSync, renameSync } from 'node:fs';
import { analytics, type Analytics, type AnalyticsQuery } from './analytics.js';
import { RollupWriter, type UsageSample } from './rollup.js';
import { csvHeader, csvRow, jsonlRow } from './export.js';
import { buildWhere, clampLimit, decodeCursor, encodeCursor, ftsQuery, DAY_MS, type LogPage, type LogQuery } from './query.js';
import { hasTextIndex, migrate, schemaVersion } from './schema.js';
import { LOG_COLUMNS, SELECT_LOG, toParams, toVasLog, type LogParams, type LogRow, type VASLog } from './vaslog.js';

export interface AuditStoreOptions {
  /** SQLite file (folders are created). */
  path: string;
  clock: Clock;
  logger: Logger;
  /** Rows older than this many days are deleted; 0 keeps everything. */
  retentionDays: number;
  /** A better_sqlite3.node built for this host (see storage/sqlite.ts). */
  nativeBinding?: string;
  nativeBindingCandidates?: string[];
  /** Extension folder holding `native/<platform>-<arch>-abi<N>/better_sqlite3.node`. */
  extensionRoot?: string;
  /** Try better-sqlite3's node_modules build too (false inside Electron). */
  useDefaultBinding?: boolean;
  engine?: SqlEngine;
  /** Time between retention passes (default 1 h); 0 = only when runRetention() is called. */
  retentionIntervalMs?: number;
  /** Checkpoint the WAL from a worker thread (default true). */
  backgroundCheckpoint?: boolean;
  /**
   * Text search whose last word is a prefix first scans this many newest row ids (default 5000; 0 = always
   * the index). Tuning and tests only: results are the same either way (see textPage()).
   */
  textScanWindow?: number;
}

export interface AuditStoreStatus {
  engine: SqlEngine | 'none';
  /** Human line: which engine/binding, or why logs are not being kept. */
  description: string;
  path: string;
  keeping: boolean;
  schemaVersion: number;
  /** Migrations applied by this open. */
  migrated: number[];
  reason?: string;
  /** Records that could not be written (logged when it happens). */
  dropped: number;
  /** The last completed retention pass: rows deleted, duration, and its longest batch (the longest it held the thread). */
  lastRetention?: { deleted: number; seconds: number; longestBatchMs: number; batches: number };
}

export type ExportFormat = 'csv' | 'jsonl';

export interface AuditStore extends AuditSink {
  readonly engine: SqlEngine | 'none';
  readonly status: AuditStoreStatus;
  /** Queues the record; committed on the next tick (see flushed()). Never throws. */
  record(rec: AuditRecord): void;
  /** Resolves when every record passed so far is committed (never rejects). */
  flushed(): Promise<void>;
  /** Commits queued records now, synchronously. */
  flush(): void;
  getLogs(q?: LogQuery): Promise<LogPage<VASLog>>;
  getLog(requestId: string): Promise<VASLog | null>;
  getAnalytics(q?: AnalyticsQuery): Promise<Analytics>;
  /** Streams the filtered set newest first, one page of rows per chunk (limit/offset/cursor are ignored). */
  exportLogs(q: LogQuery, format: ExportFormat): AsyncIterable<string>;
  /** Deletes rows older than retentionDays in small batches (~4 ms each), yielding between them. Returns rows deleted. */
  runRetention(): Promise<number>;
  count(): Promise<number>;
  /** Called (on a later tick) with each committed log; returns an unsubscribe function. */
  onRecord(listener: (log: VASLog) => void): () => void;
  close(): Promise<void>;
}

const FLUSH_NOW_AT = 5000;
const RETENTION_BATCH = 200;
const RETENTION_MIN_BATCH = 20;
const RETENTION_MAX_BATCH = 2000;
const RETENTION_TARGET_MS = 4;
const EXPORT_PAGE = 500;
const TEXT_SCAN_WINDOW = 5000;
/** FTS5's default: merge once 4 segments of a level exist. */
const FTS_AUTOMERGE = 4;
/** Time after which a text scan that has not filled its page hands over to the index. */
const TEXT_SCAN_BUDGET_MS = 15;

/**
 * Opens (creating or migrating) the audit database. Never throws for storage problems: see `status`.
 *
 * @example
 * const audit = openAuditStore({ path: join(dataDir, 'audit.db'), clock, logger, retentionDays: 90 });
 * logger.info(audit.status.description);
 */
export function openAuditStore(opts: AuditStoreOptions): AuditStore {
  const first = tryOpen(opts);
  if (!('error' in first)) return new SqliteAuditStore(first.db, opts, first.migrated);
  if (isCorruptDatabaseError(first.error) && opts.path !== ':memory:' && existsSync(opts.path)) {
    // A damaged file must not stop logging for good: keep it for inspection and start a new one.
    const aside = `${opts.path}.corrupt-${new Date(opts.clock.wallNow()).toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(opts.path, aside);
      for (const ext of ['-wal', '-shm']) if (existsSync(opts.path + ext)) renameSync(opts.path + ext, aside + ext);
      opts.logger.error('The audit database was damaged; it was moved aside and a new one started', { path: opts.path, movedTo: aside });
      const second = tryOpen(opts);
      if (!('error' in second)) return new SqliteAuditStore(second.db, opts, second.migrated);
      return disabledStore(opts, (second.error as Error).message);
    } catch (e) {
      return disabledStore(opts, `${(first.error as Error).message}; moving it aside failed: ${(e as Error).message}`);
    }
  }
  return disabledStore(opts, (first.error as Error).message);
}

function tryOpen(opts: AuditStoreOptions): { db: SqlDb; migrated: number[] } | { error: unknown } {
  let db: SqlDb;
  try {
    db = openDatabase(opts.path, {
      nativeBinding: opts.nativeBinding,
      nativeBindingCandidates: opts.nativeBindingCandidates,
      extensionRoot: opts.extensionRoot,
      useDefaultBinding: opts.useDefaultBinding,
      engine: opts.engine,
      walAutocheckpoint: opts.backgroundCheckpoint === false ? undefined : 10_000,
    });
  } catch (error) {
    return { error };
  }
  try {
    return { db, migrated: migrate(db, () => opts.clock.wallNow()) };
  } catch (error) {
    try {
      db.close();
    } catch {
      /* already failing */
    }
    return { error };
  }
}

const COL = Object.fromEntries(LOG_COLUMNS.map((c, i) => [c, i])) as Record<(typeof LOG_COLUMNS)[number], number>;

/** The rollup sample of a row about to be inserted (its parameters, in LOG_COLUMNS order). */
function sampleFromParams(p: LogParams): UsageSample {
  return {
    ts: Number(p[COL.ts]),
    provider: String(p[COL.provider]),
    model: String(p[COL.model]),
    tokens: Number(p[COL.tokens_used]),
    prompt_tokens: Number(p[COL.prompt_tokens]),
    completion_tokens: Number(p[COL.completion_tokens]),
    cost: Number(p[COL.cost]),
    cached: p[COL.cached] === 1,
    tokens_saved: Number(p[COL.tokens_saved]),
    success: p[COL.success] === 1,
    violated: p[COL.compliance_status] === 'violated',
    latency_ms: Number(p[COL.latency_ms]),
  };
}

/** The text the FTS index holds for a row (FTS_BODY_SQL builds the same for the backfill). */
function ftsBody(requestId: unknown, model: unknown, userId: unknown, prompt: unknown, response: unknown): string {
  return `${requestId ?? ''} ${model ?? ''} ${userId ?? ''} ${prompt ?? ''} ${response ?? ''}`;
}

function disabledStore(opts: AuditStoreOptions, reason: string): AuditStore {
  const description = `Audit logs are NOT being kept: ${reason}`;
  opts.logger.error(description, { path: opts.path });
  const status: AuditStoreStatus = { engine: 'none', description, path: opts.path, keeping: false, schemaVersion: 0, migrated: [], reason, dropped: 0 };
  const unavailable = () => Promise.reject(new GatewayError('storage_unavailable', description));
  return {
    engine: 'none',
    status,
    record: () => void status.dropped++,
    flushed: () => Promise.resolve(),
    flush: () => undefined,
    getLogs: unavailable,
    getLog: unavailable,
    getAnalytics: unavailable,
    exportLogs: () => ({
      [Symbol.asyncIterator]: () => ({ next: () => unavailable() }),
    }),
    runRetention: () => Promise.resolve(0),
    count: unavailable,
    onRecord: () => () => undefined,
    close: () => Promise.resolve(),
  };
}

class SqliteAuditStore implements AuditStore {
  readonly engine: SqlEngine;
  readonly status: AuditStoreStatus;
  private queue: AuditRecord[] = [];
  private waiters: Array<() => void> = [];
  private scheduled = false;
  private closed = false;
  private readonly listeners = new Set<(log: VASLog) => void>();
  private readonly insertLog: SqlStatement;
  private readonly insertText: SqlStatement;
  private readonly statements = new Map<string, SqlStatement>();
  private readonly rollup: RollupWriter;
  private readonly deleteDaily: SqlStatement;
  /** Full-text index for the text filter; null where the engine has no FTS5 (LIKE scan instead). */
  private readonly insertFts: SqlStatement | null;
  private checkpointer: Checkpointer | null = null;
  private retentionTimer: NodeJS.Timeout | null = null;
  private retentionRunning: Promise<number> | null = null;
  private lastWriteError = 0;
  private readonly textScanWindow: number;
  /** undefined until first needed; null when the engine cannot build it. */
  private probe: ((match: string, rows: LogRow[]) => Set<number>) | null | undefined;

  constructor(
    private readonly db: SqlDb,
    private readonly opts: AuditStoreOptions,
    migrated: number[],
  ) {
    this.engine = db.engine;
    this.textScanWindow = Math.max(0, Math.floor(opts.textScanWindow ?? TEXT_SCAN_WINDOW));
    // A larger page cache keeps the index b-trees hot; mmap makes page reads of a big log cheap.
    db.pragma('cache_size = -32768');
    db.pragma('mmap_size = 268435456');
    // Temporary b-trees (sorts, the text-search probe table) stay in memory instead of temp files.
    db.pragma('temp_store = MEMORY');
    this.insertLog = db.prepare(`INSERT INTO audit_log (${LOG_COLUMNS.join(', ')}) VALUES (${LOG_COLUMNS.map(() => '?').join(', ')})`);
    this.insertText = db.prepare('INSERT INTO audit_text (id, prompt_text, response_text) VALUES (?, ?, ?)');
    this.rollup = new RollupWriter(db);
    this.deleteDaily = db.prepare('DELETE FROM audit_daily WHERE day < ?');
    this.insertFts = hasTextIndex(db) ? db.prepare('INSERT INTO audit_fts(rowid, body) VALUES (?, ?)') : null;
    if (this.insertFts) {
      try {
        // FTS5 otherwise rewrites a whole index segment inside the commit once 10% of it is deleted —
        // measured 1 s stalls during retention at 300k rows. Deleted entries are dropped by the
        // ordinary incremental merges instead.
        db.exec("INSERT INTO audit_fts(audit_fts, rank) VALUES ('deletemerge', 0)");
        // A retention pass turns automatic merging off while it runs (see retain()); a process killed
        // during one must not leave it off.
        db.exec(`INSERT INTO audit_fts(audit_fts, rank) VALUES ('automerge', ${FTS_AUTOMERGE})`);
      } catch (e) {
        opts.logger.warn('Could not tune the audit text index', { error: String((e as Error)?.message ?? e) });
      }
    }
    const description = `Audit log: ${describeEngine(db.engineInfo)} at ${db.path}`;
    this.status = {
      engine: db.engine,
      description,
      path: db.path,
      keeping: true,
      schemaVersion: schemaVersion(db),
      migrated,
      dropped: 0,
      ...(db.engineInfo.skipped.length ? { reason: `not used: ${db.engineInfo.skipped.join('; ')}` } : {}),
    };
    opts.logger.info(description, { schemaVersion: this.status.schemaVersion, migrated, skipped: db.engineInfo.skipped });
    if (opts.backgroundCheckpoint !== false) {
      this.checkpointer = startCheckpointer(db, opts.logger);
      if (!this.checkpointer) db.pragma('wal_autocheckpoint = 1000');
    }
    const every = opts.retentionIntervalMs ?? 3_600_000;
    if (every > 0 && opts.retentionDays > 0) {
      // First pass shortly after start (not during activation), then on the interval.
      const tick = (delay: number) => {
        this.retentionTimer = setTimeout(() => {
          void this.runRetention().finally(() => !this.closed && tick(every));
        }, delay);
        this.retentionTimer.unref();
      };
      tick(Math.min(every, 30_000));
    }
  }

  // ------------------------------------------------------------------------------------------ write

  record(rec: AuditRecord): void {
    if (this.closed) {
      this.status.dropped++;
      return;
    }
    this.queue.push(rec);
    if (this.queue.length >= FLUSH_NOW_AT) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flushed(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((res) => this.waiters.push(res));
  }

  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    const waiters = this.waiters;
    this.queue = [];
    this.waiters = [];
    const committed: Array<{ id: number; params: ReturnType<typeof toParams> }> = [];
    const now = this.opts.clock.wallNow();
    const wantLogs = this.listeners.size > 0;
    try {
      this.db.transaction(() => {
        const samples: UsageSample[] = [];
        for (const rec of batch) {
          try {
            const p = toParams(rec, now);
            const id = Number(this.insertLog.run(...p.log).lastInsertRowid);
            if (p.prompt !== null || p.response !== null) this.insertText.run(id, p.prompt, p.response);
            this.insertFts?.run(id, ftsBody(p.log[COL.request_id], p.log[COL.model], p.log[COL.user_id], p.prompt, p.response));
            samples.push(sampleFromParams(p.log));
            if (wantLogs) committed.push({ id, params: p });
          } catch (e) {
            // One malformed record must not cost the rest of the batch.
            this.writeFailed(1, e);
          }
        }
        // The rollup commits with the rows it sums, so analytics never disagree with the log.
        this.rollup.add(samples);
      });
    } catch (e) {
      committed.length = 0;
      this.writeFailed(batch.length, e);
    }
    for (const w of waiters) w();
    if (committed.length) {
      setImmediate(() => {
        for (const c of committed) {
          const row = { id: c.id, prompt_text: c.params.prompt, response_text: c.params.response } as Record<string, unknown>;
          LOG_COLUMNS.forEach((col, i) => (row[col] = c.params.log[i]));
          const log = toVasLog(row as LogRow);
          for (const l of this.listeners) {
            try {
              l(log);
            } catch (e) {
              this.opts.logger.warn('Audit onRecord listener threw', { error: String(e) });
            }
          }
        }
      });
    }
  }

  private writeFailed(n: number, e: unknown): void {
    this.status.dropped += n;
    const now = Date.now();
    // One log line per 10 s is enough to see the problem without flooding the output.
    if (now - this.lastWriteError > 10_000) {
      this.lastWriteError = now;
      this.opts.logger.error('Audit log write failed; records were dropped', { count: n, dropped: this.status.dropped, error: String((e as Error)?.message ?? e) });
    }
  }

  onRecord(listener: (log: VASLog) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ------------------------------------------------------------------------------------------ read

  private stmt(sql: string): SqlStatement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.statements.size > 256) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }

  private ready(): void {
    if (this.closed) throw new GatewayError('storage_unavailable', 'The audit store is closed.');
    // Read-your-writes: a request that just finished is in the next page the UI asks for.
    this.flush();
  }

  private page(q: LogQuery, limit: number, offset: number, after: { ts: number; id: number } | null): Array<LogRow> {
    const { where, params } = buildWhere(q, this.opts.clock.wallNow());
    const match = q.text && this.insertFts ? ftsQuery(q.text) : null;
    if (match) {
      // Text search pages follow the row id (the index's order), so a cursor means the same on both paths.
      if (!offset && match.endsWith('*') && this.textScanWindow > 0) return this.textPage(match, where, params, limit, after ? after.id : null);
      return this.ftsPage(match, where, params, limit, offset, after ? after.id : null);
    }
    if (after) {
      // Written so the planner keeps an index range on ts (an OR of (ts < x) and (ts = x AND id < y)
      // makes it scan from the top of the range on every page: measured 100 ms vs 0.3 ms at 1M rows).
      where.push('l.ts <= ? AND (l.ts < ? OR l.id < ?)');
      params.push(after.ts, after.ts, after.id);
    }
    let sql =
      `SELECT ${SELECT_LOG} FROM audit_log l LEFT JOIN audit_text t ON t.id = l.id` +
      (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
      ` ORDER BY l.ts DESC, l.id DESC LIMIT ?`;
    if (offset) sql += ' OFFSET ?';
    const args: Array<string | number> = [...params, limit];
    if (offset) args.push(offset);
    return this.stmt(sql).all<LogRow>(...args);
  }

  /**
   * Text search through the FTS index: candidates newest-written first (rowid order, streamed, no sort);
   * the LIKE in `where` keeps exact substring semantics. `belowId` bounds the ids (cursor or scan floor).
   */
  private ftsPage(match: string, where: string[], params: Array<string | number>, limit: number, offset: number, belowId: number | null): LogRow[] {
    const conds = [...where];
    const args: Array<string | number> = [match, ...params];
    if (belowId !== null) {
      // On the FTS table so the index seeks past the cursor instead of re-reading earlier candidates.
      conds.push('audit_fts.rowid < ?');
      args.push(belowId);
    }
    let sql =
      `SELECT ${SELECT_LOG} FROM audit_fts CROSS JOIN audit_log l ON l.id = audit_fts.rowid LEFT JOIN audit_text t ON t.id = l.id` +
      ` WHERE audit_fts MATCH ?${conds.length ? ` AND ${conds.join(' AND ')}` : ''} ORDER BY audit_fts.rowid DESC LIMIT ?`;
    args.push(limit);
    if (offset) {
      sql += ' OFFSET ?';
      args.push(offset);
    }
    return this.stmt(sql).all<LogRow>(...args);
  }

  /**
   * Text whose last word is a prefix (`invoice` → `"invoice"*`). FTS5 answers a prefix by first merging the
   * whole doclist of every token it matches — for a common word at 1M rows 50–80 ms before the first row,
   * whatever the LIMIT (a whole word: 0.1 ms). A common word is answered far sooner by the newest rows, so
   * this scans the newest `textScanWindow` ids below the cursor, in id order, with the same filters and
   * LIKE, and keeps the rows the FTS query matches — decided by the same tokenizer on a small in-memory
   * FTS5 table, so this path and the index pick exactly the same rows. When the window does not fill the
   * page (a rare word) the index continues below the last id examined. Rows come out newest id first on
   * both paths, so cursors and pages are the same whichever path answered.
   */
  private textPage(match: string, where: string[], params: Array<string | number>, limit: number, afterId: number | null): LogRow[] {
    const probe = this.textProbe();
    if (!probe) return this.ftsPage(match, where, params, limit, 0, afterId);
    const started = performance.now();
    const top = afterId ?? Number(this.stmt('SELECT coalesce(max(id), 0) + 1 AS m FROM audit_log').get<{ m: number }>()?.m ?? 1);
    const chunkStmt = this.stmt(
      `SELECT ${SELECT_LOG} FROM audit_log l LEFT JOIN audit_text t ON t.id = l.id WHERE l.id < ? AND l.id >= ?` +
        (where.length ? ` AND ${where.join(' AND ')}` : '') +
        ' ORDER BY l.id DESC LIMIT ?',
    );
    const out: LogRow[] = [];
    // Every id >= `below` (and < top) has been examined.
    let below = top;
    let floor = top - this.textScanWindow;
    let examined = 0;
    for (;;) {
      const want = limit - out.length;
      const chunk = Math.min(500, want + (want >> 2) + 8);
      const rows = chunkStmt.all<LogRow>(below, floor, ...params, chunk);
      const hit = probe(match, rows);
      for (const r of rows) {
        if (!hit.has(Number(r.id))) continue;
        out.push(r);
        if (out.length === limit) return out;
      }
      below = rows.length < chunk ? floor : Number(rows[rows.length - 1].id);
      // Substring matches the index rejects (a word found only mid-word) cost a probe each: past a few
      // pages' worth, let the index answer the rest.
      if ((examined += rows.length) > 2 * limit + 100) break;
      if (below > floor) continue;
      // Window done. Rows matched but not enough: the next window is likely to finish the page sooner
      // than the index would start (bounded in time). None matched: a rare combination, ask the index.
      if (below <= 1 || out.length === 0 || performance.now() - started > TEXT_SCAN_BUDGET_MS) break;
      floor = below - this.textScanWindow;
    }
    if (out.length < limit && below > 1) for (const r of this.ftsPage(match, where, params, limit - out.length, 0, below)) out.push(r);
    return out;
  }

  /** Returns a function giving the ids among `rows` that `match` selects, or null where it cannot be built. */
  private textProbe(): ((match: string, rows: LogRow[]) => Set<number>) | null {
    if (this.probe !== undefined) return this.probe;
    try {
      // Same tokenizer (the default) as audit_fts; in the connection's temp schema (memory), never on disk.
      this.db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.audit_fts_probe USING fts5(body, content='', detail=none)");
      const ins = this.db.prepare('INSERT INTO temp.audit_fts_probe(rowid, body) VALUES (?, ?)');
      const sel = this.db.prepare('SELECT rowid AS id FROM temp.audit_fts_probe WHERE audit_fts_probe MATCH ?');
      const clear = this.db.prepare("INSERT INTO temp.audit_fts_probe(audit_fts_probe) VALUES ('delete-all')");
      this.probe = (match, rows) =>
        this.db.transaction(() => {
          for (const r of rows) ins.run(Number(r.id), ftsBody(r.request_id, r.model, r.user_id, r.prompt_text, r.response_text));
          const ids = new Set(sel.all<{ id: number }>(match).map((x) => Number(x.id)));
          clear.run();
          return ids;
        });
    } catch (e) {
      this.opts.logger.warn('Text search will use the index only (no in-memory FTS5 table)', { error: String((e as Error)?.message ?? e) });
      this.probe = null;
    }
    return this.probe;
  }

  async getLogs(q: LogQuery = {}): Promise<LogPage<VASLog>> {
    this.ready();
    const limit = clampLimit(q.limit);
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    const offset = after ? 0 : Math.max(0, Math.floor(q.offset ?? 0));
    const rows = this.page(q, limit, offset, after);
    const last = rows[rows.length - 1];
    return {
      logs: rows.map(toVasLog),
      next_cursor: rows.length === limit && last ? encodeCursor(Number(last.ts), Number(last.id)) : null,
    };
  }

  async getLog(requestId: string): Promise<VASLog | null> {
    this.ready();
    const row = this.stmt(
      `SELECT ${SELECT_LOG} FROM audit_log l LEFT JOIN audit_text t ON t.id = l.id WHERE l.request_id = ? ORDER BY l.id DESC LIMIT 1`,
    ).get<LogRow>(requestId);
    return row ? toVasLog(row) : null;
  }

  async getAnalytics(q: AnalyticsQuery = {}): Promise<Analytics> {
    this.ready();
    return analytics(this.db, q, this.opts.clock.wallNow());
  }

  exportLogs(q: LogQuery, format: ExportFormat): AsyncIterable<string> {
    const self = this;
    const filters: LogQuery = { ...q, limit: undefined, offset: undefined, cursor: undefined };
    return {
      async *[Symbol.asyncIterator]() {
        self.ready();
        // Validate filters before the first byte so a bad query is a 400, not a broken download.
        buildWhere(filters, self.opts.clock.wallNow());
        if (format === 'csv') yield csvHeader();
        let after: { ts: number; id: number } | null = null;
        for (;;) {
          if (self.closed) return;
          const rows = self.page(filters, EXPORT_PAGE, 0, after);
          if (rows.length === 0) return;
          let out = '';
          for (const r of rows) out += format === 'csv' ? csvRow(toVasLog(r)) : jsonlRow(toVasLog(r));
          yield out;
          if (rows.length < EXPORT_PAGE) return;
          const last = rows[rows.length - 1];
          after = { ts: Number(last.ts), id: Number(last.id) };
          // Let requests run between pages.
          await new Promise<void>((r) => setImmediate(r));
        }
      },
    };
  }

  async count(): Promise<number> {
    this.ready();
    return Number(this.stmt('SELECT count(*) AS n FROM audit_log').get<{ n: number }>()?.n ?? 0);
  }

  // ------------------------------------------------------------------------------------------ retention

  runRetention(): Promise<number> {
    if (this.opts.retentionDays <= 0 || this.closed) return Promise.resolve(0);
    // One pass at a time; a timer tick during a manual run joins it.
    this.retentionRunning ??= this.retain().finally(() => (this.retentionRunning = null));
    return this.retentionRunning;
  }

  private async retain(): Promise<number> {
    const cutoff = this.opts.clock.wallNow() - this.opts.retentionDays * DAY_MS;
    // FTS5 merges index segments inside whichever commit crosses its work threshold, and merging the
    // doclist of a common word is one indivisible step: measured 70–500 ms commits for 200-row delete
    // batches at 1M rows. Deletes need no merging (contentless_delete keeps them as tombstones, dropped at
    // the next merge), so automatic merging is off for the pass and inserts resume it afterwards.
    const merging = (n: number) => {
      try {
        if (this.insertFts && !this.closed) this.db.exec(`INSERT INTO audit_fts(audit_fts, rank) VALUES ('automerge', ${n})`);
      } catch (e) {
        this.opts.logger.warn('Could not tune the audit text index', { error: String((e as Error)?.message ?? e) });
      }
    };
    const started = performance.now();
    const stats = { longestBatchMs: 0, batches: 0 };
    merging(0);
    let total = 0;
    try {
      total = await this.deleteOlder(cutoff, stats);
    } finally {
      merging(FTS_AUTOMERGE);
    }
    this.status.lastRetention = { deleted: total, seconds: Math.round(performance.now() - started) / 1000, ...stats };
    if (total) this.opts.logger.info('Audit retention deleted old rows', { deleted: total, retentionDays: this.opts.retentionDays });
    return total;
  }

  /** Deletes rows with ts < cutoff (and their text, index entries and whole rollup days) in short batches. */
  private async deleteOlder(cutoff: number, stats: { longestBatchMs: number; batches: number }): Promise<number> {
    const pick = 'SELECT id FROM audit_log WHERE ts < ? ORDER BY ts, id LIMIT ?';
    const delText = this.db.prepare(`DELETE FROM audit_text WHERE id IN (${pick})`);
    const delFts = this.insertFts ? this.db.prepare(`DELETE FROM audit_fts WHERE rowid IN (${pick})`) : null;
    const delLog = this.db.prepare(`DELETE FROM audit_log WHERE id IN (${pick})`);
    let total = 0;
    // Batch size adapts so one batch (the longest the event loop waits on retention) stays near
    // RETENTION_TARGET_MS whatever the machine and row size.
    let batch = RETENTION_BATCH;
    let sinceCheckpoint = 0;
    for (;;) {
      if (this.closed) break;
      let n = 0;
      const t0 = performance.now();
      try {
        n = this.db.transaction(() => {
          delText.run(cutoff, batch);
          delFts?.run(cutoff, batch);
          const deleted = delLog.run(cutoff, batch).changes;
          // Whole days before the cutoff leave the rollup too (the cutoff's own day stays until it is whole).
          this.deleteDaily.run(Math.floor(cutoff / DAY_MS));
          return deleted;
        });
      } catch (e) {
        this.opts.logger.warn('Audit retention pass stopped', { error: String((e as Error)?.message ?? e) });
        break;
      }
      const took = performance.now() - t0;
      stats.batches++;
      stats.longestBatchMs = Math.max(stats.longestBatchMs, Math.round(took * 100) / 100);
      total += n;
      if (n < batch) break;
      if (took > 2 * RETENTION_TARGET_MS) batch = Math.max(RETENTION_MIN_BATCH, Math.floor(batch / 2));
      else if (took < RETENTION_TARGET_MS / 2) batch = Math.min(RETENTION_MAX_BATCH, batch * 2);
      // Yield to requests between batches, resting as long as the batch took so retention never takes
      // more than about half of the thread.
      await new Promise<void>((r) => setTimeout(r, Math.max(1, Math.min(50, took))));
      // Deletes fill the WAL fast (every row touches ~9 b-trees); every 2000 rows let the worker fold it
      // in before going on, so no commit on this thread reaches the in-line checkpoint safety net (an
      // fsync stall) because of retention.
      if ((sinceCheckpoint += n) >= 2000) {
        sinceCheckpoint = 0;
        await this.checkpointer?.checkpointNow();
      }
    }
    return total;
  }

  // ------------------------------------------------------------------------------------------ close

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.retentionTimer) clearTimeout(this.retentionTimer);
    await this.retentionRunning?.catch(() => 0);
    await this.checkpointer?.stop();
    this.statements.clear();
    this.db.close();
  }
}
