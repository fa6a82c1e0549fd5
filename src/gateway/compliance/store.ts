/**
 * The learning store (Layer 3 + feedback) in `<dataDir>/compliance.db`: scans (masked findings and
 * salted fingerprints only, never raw values), per-user and per-org daily violation counts by type,
 * feedback, and the false-positive fingerprints and per-recognizer adjustments that feedback teaches.
 *
 * Request-path cost: statements are prepared once per store, and scan records are queued and written
 * in one transaction on the next turn of the event loop (setImmediate), so a chat request never waits
 * for SQLite. Every read of scans / daily counts / users first flushes the queue, so a scan_id is
 * queryable (e.g. for feedback) the moment the response is out.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { SqlDb, SqlStatement } from '../storage/sqlite.js';
import type { EntityType } from './types.js';

export interface StoredFinding {
  type: EntityType;
  recognizer: string;
  masked: string;
  confidence: number;
  /** HMAC of the normalised value with this database's salt. */
  fp: string;
}

export interface ScanRow {
  scan_id: string;
  ts: number;
  user_id: string | null;
  org_id: string;
  findings: StoredFinding[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS scans (
  scan_id TEXT PRIMARY KEY, ts INTEGER NOT NULL, day TEXT NOT NULL, user_id TEXT, org_id TEXT NOT NULL,
  finding_count INTEGER NOT NULL, findings_json TEXT NOT NULL, risk REAL NOT NULL, action TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS scans_org_ts ON scans(org_id, ts);
CREATE INDEX IF NOT EXISTS scans_user_ts ON scans(user_id, ts);
CREATE TABLE IF NOT EXISTS daily (
  subject TEXT NOT NULL, day TEXT NOT NULL, type TEXT NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (subject, day, type));
CREATE TABLE IF NOT EXISTS users (
  user_id TEXT PRIMARY KEY, org_id TEXT NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
  scans INTEGER NOT NULL, violations INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS users_org ON users(org_id);
CREATE TABLE IF NOT EXISTS feedback (
  id TEXT PRIMARY KEY, scan_id TEXT NOT NULL, ts INTEGER NOT NULL, user_id TEXT, org_id TEXT NOT NULL,
  is_false_positive INTEGER NOT NULL, finding_index INTEGER, notes TEXT, applied INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS feedback_scan ON feedback(scan_id);
CREATE TABLE IF NOT EXISTS fp_values (
  org_id TEXT NOT NULL, fp TEXT NOT NULL, type TEXT NOT NULL, recognizer TEXT NOT NULL, masked TEXT NOT NULL,
  reports INTEGER NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (org_id, fp));
CREATE TABLE IF NOT EXISTS recognizer_feedback (
  org_id TEXT NOT NULL, recognizer TEXT NOT NULL, fp_count INTEGER NOT NULL, tp_count INTEGER NOT NULL,
  PRIMARY KEY (org_id, recognizer));
`;

export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

type PendingScan = ScanRow & { risk: number; action: string };

export class LearningStore {
  private readonly salt: string;
  /** Prepared statements by SQL text: prepare() parses SQL, so each statement is prepared once. */
  private readonly statements = new Map<string, SqlStatement>();
  /** Scan records not yet written, in arrival order (flushed together on setImmediate or before a read). */
  private pending: PendingScan[] = [];
  private flushTimer: NodeJS.Immediate | null = null;
  private closed = false;

  /** `onError` hears about a failed background write (the batch is dropped: learning data, not audit). */
  constructor(
    private readonly db: SqlDb,
    private readonly onError: (e: Error, scans: number) => void = () => {},
  ) {
    db.exec(SCHEMA);
    const row = db.prepare('SELECT v FROM meta WHERE k = ?').get<{ v: string }>('salt');
    if (row) this.salt = row.v;
    else {
      this.salt = randomBytes(16).toString('hex');
      db.prepare('INSERT INTO meta (k, v) VALUES (?, ?)').run('salt', this.salt);
    }
  }

  /** Salted fingerprint of a value: equal values match, the value itself is not stored. */
  fingerprint(type: EntityType, value: string): string {
    const norm = value.toLowerCase().replace(/[^\p{L}\p{N}@.]/gu, '');
    return createHmac('sha256', this.salt).update(`${type}:${norm}`).digest('hex').slice(0, 32);
  }

  private stmt(sql: string): SqlStatement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  /** Queues a scan record; it is written on the next event-loop turn (or by the next read / close). */
  recordScan(row: PendingScan): void {
    if (this.closed) return;
    this.pending.push(row);
    this.flushTimer ??= setImmediate(() => {
      this.flushTimer = null;
      try {
        this.flush();
      } catch (e) {
        // A failed batch is dropped, not retried forever; the scan results already went out.
        this.onError(e as Error, this.dropped);
      }
    });
  }

  /** Scans in the last failed batch (for the error report). */
  private dropped = 0;

  /** Writes every queued scan record in one transaction. Called before reads of scans/daily/users. */
  flush(): void {
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    this.dropped = batch.length;
    this.db.transaction(() => {
      for (const row of batch) this.writeScan(row);
    });
    this.dropped = 0;
  }

  private writeScan(row: PendingScan): void {
    const day = dayOf(row.ts);
    this.stmt('INSERT OR REPLACE INTO scans (scan_id, ts, day, user_id, org_id, finding_count, findings_json, risk, action) VALUES (?,?,?,?,?,?,?,?,?)').run(
      row.scan_id, row.ts, day, row.user_id, row.org_id, row.findings.length, JSON.stringify(row.findings), row.risk, row.action,
    );
    const byType = new Map<string, number>();
    for (const f of row.findings) byType.set(f.type, (byType.get(f.type) ?? 0) + 1);
    byType.set('__scans__', 1);
    const up = this.stmt('INSERT INTO daily (subject, day, type, count) VALUES (?,?,?,?) ON CONFLICT(subject, day, type) DO UPDATE SET count = count + excluded.count');
    for (const [type, n] of byType) {
      up.run(`org:${row.org_id}`, day, type, n);
      if (row.user_id) up.run(`user:${row.user_id}`, day, type, n);
    }
    if (row.user_id) {
      this.stmt(
        'INSERT INTO users (user_id, org_id, first_seen, last_seen, scans, violations) VALUES (?,?,?,?,1,?) ON CONFLICT(user_id) DO UPDATE SET last_seen = excluded.last_seen, scans = scans + 1, violations = violations + excluded.violations, org_id = excluded.org_id',
      ).run(row.user_id, row.org_id, row.ts, row.ts, row.findings.length);
    }
  }

  getScan(scanId: string): ScanRow | null {
    this.flush();
    const r = this.stmt('SELECT scan_id, ts, user_id, org_id, findings_json FROM scans WHERE scan_id = ?').get<{ scan_id: string; ts: number; user_id: string | null; org_id: string; findings_json: string }>(scanId);
    if (!r) return null;
    return { scan_id: r.scan_id, ts: r.ts, user_id: r.user_id, org_id: r.org_id, findings: JSON.parse(r.findings_json) as StoredFinding[] };
  }

  /** Daily counts per type for a subject ("user:x" / "org:y") on days in [fromDay, toDay]. */
  dailyCounts(subject: string, fromDay: string, toDay: string): Array<{ day: string; type: string; count: number }> {
    this.flush();
    return this.stmt('SELECT day, type, count FROM daily WHERE subject = ? AND day >= ? AND day <= ? ORDER BY day').all<{ day: string; type: string; count: number }>(subject, fromDay, toDay);
  }

  addFeedback(fb: { id: string; scan_id: string; ts: number; user_id: string | null; org_id: string; is_false_positive: boolean; finding_index: number | null; notes: string | null; targets: StoredFinding[] }): number {
    return this.db.transaction(() => {
      this.stmt('INSERT INTO feedback (id, scan_id, ts, user_id, org_id, is_false_positive, finding_index, notes, applied) VALUES (?,?,?,?,?,?,?,?,?)')
        .run(fb.id, fb.scan_id, fb.ts, fb.user_id, fb.org_id, fb.is_false_positive ? 1 : 0, fb.finding_index, fb.notes, fb.targets.length);
      const rec = this.stmt(
        'INSERT INTO recognizer_feedback (org_id, recognizer, fp_count, tp_count) VALUES (?,?,?,?) ON CONFLICT(org_id, recognizer) DO UPDATE SET fp_count = fp_count + excluded.fp_count, tp_count = tp_count + excluded.tp_count',
      );
      for (const t of fb.targets) {
        rec.run(fb.org_id, t.recognizer, fb.is_false_positive ? 1 : 0, fb.is_false_positive ? 0 : 1);
        if (fb.is_false_positive) {
          this.stmt('INSERT INTO fp_values (org_id, fp, type, recognizer, masked, reports, created_at) VALUES (?,?,?,?,?,1,?) ON CONFLICT(org_id, fp) DO UPDATE SET reports = reports + 1')
            .run(fb.org_id, t.fp, t.type, t.recognizer, t.masked, fb.ts);
        } else {
          // A confirmed true positive undoes an earlier false-positive report of the same value.
          this.stmt('DELETE FROM fp_values WHERE org_id = ? AND fp = ?').run(fb.org_id, t.fp);
        }
      }
      return fb.targets.length;
    });
  }

  falsePositiveSet(orgId: string): Set<string> {
    return new Set(this.stmt('SELECT fp FROM fp_values WHERE org_id = ?').all<{ fp: string }>(orgId).map((r) => r.fp));
  }

  /** Per-recognizer confidence adjustment learned from feedback for an org. */
  recognizerAdjustments(orgId: string): Map<string, number> {
    const m = new Map<string, number>();
    for (const r of this.stmt('SELECT recognizer, fp_count, tp_count FROM recognizer_feedback WHERE org_id = ?').all<{ recognizer: string; fp_count: number; tp_count: number }>(orgId)) {
      m.set(r.recognizer, Math.max(-0.3, Math.min(0.1, -0.05 * r.fp_count + 0.02 * r.tp_count)));
    }
    return m;
  }

  userRow(userId: string): { user_id: string; org_id: string; first_seen: number; last_seen: number; scans: number; violations: number } | undefined {
    this.flush();
    return this.stmt('SELECT * FROM users WHERE user_id = ?').get(userId);
  }

  daysTracked(subject: string): number {
    this.flush();
    return this.stmt("SELECT COUNT(DISTINCT day) AS n FROM daily WHERE subject = ? AND type = '__scans__'").get<{ n: number }>(subject)?.n ?? 0;
  }

  typeTotals(subject: string): Record<string, number> {
    this.flush();
    const out: Record<string, number> = {};
    for (const r of this.stmt("SELECT type, SUM(count) AS n FROM daily WHERE subject = ? AND type != '__scans__' GROUP BY type ORDER BY n DESC").all<{ type: string; n: number }>(subject)) out[r.type] = r.n;
    return out;
  }

  feedbackCount(userId?: string): { total: number; fp: number; tp: number } {
    const r = userId
      ? this.stmt('SELECT COUNT(*) AS total, COALESCE(SUM(is_false_positive),0) AS fp FROM feedback WHERE user_id = ?').get<{ total: number; fp: number }>(userId)
      : this.stmt('SELECT COUNT(*) AS total, COALESCE(SUM(is_false_positive),0) AS fp FROM feedback').get<{ total: number; fp: number }>();
    const total = r?.total ?? 0;
    const fp = r?.fp ?? 0;
    return { total, fp, tp: total - fp };
  }

  counts(): { scans: number; users: number; fpValues: number; recognizersLearned: number } {
    this.flush();
    const one = (sql: string) => this.stmt(sql).get<{ n: number }>()?.n ?? 0;
    return {
      scans: one('SELECT COUNT(*) AS n FROM scans'),
      users: one('SELECT COUNT(*) AS n FROM users'),
      fpValues: one('SELECT COUNT(*) AS n FROM fp_values'),
      recognizersLearned: one('SELECT COUNT(*) AS n FROM recognizer_feedback'),
    };
  }

  usersWithDays(): Array<{ user_id: string; days: number }> {
    this.flush();
    return this.stmt("SELECT substr(subject, 6) AS user_id, COUNT(DISTINCT day) AS days FROM daily WHERE subject LIKE 'user:%' AND type = '__scans__' GROUP BY subject")
      .all<{ user_id: string; days: number }>();
  }

  fpByCategory(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.stmt('SELECT type, COUNT(*) AS n FROM fp_values GROUP BY type').all<{ type: string; n: number }>()) out[r.type] = r.n;
    return out;
  }

  orgStats(orgId: string): { users: number; scans: number; violatingScans: number; fpValues: number } {
    this.flush();
    const users = this.stmt('SELECT COUNT(*) AS n FROM users WHERE org_id = ?').get<{ n: number }>(orgId)?.n ?? 0;
    const s = this.stmt('SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN finding_count > 0 THEN 1 ELSE 0 END),0) AS v FROM scans WHERE org_id = ?').get<{ n: number; v: number }>(orgId);
    const fpValues = this.stmt('SELECT COUNT(*) AS n FROM fp_values WHERE org_id = ?').get<{ n: number }>(orgId)?.n ?? 0;
    return { users, scans: s?.n ?? 0, violatingScans: s?.v ?? 0, fpValues };
  }

  /** Mean confidence over findings of the last 1,000 scans that had any. */
  averageConfidence(): number {
    this.flush();
    let sum = 0;
    let n = 0;
    for (const r of this.stmt('SELECT findings_json FROM scans WHERE finding_count > 0 ORDER BY ts DESC LIMIT 1000').all<{ findings_json: string }>()) {
      for (const f of JSON.parse(r.findings_json) as StoredFinding[]) {
        sum += f.confidence;
        n++;
      }
    }
    return n ? sum / n : 0;
  }

  orgIds(): string[] {
    this.flush();
    return this.stmt('SELECT DISTINCT org_id FROM scans ORDER BY org_id').all<{ org_id: string }>().map((r) => r.org_id);
  }

  /** Writes what is queued, then closes the database. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = null;
    try {
      this.flush();
    } finally {
      this.statements.clear();
      this.db.close();
    }
  }
}
