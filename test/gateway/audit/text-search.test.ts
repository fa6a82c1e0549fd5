// Text search has two paths — a newest-first scan checked by an in-memory FTS5 table, and the FTS index —
// and must give the same rows in the same order whichever answers, page by page through cursors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openAuditStore, type AuditStore, type LogQuery } from '../../../src/gateway/audit/index.js';
import { MIGRATIONS } from '../../../src/gateway/audit/schema.js';
import { openDatabase } from '../../../src/gateway/storage/sqlite.js';
import type { AuditRecord } from '../../../src/gateway/types.js';
import { fullRecord, tempDir, testClock, testLogger } from './helpers.js';

const DAY = 86_400_000;

function open(dir: string, textScanWindow: number): AuditStore {
  return openAuditStore({ path: join(dir, 'audit.db'), clock: testClock(), logger: testLogger(), retentionDays: 0, textScanWindow, backgroundCheckpoint: false });
}

/** Every page of `q` through next_cursor, as request ids; `between` runs after each page. */
async function pageAll(store: AuditStore, q: LogQuery, between?: () => void): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const p = await store.getLogs({ ...q, cursor });
    pages.push(p.logs.map((l) => l.request_id));
    between?.();
    cursor = p.next_cursor ?? undefined;
    assert.ok(pages.length < 500, 'paging terminates');
  } while (cursor);
  return pages;
}

const TEXTS = [
  'Please summarise the customer invoice for March',
  'invoices overdue: customer list',
  'the INVOICED amount',
  'in voice chat, nothing else',
  'xinvoice is one word here (substring only mid-word)',
  'Déjà vu: naïve café invoice',
  'inventory report',
  'customer invitation',
  'nothing to see',
  'invoice-2026-03 attached',
];

test('text search: the scan path and the index give the same rows and order, across cursor pages', async () => {
  const { dir, cleanup } = tempDir();
  const base = Date.parse('2026-03-01T12:00:00.000Z');
  const recs: AuditRecord[] = [];
  for (let i = 0; i < 90; i++) {
    recs.push(
      fullRecord({
        // Timestamps not in insertion order, so id order (the text order) and ts order differ.
        timestamp: new Date(base - ((i * 37) % 90) * 60_000 - (i % 3) * DAY).toISOString(),
        provider: i % 3 === 0 ? 'anthropic' : 'openai',
        prompt_text: TEXTS[i % TEXTS.length],
        response_text: i % 4 === 0 ? 'Invoice sent' : 'ok',
        user_id: i % 5 === 0 ? 'inv-user@example.com' : 'alice@example.com',
      }),
    );
  }
  const queries: LogQuery[] = [
    { text: 'invoice', limit: 4 },
    { text: 'INVOICE', limit: 7 },
    { text: 'inv', limit: 5 },
    { text: 'voice', limit: 3 },
    { text: 'customer inv', limit: 2 },
    { text: 'café inv', limit: 3 },
    { text: 'invoice', provider: 'anthropic', limit: 4 },
    { text: 'invoice', limit: 1000 },
    { text: 'zzz', limit: 4 },
    { text: 'invoice ', limit: 4 },
  ];
  try {
    let store = open(dir, 0);
    for (const r of recs) store.record(r);
    await store.flushed();
    const byIndex: string[][][] = [];
    for (const q of queries) byIndex.push(await pageAll(store, q));
    await store.close();

    // Sanity of the reference itself (hand-checked against TEXTS).
    const flat = (pages: string[][]) => pages.flat();
    const all = flat(byIndex[7]);
    const withText = (pred: (r: AuditRecord) => boolean) => recs.filter(pred).map((r) => r.request_id);
    assert.deepEqual(
      [...all].sort(),
      withText((r) => /(^|[^a-z])invoice/i.test(`${r.prompt_text} ${r.response_text}`)).sort(),
      'a word (or word start) anywhere in prompt or response',
    );
    assert.ok(all.length > 20 && !all.includes(recs[14].request_id), '"xinvoice" (i = 14, response "ok") is not a word-start match');
    assert.deepEqual(
      [...flat(byIndex[3])].sort(),
      withText((r) => r.prompt_text === TEXTS[3]).sort(),
      '"voice" only as a word ("in voice"), not inside "invoice"',
    );
    assert.deepEqual(flat(byIndex[8]), []);

    // Small windows force pages that start on the scan and end on the index, and cursors that cross.
    for (const window of [1, 3, 7, 40, 5000]) {
      store = open(dir, window);
      for (let qi = 0; qi < queries.length; qi++) {
        const pages = await pageAll(store, queries[qi]);
        assert.deepEqual(pages, byIndex[qi], `window ${window}, query ${JSON.stringify(queries[qi])}`);
      }
      await store.close();
    }

    // Rows arriving while paging are not mixed into later pages on either path.
    store = open(dir, 3);
    const newer = new Set<string>();
    const pages = await pageAll(store, { text: 'invoice', limit: 4 }, () => {
      const n = fullRecord({ prompt_text: 'a newer invoice arrives', timestamp: new Date(base).toISOString() });
      newer.add(n.request_id);
      store.record(n);
    });
    assert.deepEqual(pages, byIndex[0]);
    assert.ok(pages.flat().every((id) => !newer.has(id)));
    // …and a fresh first page does show them, newest first.
    const fresh = await store.getLogs({ text: 'invoice', limit: 2 });
    assert.ok(fresh.logs.every((l) => newer.has(l.request_id)));
    await store.close();
  } finally {
    cleanup();
  }
});

