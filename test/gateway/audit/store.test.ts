// The audit store against real SQLite files: every VASLog field round-trips, filters, keyset paging
// under concurrent inserts, migration in place from the v1 schema, retention, analytics, exports,
// the key scrub, and the disabled store when no engine loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, existsSync, writeFileSync, readdirSync } from 'node:fs';
import { openAuditStore, type AuditStore, type VASLog } from '../../../src/gateway/audit/index.js';
import { V1_SQL, SCHEMA_VERSION } from '../../../src/gateway/audit/schema.js';
import { analytics, analyticsFromRows } from '../../../src/gateway/audit/analytics.js';
import { CSV_COLUMNS } from '../../../src/gateway/audit/export.js';
import { openDatabase } from '../../../src/gateway/storage/sqlite.js';
import { GatewayError } from '../../../src/gateway/errors.js';
import type { AuditRecord } from '../../../src/gateway/types.js';
import { fullRecord, tempDir, testClock, testLogger } from './helpers.js';

const DAY = 86_400_000;

/** Nearest-rank percentile of sorted values (the definition the store reports, to within 1%). */
function nearestRank(sorted: number[], p: number): number | null {
  return sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] : null;
}

function open(dir: string, clock = testClock(), extra: Partial<Parameters<typeof openAuditStore>[0]> = {}): AuditStore {
  return openAuditStore({ path: join(dir, 'audit.db'), clock, logger: testLogger(), retentionDays: 90, retentionIntervalMs: 0, ...extra });
}

/** What the store should give back for a record (VASLog is the record plus derived fields). */
function expected(rec: AuditRecord): Omit<VASLog, never> {
  return {
    request_id: rec.request_id,
    timestamp: rec.timestamp,
    provider: rec.provider,
    model: rec.model,
    model_provider: rec.model_provider,
    tokens_used: rec.tokens_used,
    cost: rec.cost,
    latency_ms: rec.latency_ms,
    processing_time_ms: rec.processing_time_ms,
    content_type: rec.content_type,
    user_id: rec.user_id,
    conversation_id: rec.conversation_id,
    conversation_stage: rec.conversation_stage,
    routing_strategy: rec.routing_strategy,
    routing_reason: rec.routing_reason,
    compliance_status: rec.compliance_status,
    compliance_violations: rec.compliance_violations,
    compliance: rec.compliance,
    metacache: { hit: rec.metacache.hit, query: rec.metacache.query, tokens_saved: rec.metacache.tokens_saved, hit_type: rec.metacache.hit_type ?? null, tier: rec.metacache.tier ?? null },
    metrics: rec.metrics,
    cached: rec.metacache.hit,
    error: rec.error_status !== null || rec.error_message !== null ? { status: rec.error_status, message: rec.error_message } : null,
    streamed: rec.streamed,
    prompt_text: rec.prompt_text,
    response_text: rec.response_text,
    source: rec.source,
  };
}

test('every field round-trips through record -> getLogs / getLog / onRecord', async () => {
  const { dir, cleanup } = tempDir();
  const store = open(dir);
  try {
    assert.equal(store.engine, 'better-sqlite3');
    assert.equal(store.status.keeping, true);
    assert.equal(store.status.schemaVersion, SCHEMA_VERSION);
    const seen: VASLog[] = [];
    const off = store.onRecord((l) => seen.push(l));
    const a = fullRecord();
    const b = fullRecord({
      compliance_status: 'compliant',
      compliance_violations: null,
      compliance: null,
      metacache: { hit: false, query: null, tokens_saved: 0, hit_type: null, tier: null },
      metrics: { prompt_tokens: 7, completion_tokens: 0, processing_time_ms: 1.5, success: false },
      error_status: 502,
      error_message: 'upstream said no',
      streamed: false,
      prompt_text: null,
      response_text: null,
      user_id: null,
      conversation_id: null,
      conversation_stage: null,
      routing_strategy: null,
      routing_reason: null,
      source: null,
      content_type: 'embedding',
    });
    store.record(a);
    store.record(b);
    await store.flushed();
    const page = await store.getLogs({ limit: 10 });
    assert.deepEqual(page.logs, [expected(b), expected(a)]);
    assert.equal(page.next_cursor, null);
    assert.deepEqual(await store.getLog(a.request_id), expected(a));
    assert.equal(await store.getLog('no-such-id'), null);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, [expected(a), expected(b)]);
    off();
    store.record(fullRecord());
    await store.flushed();
    await new Promise((r) => setImmediate(r));
    assert.equal(seen.length, 2, 'unsubscribed listener is not called');
    assert.equal(await store.count(), 3);
  } finally {
    await store.close();
    cleanup();
  }
});

