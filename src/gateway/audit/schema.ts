/**
 * The audit database schema as numbered migrations. `PRAGMA user_version` holds the applied version and
 * `schema_migrations` keeps a dated history; each migration runs in its own transaction, so a database
 * from any older version is brought forward in place, row for row. Never edit a shipped migration: add
 * the next one.
 *
 * Layout (v6): `audit_log` holds one compact row per request (everything the list, filters and analytics
 * read); the prompt/response text lives in `audit_text` keyed by the same id, so range scans for
 * analytics never page through large text; `audit_daily` is the per-day rollup analytics reads
 * (see rollup.ts); `audit_fts` (v5, rebuilt without positions in v6) is a contentless full-text index
 * that finds candidate rows for the text filter.
 */
import type { SqlDb } from '../storage/sqlite.js';
import { rebuildRollup } from './rollup.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Data step after the SQL (same transaction). */
  run?: (db: SqlDb) => void;
}

/** v1: the first, simple schema — core columns plus a JSON `detail` holding every other field. */
export const V1_SQL = `
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  tokens_used INTEGER NOT NULL DEFAULT 0,
  cost REAL NOT NULL DEFAULT 0,
  latency_ms REAL NOT NULL DEFAULT 0,
  user_id TEXT,
  conversation_id TEXT,
  cached INTEGER NOT NULL DEFAULT 0,
  error_status INTEGER,
  detail TEXT
);
CREATE INDEX audit_log_ts ON audit_log(ts);
`;

export const MIGRATIONS: Migration[] = [
  { version: 1, name: 'initial audit_log', sql: V1_SQL },
  {
    version: 2,
    name: 'first-class columns for every VASLog field; texts in audit_text',
    sql: `
ALTER TABLE audit_log ADD COLUMN model_provider TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN processing_time_ms REAL NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN content_type TEXT NOT NULL DEFAULT 'chat';
ALTER TABLE audit_log ADD COLUMN conversation_stage TEXT;
ALTER TABLE audit_log ADD COLUMN routing_strategy TEXT;
ALTER TABLE audit_log ADD COLUMN routing_reason TEXT;
ALTER TABLE audit_log ADD COLUMN compliance_status TEXT;
ALTER TABLE audit_log ADD COLUMN compliance_violations TEXT;
ALTER TABLE audit_log ADD COLUMN compliance_json TEXT;
ALTER TABLE audit_log ADD COLUMN cache_query TEXT;
ALTER TABLE audit_log ADD COLUMN tokens_saved INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN cache_hit_type TEXT;
ALTER TABLE audit_log ADD COLUMN cache_tier TEXT;
ALTER TABLE audit_log ADD COLUMN prompt_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN completion_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN success INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit_log ADD COLUMN error_message TEXT;
ALTER TABLE audit_log ADD COLUMN streamed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN source TEXT;
ALTER TABLE audit_log ADD COLUMN metrics_processing_time_ms REAL;
UPDATE audit_log SET model_provider = provider, success = (error_status IS NULL) WHERE detail IS NULL;
CREATE TABLE audit_text (
  id INTEGER PRIMARY KEY,
  prompt_text TEXT,
  response_text TEXT
);
UPDATE audit_log SET
  model_provider = coalesce(json_extract(detail, '$.model_provider'), provider),
  processing_time_ms = coalesce(json_extract(detail, '$.processing_time_ms'), 0),
  content_type = coalesce(json_extract(detail, '$.content_type'), 'chat'),
  conversation_stage = json_extract(detail, '$.conversation_stage'),
  routing_strategy = json_extract(detail, '$.routing_strategy'),
  routing_reason = json_extract(detail, '$.routing_reason'),
  compliance_status = json_extract(detail, '$.compliance_status'),
  compliance_violations = json_extract(detail, '$.compliance_violations'),
  compliance_json = json(json_extract(detail, '$.compliance')),
  cache_query = json_extract(detail, '$.metacache.query'),
  tokens_saved = coalesce(json_extract(detail, '$.metacache.tokens_saved'), 0),
  cache_hit_type = json_extract(detail, '$.metacache.hit_type'),
  cache_tier = json_extract(detail, '$.metacache.tier'),
  prompt_tokens = coalesce(json_extract(detail, '$.metrics.prompt_tokens'), 0),
  completion_tokens = coalesce(json_extract(detail, '$.metrics.completion_tokens'), 0),
  success = coalesce(json_extract(detail, '$.metrics.success'), error_status IS NULL),
  error_message = json_extract(detail, '$.error_message'),
  streamed = coalesce(json_extract(detail, '$.streamed'), 0),
  source = json_extract(detail, '$.source'),
  metrics_processing_time_ms = json_extract(detail, '$.metrics.processing_time_ms')
WHERE detail IS NOT NULL;
INSERT INTO audit_text(id, prompt_text, response_text)
  SELECT id, json_extract(detail, '$.prompt_text'), json_extract(detail, '$.response_text') FROM audit_log
  WHERE detail IS NOT NULL
    AND (json_extract(detail, '$.prompt_text') IS NOT NULL OR json_extract(detail, '$.response_text') IS NOT NULL);
UPDATE audit_log SET detail = NULL WHERE detail IS NOT NULL;
`,
  },
  {
    version: 3,
    name: 'indexes for provider / model / user / conversation / request id lookups',
    sql: `
CREATE INDEX IF NOT EXISTS audit_log_provider_ts ON audit_log(provider, ts);
CREATE INDEX IF NOT EXISTS audit_log_model_ts ON audit_log(model, ts);
CREATE INDEX IF NOT EXISTS audit_log_user_ts ON audit_log(user_id, ts) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_log_conversation_ts ON audit_log(conversation_id, ts) WHERE conversation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_log_request_id ON audit_log(request_id);
`,
  },
  {
    version: 4,
    name: 'daily usage rollup for analytics',
    sql: `
CREATE TABLE audit_daily (
  day INTEGER NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  requests INTEGER NOT NULL DEFAULT 0,
  tokens INTEGER NOT NULL DEFAULT 0,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  cost REAL NOT NULL DEFAULT 0,
  cache_hits INTEGER NOT NULL DEFAULT 0,
  tokens_saved INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  violations INTEGER NOT NULL DEFAULT 0,
  latency_hist TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (day, provider, model)
) WITHOUT ROWID;
`,
    run: rebuildRollup,
  },
  {
    version: 5,
    name: 'full-text index for the text filter (when the engine has FTS5)',
    sql: '',
    run: createTextIndex,
  },
  {
    version: 6,
    name: 'text index without positions (detail=none), rebuilt in place',
    sql: '',
    run: rebuildTextIndexWithoutPositions,
  },
];