test('migration v6 rebuilds a v5 text index (with positions) in place; search finds the same rows', async () => {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'audit.db');
  try {
    // A v5 database as v5 wrote it: the migrations up to 5, rows with texts, the index with positions.
    const v5 = openDatabase(path);
    v5.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of MIGRATIONS.filter((x) => x.version <= 5)) {
      if (m.sql) v5.exec(m.sql);
      m.run?.(v5);
      v5.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    }
    v5.exec('PRAGMA user_version = 5');
    const v5Sql = v5.prepare("SELECT sql FROM sqlite_master WHERE name = 'audit_fts'").get<{ sql: string }>()?.sql ?? '';
    assert.ok(v5Sql && !/detail/.test(v5Sql), 'the v5 index keeps positions');
    const ins = v5.prepare("INSERT INTO audit_log (request_id, ts, provider, model, user_id) VALUES (?, ?, 'openai', 'gpt-4o', ?)");
    const txt = v5.prepare('INSERT INTO audit_text (id, prompt_text, response_text) VALUES (?, ?, ?)');
    const fts = v5.prepare('INSERT INTO audit_fts (rowid, body) VALUES (?, ?)');
    for (let i = 0; i < 40; i++) {
      const id = Number(ins.run(`v5-${i}`, Date.parse('2026-02-27T00:00:00Z') + i, `user${i % 4}`).lastInsertRowid);
      const prompt = TEXTS[i % TEXTS.length];
      txt.run(id, prompt, 'ok');
      fts.run(id, `v5-${i} gpt-4o user${i % 4} ${prompt} ok`);
    }
    v5.close();

    const store = open(dir, 3);
    try {
      assert.deepEqual(store.status.migrated, [6]);
      const db = openDatabase(path, { readonly: true });
      const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'audit_fts'").get<{ sql: string }>()?.sql ?? '';
      assert.match(sql, /detail=none/);
      const n = db.prepare("SELECT count(*) AS n FROM audit_fts WHERE audit_fts MATCH '\"invoice\"*'").get<{ n: number }>()?.n;
      db.close();
      const expectIds = Array.from({ length: 40 }, (_, i) => i)
        .filter((i) => /(^|[^a-z])invoice/i.test(TEXTS[i % TEXTS.length]))
        .map((i) => `v5-${i}`)
        .reverse();
      assert.equal(n, expectIds.length, 'every migrated row is in the rebuilt index');
      assert.deepEqual((await pageAll(store, { text: 'invoice', limit: 3 })).flat(), expectIds);
      assert.deepEqual((await store.getLogs({ text: 'user3' })).logs.length, 10);
      // New rows are indexed by the rebuilt table too.
      store.record(fullRecord({ prompt_text: 'fresh invoice' }));
      assert.equal((await store.getLogs({ text: 'fresh invoice' })).logs.length, 1);
    } finally {
      await store.close();
    }
  } finally {
    cleanup();
  }
});

test('retention pauses FTS automatic merging only while it runs, and opening the store restores it', async () => {
  const { dir, cleanup } = tempDir();
  const clock = testClock();
  const path = join(dir, 'audit.db');
  const automerge = () => {
    const db = openDatabase(path, { readonly: true });
    try {
      return db.prepare("SELECT v FROM audit_fts_config WHERE k = 'automerge'").get<{ v: number }>()?.v;
    } finally {
      db.close();
    }
  };
  try {
    let store = openAuditStore({ path, clock, logger: testLogger(), retentionDays: 10, retentionIntervalMs: 0, backgroundCheckpoint: false });
    const now = clock.wallNow();
    for (let i = 0; i < 500; i++) store.record(fullRecord({ prompt_text: `old invoice ${i}`, timestamp: new Date(now - 20 * DAY - i).toISOString() }));
    for (let i = 0; i < 50; i++) store.record(fullRecord({ prompt_text: `new invoice ${i}`, timestamp: new Date(now - i).toISOString() }));
    await store.flushed();
    assert.equal(automerge(), 4);
    assert.equal(await store.runRetention(), 500);
    assert.equal(automerge(), 4, 'merging is back on after the pass');
    assert.equal((await store.getLogs({ text: 'invoice', limit: 1000 })).logs.length, 50);
    assert.equal((await store.getLogs({ text: 'old', limit: 1000 })).logs.length, 0);
    await store.close();
    // A process killed mid-pass leaves it off; the next open turns it back on.
    const db = openDatabase(path);
    db.exec("INSERT INTO audit_fts(audit_fts, rank) VALUES ('automerge', 0)");
    db.close();
    assert.equal(automerge(), 0);
    store = openAuditStore({ path, clock, logger: testLogger(), retentionDays: 10, retentionIntervalMs: 0, backgroundCheckpoint: false });
    assert.equal(automerge(), 4);
    await store.close();
  } finally {
    cleanup();
  }
});