test('a record is committed (visible to another connection) once flushed() resolves', async () => {
  const { dir, cleanup } = tempDir();
  const store = open(dir);
  const other = openDatabase(join(dir, 'audit.db'));
  try {
    const rec = fullRecord();
    store.record(rec);
    await store.flushed();
    const row = other.prepare('SELECT request_id FROM audit_log WHERE request_id = ?').get<{ request_id: string }>(rec.request_id);
    assert.equal(row?.request_id, rec.request_id);
  } finally {
    other.close();
    await store.close();
    cleanup();
  }
});

test('filters: provider, model, days, start/end, user, conversation, status, cached, text', async () => {
  const { dir, cleanup } = tempDir();
  const clock = testClock();
  const store = open(dir, clock);
  try {
    const now = clock.wallNow();
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
    const recs = [
      fullRecord({ provider: 'openai', model: 'gpt-4o', timestamp: at(1), user_id: 'u1', conversation_id: 'c1', prompt_text: 'find 100% of_this' }),
      fullRecord({ provider: 'anthropic', model: 'claude-sonnet-4-6', timestamp: at(2), user_id: 'u2', conversation_id: 'c2', compliance_status: 'compliant', metacache: { hit: false, query: null, tokens_saved: 0 } }),
      fullRecord({ provider: 'anthropic', model: 'claude-haiku-4-5', timestamp: at(10), user_id: 'u1', error_status: 429, error_message: 'rate limited', metrics: { prompt_tokens: 1, completion_tokens: 0, processing_time_ms: 1, success: false }, compliance_status: null, metacache: { hit: false, query: null, tokens_saved: 0 } }),
      fullRecord({ provider: 'google', model: 'gemini-2.5-flash', timestamp: at(40), user_id: 'u3', response_text: 'the answer is FortyTwo', compliance_status: 'compliant' }),
    ];
    for (const r of recs) store.record(r);
    const ids = async (q: Parameters<AuditStore['getLogs']>[0]) => (await store.getLogs(q)).logs.map((l) => l.request_id);
    const id = (i: number) => recs[i].request_id;
    assert.deepEqual(await ids({}), [id(0), id(1), id(2), id(3)]);
    assert.deepEqual(await ids({ provider: 'anthropic' }), [id(1), id(2)]);
    assert.deepEqual(await ids({ model: 'gemini-2.5-flash' }), [id(3)]);
    assert.deepEqual(await ids({ days: 7 }), [id(0), id(1)]);
    assert.deepEqual(await ids({ days: 30 }), [id(0), id(1), id(2)]);
    assert.deepEqual(await ids({ start: at(11).slice(0, 10), end: at(2) }), [id(2)]);
    assert.deepEqual(await ids({ userId: 'u1' }), [id(0), id(2)]);
    assert.deepEqual(await ids({ conversationId: 'c2' }), [id(1)]);
    assert.deepEqual(await ids({ status: 'error' }), [id(2)]);
    assert.deepEqual(await ids({ status: 'ok' }), [id(0), id(1), id(3)]);
    assert.deepEqual(await ids({ status: 'violated' }), [id(0)]);
    assert.deepEqual(await ids({ status: 'cached' }), [id(0), id(3)]);
    assert.deepEqual(await ids({ compliance: 'violated' }), [id(0)]);
    assert.deepEqual(await ids({ compliance: 'compliant' }), [id(1), id(2), id(3)], 'records the compliance layer never saw count as compliant');
    assert.deepEqual(await ids({ compliance: 'compliant', status: 'error' }), [id(2)]);
    assert.deepEqual(await ids({ cached: false }), [id(1), id(2)]);
    assert.deepEqual(await ids({ text: 'fortytwo' }), [id(3)]);
    assert.deepEqual(await ids({ text: '100%' }), [id(0)], '% is literal, not a wildcard');
    assert.deepEqual(await ids({ text: 'fin_' }), [], '_ is literal, not a wildcard');
    assert.deepEqual(await ids({ text: 'of_this' }), [id(0)]);
    assert.deepEqual(await ids({ text: id(2) }), [id(2)]);
    assert.deepEqual(await ids({ text: 'u3' }), [id(3)]);
    assert.deepEqual(await ids({ text: 'haiku' }), [id(2)]);
    assert.deepEqual(await ids({ provider: 'anthropic', days: 7, userId: 'u2' }), [id(1)]);
    await assert.rejects(store.getLogs({ compliance: 'bogus' as never }), (e: unknown) => e instanceof GatewayError && e.code === 'invalid_request');
    await assert.rejects(store.getLogs({ status: 'bogus' as never }), (e: unknown) => e instanceof GatewayError && e.code === 'invalid_request');
    await assert.rejects(store.getLogs({ cursor: 'garbage' }), (e: unknown) => e instanceof GatewayError && e.code === 'invalid_request');
    await assert.rejects(store.getLogs({ start: 'yesterday' }), /YYYY-MM-DD/);
  } finally {
    await store.close();
    cleanup();
  }
});