/** The text the FTS index holds for a row: ids, model, user and the stored prompt/response. */
export const FTS_BODY_SQL = `coalesce(l.request_id, '') || ' ' || coalesce(l.model, '') || ' ' || coalesce(l.user_id, '') || ' ' ||
  coalesce(t.prompt_text, '') || ' ' || coalesce(t.response_text, '')`;

/**
 * Contentless FTS5 (the text already lives in audit_log / audit_text; the index only finds candidate
 * rows, which the query then checks with LIKE). Skipped, leaving the LIKE scan, where the engine was
 * built without FTS5.
 */
function createTextIndex(db: SqlDb): void {
  try {
    db.exec("CREATE VIRTUAL TABLE audit_fts USING fts5(body, content='', contentless_delete=1)");
  } catch {
    return;
  }
  db.exec(`INSERT INTO audit_fts(rowid, body) SELECT l.id, ${FTS_BODY_SQL} FROM audit_log l LEFT JOIN audit_text t ON t.id = l.id`);
}

/**
 * v6: the index only picks candidate rows (whole words and word prefixes, which the query then checks
 * with LIKE), so token positions are dead weight: without them a written row costs ~5 µs less CPU, the
 * doclist of a common word is several times smaller (FTS5 merges and prefix queries read whole
 * doclists), and the file ~13% smaller (measured in bench/audit.bench.ts). The rebuild re-reads every
 * row (~10 s for the backfill at 1M rows, up to ~25 s with dropping the old index; once). Where the old
 * index cannot be dropped (an engine without FTS5 opening a file written with it) it is left alone.
 */
function rebuildTextIndexWithoutPositions(db: SqlDb): void {
  if (hasTextIndex(db)) {
    try {
      db.exec('DROP TABLE audit_fts');
    } catch {
      return;
    }
  }
  try {
    db.exec(`CREATE VIRTUAL TABLE audit_fts USING fts5(body, ${FTS_OPTIONS})`);
  } catch {
    return;
  }
  db.exec(`INSERT INTO audit_fts(rowid, body) SELECT l.id, ${FTS_BODY_SQL} FROM audit_log l LEFT JOIN audit_text t ON t.id = l.id`);
}

/** Options of the current text index (v6). The tokenizer is FTS5's default (unicode61). */
export const FTS_OPTIONS = "content='', contentless_delete=1, detail=none";

export function hasTextIndex(db: SqlDb): boolean {
  return !!db.prepare("SELECT 1 AS x FROM sqlite_master WHERE name = 'audit_fts'").get();
}

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Reads the applied version (0 for a new, empty database). */
export function schemaVersion(db: SqlDb): number {
  const row = db.prepare('PRAGMA user_version').get<{ user_version: number }>();
  return Number(row?.user_version ?? 0);
}

/**
 * Applies every migration above the database's version, each in a transaction. Returns the versions
 * applied. Refuses a database written by a newer build rather than guessing at its layout.
 */
export function migrate(db: SqlDb, now: () => number = Date.now): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `The audit database ${db.path} was written by a newer Smartflow (schema v${current}; this build knows v${SCHEMA_VERSION}). ` +
        `Update the extension, or point the audit log at another file.`,
    );
  }
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      if (m.sql) db.exec(m.sql);
      m.run?.(db);
      db.prepare('INSERT OR REPLACE INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date(now()).toISOString());
      db.exec(`PRAGMA user_version = ${m.version}`);
    });
    applied.push(m.version);
  }
  return applied;
}
