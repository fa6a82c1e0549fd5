// The audit routes served by the real HTTP server on the management surface over loopback: list with
// filters and cursor, one entry, analytics, streamed CSV / JSON Lines export, and the error bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createHttpServer, type HttpServerHandle } from '../../../src/gateway/server/http.js';
import { auditRoutes, openAuditStore, type AuditStore, type VASLog } from '../../../src/gateway/audit/index.js';
import type { Gateway } from '../../../src/gateway/types.js';
import { fullRecord, tempDir, testClock, testLogger } from './helpers.js';

const TOKEN = 'test-token-routes';

async function setup(): Promise<{ store: AuditStore; server: HttpServerHandle; get(path: string): Promise<Response>; done(): Promise<void> }> {
  const { dir, cleanup } = tempDir();
  const clock = testClock(Date.parse('2026-03-10T12:00:00.000Z'));
  const store = openAuditStore({ path: join(dir, 'audit.db'), clock, logger: testLogger(), retentionDays: 90, retentionIntervalMs: 0 });
  const server = await createHttpServer({
    // The management surface never reaches the gateway; the audit routes are what is under test.
    gateway: {} as Gateway,
    routes: auditRoutes(store),
    tokens: [TOKEN],
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 1 << 20,
    surface: 'management',
    clock,
    logger: testLogger(),
  });
  return {
    store,
    server,
    get: (path) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } }),
    async done() {
      await server.close();
      await store.close();
      cleanup();
    },
  };
}

test('GET /api/logs: filters, cursor paging and the VASLog shape over HTTP', async () => {
  const t = await setup();
  try {
    const recs = Array.from({ length: 30 }, (_, i) =>
      fullRecord({
        timestamp: new Date(Date.parse('2026-03-09T00:00:00.000Z') + i * 60_000).toISOString(),
        provider: i % 3 === 0 ? 'anthropic' : 'openai',
        user_id: i % 2 ? 'bob' : 'carol',
      }),
    );
    for (const r of recs) t.store.record(r);
    const res = await t.get('/api/logs?limit=4&provider=openai&user_id=bob');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { logs: VASLog[]; count: number; next_cursor: string | null };
    const want = recs.filter((r) => r.provider === 'openai' && r.user_id === 'bob').reverse();
    assert.equal(body.count, 4);
    assert.deepEqual(body.logs.map((l) => l.request_id), want.slice(0, 4).map((r) => r.request_id));
    assert.equal(body.logs[0].metacache.hit, true);
    assert.equal(typeof body.logs[0].compliance_violations, 'string');
    assert.ok(body.next_cursor);
    const all: string[] = body.logs.map((l) => l.request_id);
    for (let cursor: string | null = body.next_cursor; cursor; ) {
      const next = (await (await t.get(`/api/logs?limit=4&provider=openai&user_id=bob&cursor=${encodeURIComponent(cursor)}`)).json()) as typeof body;
      all.push(...next.logs.map((l) => l.request_id));
      cursor = next.next_cursor;
    }
    assert.deepEqual(all, want.map((r) => r.request_id));
    // Reference-style offset paging and `days`.
    const off = (await (await t.get('/api/logs?limit=5&offset=5&days=7')).json()) as typeof body;
    assert.deepEqual(off.logs.map((l) => l.request_id), [...recs].reverse().slice(5, 10).map((r) => r.request_id));
    const cached = (await (await t.get('/api/logs?status=cached&text=bob')).json()) as typeof body;
    assert.equal(cached.count, 15);
  } finally {
    await t.done();
  }
});

test('GET /api/logs/:requestId and the 400 / 404 error bodies', async () => {
  const t = await setup();
  try {
    const r = fullRecord();
    t.store.record(r);
    const one = await t.get(`/api/logs/${r.request_id}`);
    assert.equal(one.status, 200);
    assert.equal(((await one.json()) as VASLog).request_id, r.request_id);
    const missing = await t.get('/api/logs/not-a-request');
    assert.equal(missing.status, 404);
    const mbody = (await missing.json()) as { error: { code: string; message: string } };
    assert.equal(mbody.error.code, 'not_found');
    assert.match(mbody.error.message, /not-a-request/);
    for (const bad of ['status=weird', 'limit=abc', 'limit=0', 'cached=maybe', 'days=0', 'start_date=soon', 'cursor=%25%25']) {
      const res = await t.get(`/api/logs?${bad}`);
      assert.equal(res.status, 400, bad);
      const b = (await res.json()) as { error: { code: string } };
      assert.equal(b.error.code, 'invalid_request', bad);
    }
    const unauth = await fetch(`${t.server.url}/api/logs`);
    assert.equal(unauth.status, 401);
  } finally {
    await t.done();
  }
});

test('GET /api/analytics?start_date&end_date', async () => {
  const t = await setup();
  try {
    for (let i = 0; i < 10; i++) {
      t.store.record(fullRecord({ timestamp: `2026-03-0${1 + (i % 3)}T10:00:00.000Z`, provider: i % 2 ? 'openai' : 'google', tokens_used: 100 }));
    }
    const res = await t.get('/api/analytics?start_date=2026-03-01&end_date=2026-03-02');
    assert.equal(res.status, 200);
    const a = (await res.json()) as { totals: { requests: number; tokens: number }; by_day: Array<{ date: string; requests: number }>; by_provider: unknown[] };
    assert.equal(a.totals.requests, 7);
    assert.equal(a.totals.tokens, 700);
    assert.deepEqual(a.by_day.map((d) => [d.date, d.requests]), [['2026-03-01', 4], ['2026-03-02', 3]]);
    assert.equal(a.by_provider.length, 2);
    assert.equal((await t.get('/api/analytics?start_date=never')).status, 400);
  } finally {
    await t.done();
  }
});

test('GET /api/logs/export streams CSV and JSON Lines with the filters applied', async () => {
  const t = await setup();
  try {
    const n = 1200;
    for (let i = 0; i < n; i++) t.store.record(fullRecord({ model: i % 4 ? 'gpt-4o' : 'o3' }));
    const csv = await t.get('/api/logs/export?format=csv&model=o3');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="smartflow-logs-.*\.csv"/);
    assert.equal(csv.headers.get('content-length'), null, 'streamed, not buffered');
    const text = await csv.text();
    assert.ok(text.startsWith('request_id,timestamp,provider,model'));
    // Header + one line per row (response_text carries a quoted CRLF, so count records by request id).
    assert.equal(text.match(/\r\nreq-/g)?.length, n / 4);
    const jl = await t.get('/api/logs/export?format=jsonl');
    assert.match(jl.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const lines = (await jl.text()).trimEnd().split('\n');
    assert.equal(lines.length, n);
    assert.equal((JSON.parse(lines[0]) as VASLog).model, 'gpt-4o');
    const bad = await t.get('/api/logs/export?format=xml');
    assert.equal(bad.status, 400);
    const badFilter = await t.get('/api/logs/export?format=csv&status=nope');
    assert.equal(badFilter.status, 400, 'a bad filter is a 400, not a broken 200 download');
  } finally {
    await t.done();
  }
});