test('cursor paging is stable while new rows arrive; offset paging matches the reference', async () => {
  const { dir, cleanup } = tempDir();
  const clock = testClock();
  const store = open(dir, clock);
  try {
    const base = clock.wallNow() - DAY;
    const original: string[] = [];
    // Several rows share a timestamp so the (ts, id) tiebreak is exercised.
    for (let i = 0; i < 250; i++) {
      const r = fullRecord({ timestamp: new Date(base + Math.floor(i / 3) * 1000).toISOString() });
      original.push(r.request_id);
      store.record(r);
    }
    const got: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await store.getLogs({ limit: 40, cursor });
      got.push(...page.logs.map((l) => l.request_id));
      pages++;
      // Concurrent writers: newer rows (and one with the same timestamp as the page boundary) arrive.
      for (let k = 0; k < 15; k++) store.record(fullRecord({ timestamp: new Date(clock.wallNow() + k).toISOString() }));
      if (page.logs.length) store.record(fullRecord({ timestamp: page.logs[page.logs.length - 1].timestamp }));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    const originalSet = new Set(original);
    const fromOriginal = got.filter((g) => originalSet.has(g));
    assert.deepEqual(fromOriginal, [...original].reverse(), 'every original row once, newest first');
    assert.equal(new Set(got).size, got.length, 'no row twice');
    assert.ok(pages >= 7);

    // Offset paging (reference semantics) over a quiet table walks the same order.
    const all = (await store.getLogs({ limit: 1000 })).logs.map((l) => l.request_id);
    const byOffset: string[] = [];
    for (let offset = 0; ; offset += 100) {
      const p = await store.getLogs({ limit: 100, offset });
      if (!p.logs.length) break;
      byOffset.push(...p.logs.map((l) => l.request_id));
    }
    assert.deepEqual(byOffset, all);
  } finally {
    await store.close();
    cleanup();
  }
});

test('a v1 database is migrated in place without losing rows or fields', async () => {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'audit.db');
  const v1 = openDatabase(path);
  const t0 = Date.parse('2026-02-20T08:00:00.000Z');
  v1.exec(V1_SQL);
  v1.exec('PRAGMA user_version = 1');
  const ins = v1.prepare(
    'INSERT INTO audit_log (request_id, ts, provider, model, tokens_used, cost, latency_ms, user_id, conversation_id, cached, error_status, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)',
  );
  for (let i = 0; i < 300; i++) {
    const detail =
      i % 2 === 0
        ? JSON.stringify({
            model_provider: 'openai',
            processing_time_ms: 7.5,
            content_type: 'chat',
            routing_strategy: 'direct',
            routing_reason: 'provider:openai',
            compliance_status: i % 4 === 0 ? 'violated' : 'compliant',
            compliance_violations: i % 4 === 0 ? '[{"type":"SSN"}]' : null,
            compliance: { action: 'redact', riskScore: 0.5 },
            metacache: { hit: false, query: 'q' + i, tokens_saved: 3 },
            metrics: { prompt_tokens: 10, completion_tokens: 20, processing_time_ms: 6, success: true },
            error_message: null,
            streamed: true,
            prompt_text: `prompt ${i}`,
            response_text: `response ${i}`,
            source: 'cli',
          })
        : null;
    ins.run(`v1-${i}`, t0 + i * 1000, 'openai', 'gpt-4o', 30, 0.01, 200 + i, i % 3 ? 'u' : null, null, 0, i % 10 === 9 ? 500 : null, detail);
  }
  v1.close();

  const clock = testClock(Date.parse('2026-03-01T00:00:00.000Z'));
  const store = open(dir, clock);
  try {
    assert.equal(store.status.schemaVersion, SCHEMA_VERSION);
    assert.deepEqual(store.status.migrated, [2, 3, 4, 5, 6]);
    assert.equal(await store.count(), 300);
    const rich = await store.getLog('v1-0');
    assert.ok(rich);
    assert.equal(rich.timestamp, new Date(t0).toISOString());
    assert.equal(rich.model_provider, 'openai');
    assert.equal(rich.routing_reason, 'provider:openai');
    assert.equal(rich.compliance_status, 'violated');
    assert.equal(rich.compliance_violations, '[{"type":"SSN"}]');
    assert.deepEqual(rich.compliance, { action: 'redact', riskScore: 0.5 });
    assert.deepEqual(rich.metacache, { hit: false, query: 'q0', tokens_saved: 3, hit_type: null, tier: null });
    assert.deepEqual(rich.metrics, { prompt_tokens: 10, completion_tokens: 20, processing_time_ms: 6, success: true });
    assert.equal(rich.prompt_text, 'prompt 0');
    assert.equal(rich.response_text, 'response 0');
    assert.equal(rich.streamed, true);
    assert.equal(rich.source, 'cli');
    const bare = await store.getLog('v1-9');
    assert.ok(bare);
    assert.equal(bare.error?.status, 500);
    assert.equal(bare.metrics.success, false, 'success derived from error_status when v1 had no detail');
    assert.equal(bare.model_provider, 'openai', 'model_provider defaults to the provider');
    assert.equal(bare.latency_ms, 209);
    // The v5 text index was backfilled: migrated prompt text and request ids are searchable.
    assert.deepEqual((await store.getLogs({ text: 'prompt 12' })).logs.map((l) => l.request_id), ['v1-128', 'v1-126', 'v1-124', 'v1-122', 'v1-120', 'v1-12']);
    assert.deepEqual((await store.getLogs({ text: 'v1-29' })).logs.map((l) => l.request_id), ['v1-299', 'v1-298', 'v1-297', 'v1-296', 'v1-295', 'v1-294', 'v1-293', 'v1-292', 'v1-291', 'v1-290', 'v1-29']);
    // New rows go in next to the migrated ones and the new indexes exist.
    store.record(fullRecord());
    await store.flushed();
    assert.equal(await store.count(), 301);
    const db = openDatabase(join(dir, 'audit.db'), { readonly: true });
    const idx = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_log'").all<{ name: string }>().map((r) => r.name);
    for (const name of ['audit_log_ts', 'audit_log_provider_ts', 'audit_log_model_ts', 'audit_log_user_ts', 'audit_log_conversation_ts', 'audit_log_request_id']) {
      assert.ok(idx.includes(name), `index ${name}`);
    }
    const history = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all<{ version: number }>().map((r) => r.version);
    assert.deepEqual(history, [2, 3, 4, 5, 6]);
    // The v4 rollup was backfilled from the migrated rows: analytics from it equal analytics from the rows.
    const range = { start: '2026-02-01', end: '2026-03-31' };
    const a = analytics(db, range, clock.wallNow());
    assert.equal(a.totals.requests, 301);
    assert.equal(a.totals.errors, 30);
    assert.equal(a.totals.violations, 76, '75 migrated + the new row');
    assert.deepEqual(a, analyticsFromRows(db, range, clock.wallNow()));
    db.close();
  } finally {
    await store.close();
    cleanup();
  }
});

test('a database from a newer build is refused clearly and the store reports logs are not kept', async () => {
  const { dir, cleanup } = tempDir();
  const db = openDatabase(join(dir, 'audit.db'));
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`);
  db.close();
  const logger = testLogger();
  const store = openAuditStore({ path: join(dir, 'audit.db'), clock: testClock(), logger, retentionDays: 90, retentionIntervalMs: 0 });
  try {
    assert.equal(store.engine, 'none');
    assert.equal(store.status.keeping, false);
    assert.match(store.status.description, /NOT being kept.*newer Smartflow/);
    assert.ok(logger.lines.some((l) => l.level === 'error' && /NOT being kept/.test(l.msg)));
    store.record(fullRecord());
    assert.equal(store.status.dropped, 1);
    await assert.rejects(store.getLogs(), (e: unknown) => e instanceof GatewayError && e.code === 'storage_unavailable');
  } finally {
    await store.close();
    cleanup();
  }
});

test('no column, and no byte of the database files, ever holds the API keys used in the run', async () => {
  const { dir, cleanup } = tempDir();
  const store = open(dir, testClock(), { backgroundCheckpoint: false });
  const keys = [
    'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
    'sk-ant-api03-ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210',
    'AKIAIOSFODNN7EXAMPLE',
    'ghp_0123456789abcdefghijABCDEFGHIJ0123456789',
    'AIzaSyA-1234567890abcdefghijklmnopqrstu',
  ];
  try {
    for (const k of keys) {
      store.record(
        fullRecord({
          request_id: `leak-${k.slice(0, 4)}`,
          user_id: `user ${k}`,
          routing_reason: `Authorization: Bearer ${k}`,
          error_message: `401 from upstream: invalid key ${k}`,
          compliance: { note: `found ${k}` },
          compliance_violations: JSON.stringify([{ masked: k }]),
          metacache: { hit: true, query: `cached ${k}`, tokens_saved: 1 },
          prompt_text: `my key is ${k} please use it`,
          response_text: `headers: {"x-api-key": "${k}"} and Bearer ${k}`,
          source: k,
          conversation_stage: k,
          model: `gpt-4o ${k}`,
        }),
      );
    }
    await store.flushed();
    const logs = (await store.getLogs({ limit: 100 })).logs;
    assert.equal(logs.length, keys.length);
    const text = JSON.stringify(logs);
    for (const k of keys) assert.ok(!text.includes(k), `key ${k.slice(0, 6)}… leaked into a VASLog`);
    assert.ok(text.includes('[REDACTED_KEY]'));
    assert.ok(text.includes('my key is [REDACTED_KEY] please use it'), 'the text around a key is kept');
  } finally {
    await store.close();
  }
  try {
    // Every column of every table, then the raw bytes of the database and any WAL.
    const db = openDatabase(join(dir, 'audit.db'), { readonly: true });
    for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{ name: string }>()) {
      for (const row of db.prepare(`SELECT * FROM "${t.name}"`).all()) {
        const s = JSON.stringify(row);
        for (const k of keys) assert.ok(!s.includes(k), `${t.name} holds ${k.slice(0, 6)}…`);
      }
    }
    db.close();
    for (const f of ['audit.db', 'audit.db-wal']) {
      const p = join(dir, f);
      if (!existsSync(p)) continue;
      const bytes = readFileSync(p).toString('latin1');
      for (const k of keys) assert.ok(!bytes.includes(k), `${f} bytes hold ${k.slice(0, 6)}…`);
    }
  } finally {
    cleanup();
  }
});

test('retention deletes only rows older than N days, in batches, with their texts', async () => {
  const { dir, cleanup } = tempDir();
  const clock = testClock();
  const logger = testLogger();
  const store = openAuditStore({ path: join(dir, 'audit.db'), clock, logger, retentionDays: 30, retentionIntervalMs: 0 });
  try {
    const now = clock.wallNow();
    const keep: string[] = [];
    for (let i = 0; i < 1700; i++) store.record(fullRecord({ timestamp: new Date(now - 31 * DAY - i * 60_000).toISOString() }));
    for (let i = 0; i < 300; i++) {
      const r = fullRecord({ timestamp: new Date(now - 29 * DAY - i * 60_000).toISOString() });
      keep.push(r.request_id);
      store.record(r);
    }
    await store.flushed();
    assert.equal(await store.count(), 2000);
    const deleted = await store.runRetention();
    assert.equal(deleted, 1700);
    assert.equal(await store.count(), 300);
    const left = (await store.getLogs({ limit: 1000 })).logs.map((l) => l.request_id).sort();
    assert.deepEqual(left, [...keep].sort());
    assert.equal(await store.runRetention(), 0);
    const db = openDatabase(join(dir, 'audit.db'), { readonly: true });
    const orphan = db.prepare('SELECT count(*) AS n FROM audit_text WHERE id NOT IN (SELECT id FROM audit_log)').get<{ n: number }>();
    assert.equal(orphan?.n, 0);
    db.close();
    // Time passes: the kept rows age out too.
    clock.set(now + 2 * DAY);
    assert.equal(await store.runRetention(), 300);
    assert.ok(logger.lines.some((l) => /retention deleted/.test(l.msg)));
  } finally {
    await store.close();
    cleanup();
  }
});

test('retention on a timer runs by itself and keeps requests flowing', async () => {
  const { dir, cleanup } = tempDir();
  const clock = testClock();
  const store = openAuditStore({ path: join(dir, 'audit.db'), clock, logger: testLogger(), retentionDays: 1, retentionIntervalMs: 20 });
  try {
    for (let i = 0; i < 1200; i++) store.record(fullRecord({ timestamp: new Date(clock.wallNow() - 2 * DAY).toISOString() }));
    store.record(fullRecord({ timestamp: new Date(clock.wallNow()).toISOString() }));
    await store.flushed();
    const deadline = Date.now() + 5000;
    while ((await store.count()) > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await store.count(), 1);
  } finally {
    await store.close();
    cleanup();
  }
});

test('analytics: totals and per day / provider / model match the rows, on both percentile paths', async () => {
  const { dir, cleanup } = tempDir();
  const clock = testClock(Date.parse('2026-03-10T12:00:00.000Z'));
  const store = open(dir, clock);
  try {
    const recs: AuditRecord[] = [];
    const providers = ['openai', 'anthropic', 'google'];
    for (let i = 0; i < 600; i++) {
      const provider = providers[i % 3];
      const r = fullRecord({
        timestamp: new Date(Date.parse('2026-03-01T00:00:00.000Z') + (i % 9) * DAY + i * 1000).toISOString(),
        provider,
        model: `${provider}-m${i % 2}`,
        tokens_used: 10 + (i % 17),
        cost: (i % 5) / 1000,
        latency_ms: 50 + ((i * 37) % 400),
        metacache: { hit: i % 4 === 0, query: null, tokens_saved: i % 4 === 0 ? 10 + (i % 17) : 0 },
        metrics: { prompt_tokens: 5, completion_tokens: 5 + (i % 17), processing_time_ms: 1, success: i % 10 !== 3 },
        compliance_status: i % 6 === 0 ? 'violated' : 'compliant',
      });
      recs.push(r);
      store.record(r);
    }
    // One row outside the range must not count.
    store.record(fullRecord({ timestamp: '2026-02-01T00:00:00.000Z', provider: 'openai' }));
    const a = await store.getAnalytics({ start: '2026-03-01', end: '2026-03-09' });
    const sum = (rs: AuditRecord[]) => {
      const lat = rs.map((r) => r.latency_ms).sort((x, y) => x - y);
      return {
        requests: rs.length,
        tokens: rs.reduce((s, r) => s + r.tokens_used, 0),
        cache_hits: rs.filter((r) => r.metacache.hit).length,
        tokens_saved: rs.reduce((s, r) => s + r.metacache.tokens_saved, 0),
        errors: rs.filter((r) => !r.metrics.success).length,
        violations: rs.filter((r) => r.compliance_status === 'violated').length,
        cost: rs.reduce((s, r) => s + r.cost, 0),
        p50: nearestRank(lat, 50),
        p95: nearestRank(lat, 95),
      };
    };
    const check = (got: (typeof a)['totals'], rs: AuditRecord[], label: string) => {
      const e = sum(rs);
      assert.equal(got.requests, e.requests, label);
      assert.equal(got.tokens, e.tokens, label);
      assert.equal(got.cache_hits, e.cache_hits, label);
      assert.equal(got.tokens_saved, e.tokens_saved, label);
      assert.equal(got.errors, e.errors, label);
      assert.equal(got.violations, e.violations, label);
      assert.ok(Math.abs(got.cost - e.cost) < 1e-6, label);
      assert.ok(Math.abs(got.error_rate - e.errors / e.requests) < 1e-9, label);
      assert.ok(Math.abs(got.cache_hit_rate - e.cache_hits / e.requests) < 1e-9, label);
      const near = (g: number | null, x: number | null) => g !== null && x !== null && Math.abs(g - x) <= 0.0101 * x + 0.05;
      assert.ok(near(got.latency_p50_ms, e.p50), `${label} p50 ${got.latency_p50_ms} vs ${e.p50}`);
      assert.ok(near(got.latency_p95_ms, e.p95), `${label} p95 ${got.latency_p95_ms} vs ${e.p95}`);
    };
    check(a.totals, recs, 'totals');
    assert.equal(a.by_day.length, 9);
    for (const d of a.by_day) check(d, recs.filter((r) => r.timestamp.startsWith(d.date)), `day ${d.date}`);
    assert.deepEqual(a.by_provider.map((p) => p.provider).sort(), [...providers].sort());
    for (const p of a.by_provider) check(p, recs.filter((r) => r.provider === p.provider), `provider ${p.provider}`);
    assert.equal(a.by_model.length, 6);
    for (const m of a.by_model) check(m, recs.filter((r) => r.model === m.model), `model ${m.model}`);
    // The rollup (kept in step with every insert) gives exactly what the rows give, for whole days and
    // for ranges that start and end mid-day (rollup in the middle, rows at the edges).
    await store.flushed();
    const db = openDatabase(join(dir, 'audit.db'), { readonly: true });
    for (const range of [
      { start: '2026-03-01', end: '2026-03-09' },
      { start: '2026-03-02T00:04:00Z', end: '2026-03-07T00:06:00Z' },
      { start: '2026-03-04T00:03:00Z', end: '2026-03-04T00:08:00Z' },
      { start: '2026-01-01', end: '2026-12-31' },
    ]) {
      const fromRollup = analytics(db, range, clock.wallNow());
      assert.deepEqual(fromRollup, analyticsFromRows(db, range, clock.wallNow()), JSON.stringify(range));
      const rs = recs.filter((r) => Date.parse(r.timestamp) >= Date.parse(range.start) && (range.end.length === 10 ? r.timestamp.slice(0, 10) <= range.end : Date.parse(r.timestamp) < Date.parse(range.end)));
      if (range.start !== '2026-01-01') check(fromRollup.totals, rs, `range ${range.start}..${range.end}`);
    }
    assert.equal(analytics(db, { start: '2026-01-01', end: '2026-12-31' }, clock.wallNow()).totals.requests, 601);
    db.close();
    // Default range: the 30 days up to the end of today (the 2026-02-01 row is older).
    const def = await store.getAnalytics();
    assert.equal(def.totals.requests, 600);
    assert.equal(def.end, '2026-03-11T00:00:00.000Z');
  } finally {
    await store.close();
    cleanup();
  }
});

/** Minimal RFC 4180 parser for the test (quoted fields, doubled quotes, CRLF inside quotes). */
function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '"' && s[i + 1] === '"') {
        f += '"';
        i++;
      } else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(f);
      f = '';
    } else if (c === '\r' && s[i + 1] === '\n') {
      row.push(f);
      rows.push(row);
      row = [];
      f = '';
      i++;
    } else f += c;
  }
  if (f || row.length) throw new Error('CSV did not end with CRLF');
  return rows;
}

test('export: CSV (RFC 4180) and JSON Lines, filtered, streamed page by page', async () => {
  const { dir, cleanup } = tempDir();
  const store = open(dir);
  try {
    const n = 2300;
    for (let i = 0; i < n; i++) {
      store.record(
        fullRecord({
          provider: i % 2 ? 'openai' : 'anthropic',
          prompt_text: i % 7 === 0 ? `comma, "quote" and\r\nnewline ${i}` : `plain ${i}`,
        }),
      );
    }
    await store.flushed();
    const chunks: string[] = [];
    for await (const c of store.exportLogs({ provider: 'openai' }, 'csv')) chunks.push(c);
    assert.ok(chunks.length >= Math.ceil(n / 2 / 500), `streamed in pages (${chunks.length} chunks)`);
    const rows = parseCsv(chunks.join(''));
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    assert.equal(rows.length - 1, n / 2);
    const logs: VASLog[] = [];
    for (let c: string | null = null; ; ) {
      const p = await store.getLogs({ provider: 'openai', limit: 1000, cursor: c ?? undefined });
      logs.push(...p.logs);
      if (!p.next_cursor) break;
      c = p.next_cursor;
    }
    const col = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
    rows.slice(1).forEach((r, i) => {
      assert.equal(r.length, CSV_COLUMNS.length);
      assert.equal(r[col('request_id')], logs[i].request_id);
      assert.equal(r[col('prompt_text')], logs[i].prompt_text);
      assert.equal(r[col('response_text')], logs[i].response_text);
      assert.equal(r[col('cost')], String(logs[i].cost));
      assert.deepEqual(JSON.parse(r[col('compliance')]), logs[i].compliance);
    });
    let jsonl = '';
    let jchunks = 0;
    for await (const c of store.exportLogs({ provider: 'openai', text: 'newline' }, 'jsonl')) {
      jsonl += c;
      jchunks++;
    }
    const parsed = jsonl.trimEnd().split('\n').map((l) => JSON.parse(l) as VASLog);
    assert.ok(jchunks >= 1);
    assert.deepEqual(parsed, logs.filter((l) => l.prompt_text?.includes('newline')));
  } finally {
    await store.close();
    cleanup();
  }
});

test('a large export never holds much more than a page: chunks are bounded while rows keep coming', async () => {
  const { dir, cleanup } = tempDir();
  const store = open(dir);
  try {
    const n = 20_000;
    for (let i = 0; i < n; i++) store.record(fullRecord({ prompt_text: 'x'.repeat(200) }));
    await store.flushed();
    let rows = 0;
    let maxChunk = 0;
    let chunks = 0;
    for await (const c of store.exportLogs({}, 'jsonl')) {
      chunks++;
      maxChunk = Math.max(maxChunk, c.length);
      rows += c.split('\n').length - 1;
      // A writer keeps inserting (newer rows) while the export runs; it must not change the export.
      store.record(fullRecord());
    }
    assert.equal(rows, n);
    assert.equal(chunks, n / 500);
    assert.ok(maxChunk < 500 * 2000, `a chunk is one page (${maxChunk} chars)`);
  } finally {
    await store.close();
    cleanup();
  }
});

test('record() never throws: a malformed record is dropped and counted, the rest of the batch is kept', async () => {
  const { dir, cleanup } = tempDir();
  const logger = testLogger();
  const store = openAuditStore({ path: join(dir, 'audit.db'), clock: testClock(), logger, retentionDays: 90, retentionIntervalMs: 0 });
  try {
    const good = fullRecord();
    // request_id is NOT NULL; an object where a string belongs cannot be bound.
    store.record({ ...fullRecord(), model: { bad: true } as unknown as string });
    store.record(good);
    await store.flushed();
    assert.equal(await store.count(), 1);
    assert.equal(store.status.dropped, 1);
    assert.ok(logger.lines.some((l) => l.level === 'error' && /write failed/.test(l.msg)));
    assert.ok(await store.getLog(good.request_id));
    await store.close();
    store.record(fullRecord());
    assert.equal(store.status.dropped, 2, 'records after close are counted as dropped');
  } finally {
    cleanup();
  }
});

test('a damaged database file is moved aside and logging continues in a new one', async () => {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'audit.db');
  writeFileSync(path, 'this is not a SQLite database, just some bytes '.repeat(200));
  const logger = testLogger();
  const store = openAuditStore({ path, clock: testClock(), logger, retentionDays: 90, retentionIntervalMs: 0 });
  try {
    assert.equal(store.engine, 'better-sqlite3');
    assert.equal(store.status.keeping, true);
    const aside = readdirSync(dir).filter((f) => f.startsWith('audit.db.corrupt-'));
    assert.equal(aside.length, 1);
    assert.match(readFileSync(join(dir, aside[0]), 'utf8'), /not a SQLite database/);
    assert.ok(logger.lines.some((l) => l.level === 'error' && /damaged/.test(l.msg)));
    const r = fullRecord();
    store.record(r);
    await store.flushed();
    assert.ok(await store.getLog(r.request_id));
  } finally {
    await store.close();
    cleanup();
  }
});

test('text search: the FTS index finds candidates, LIKE keeps substring semantics; paging and retention keep it in step', async () => {
  const { dir, cleanup } = tempDir();
  const clock = testClock();
  const store = open(dir, clock, { retentionDays: 10 });
  try {
    const now = clock.wallNow();
    const mk = (prompt: string, daysAgo = 0, over: Partial<AuditRecord> = {}) =>
      fullRecord({ prompt_text: prompt, response_text: 'ok', timestamp: new Date(now - daysAgo * DAY).toISOString(), ...over });
    const a = mk('Please summarise the customer invoice for March');
    const b = mk('invoice customer list, unrelated order');
    const c = mk('Déjà vu: naïve café invoices');
    const d = mk('nothing to see', 0, { user_id: 'dana@example.org' });
    const old = mk('customer invoice from long ago', 30);
    for (const r of [a, b, c, d, old]) store.record(r);
    const ids = async (text: string) => (await store.getLogs({ text })).logs.map((l) => l.request_id);
    assert.deepEqual(await ids('customer invoice'), [old.request_id, a.request_id], 'phrase, not just both words');
    assert.deepEqual(await ids('INVOICE'), [old.request_id, c.request_id, b.request_id, a.request_id], 'case-insensitive, word prefix');
    assert.deepEqual(await ids('naïve café'), [c.request_id]);
    assert.deepEqual(await ids('dana@example'), [d.request_id], 'user id');
    assert.deepEqual(await ids('zzz-absent'), []);
    assert.deepEqual(await ids('%'), [], 'no words: the LIKE scan answers');
    // Text + other filters, and cursor paging through text results while rows arrive.
    for (let i = 0; i < 120; i++) store.record(mk(`bulk row ${i} with invoice`, 0, { provider: i % 2 ? 'openai' : 'anthropic' }));
    const seen: string[] = [];
    const newer = new Set<string>();
    let cursor: string | undefined;
    do {
      const p = await store.getLogs({ text: 'invoice', provider: 'openai', limit: 25, cursor });
      seen.push(...p.logs.map((l) => l.request_id));
      const n = mk('a newer invoice arrives', 0, { provider: 'openai' });
      newer.add(n.request_id);
      store.record(n);
      cursor = p.next_cursor ?? undefined;
    } while (cursor);
    assert.equal(seen.length, 60 + 4, 'the 60 openai bulk rows and a, b, c, old (openai too); rows arriving meanwhile are not mixed in');
    assert.equal(new Set(seen).size, seen.length);
    assert.ok(seen.every((s) => !newer.has(s)));
    assert.deepEqual(seen.slice(-4).sort(), [a.request_id, b.request_id, c.request_id, old.request_id].sort());
    // Retention removes rows from the index too.
    assert.equal(await store.runRetention(), 1);
    assert.ok(!(await ids('long ago')).length);
    await store.flushed();
    const db = openDatabase(join(dir, 'audit.db'), { readonly: true });
    const stale = db.prepare("SELECT count(*) AS n FROM audit_fts WHERE audit_fts MATCH '\"long\"' ").get<{ n: number }>();
    assert.equal(stale?.n, 0, 'no index entry left for the deleted row');
    db.close();
  } finally {
    await store.close();
    cleanup();
  }
});
