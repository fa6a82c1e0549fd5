// The cache as a user meets it, on the embedded defaults (exact + semantic on): a repeated request is
// served without calling the provider, the audit log and /api/cache/stats say so, a paraphrase hits
// semantically while a changed number misses, and a restart on the same data dir keeps entries and stats.
// Steps run in order against one service (and one simulator, whose request count is the ground truth).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProduct, type Product } from './helpers.js';

const Q = 'How do I convert 5 miles to kilometers?';
const PARAPHRASE = 'How can I convert 5 miles into kilometers?';
const OTHER_NUMBER = 'How do I convert 8 miles to kilometers?';

let p: Product;
before(async () => {
  p = await startProduct();
});
after(async () => {
  await p.close();
});

async function ask(content: string, headers: Record<string, string> = {}) {
  const r = await p.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }, { headers }).withResponse();
  return { cache: r.response.headers.get('x-smartflow-cache'), id: r.response.headers.get('x-smartflow-request-id'), text: r.data.choices[0].message.content, data: r.data };
}

async function stats() {
  const r = await p.api('/api/cache/stats');
  assert.equal(r.status, 200, r.text);
  return r.json;
}

let first: Awaited<ReturnType<typeof ask>>;

test('first request misses and goes upstream', async () => {
  assert.equal(p.svc.config.cache.semantic, true, 'semantic cache is on by default');
  first = await ask(Q);
  assert.equal(first.cache, 'miss');
  assert.equal(p.sim.requests.length, 1);
});

test('the same request again is an exact hit: no upstream call, same answer, audit + stats say so', async () => {
  const second = await ask(Q);
  assert.equal(second.cache, 'hit-exact');
  assert.equal(second.text, first.text);
  assert.equal(p.sim.requests.length, 1, 'the simulator saw one request');
  const log = (await p.api(`/api/logs/${second.id}`)).json;
  assert.equal(log.metacache.hit, true);
  assert.equal(log.metacache.hit_type, 'exact');
  assert.equal(log.cached, true);
  assert.ok(log.metacache.tokens_saved > 0);
  assert.equal(log.routing_strategy, 'cache');
  // The first request's record is a miss.
  const firstLog = (await p.api(`/api/logs/${first.id}`)).json;
  assert.equal(firstLog.metacache.hit, false);
  const s = await stats();
  assert.equal(s.hits, 1);
  assert.equal(s.misses, 1);
  assert.equal(s.l1_hits, 1);
  assert.equal(s.entries, 1);
  assert.equal(s.hit_rate, 0.5);
  assert.equal(s.tokens_saved, log.metacache.tokens_saved);
  // The cached=true filter of the log finds exactly the hit.
  const cached = await p.logs('cached=true');
  assert.deepEqual(cached.map((l) => l.request_id), [second.id]);
});

test('a paraphrase hits semantically; a changed number misses and goes upstream', async () => {
  const para = await ask(PARAPHRASE);
  assert.equal(para.cache, 'hit-semantic');
  assert.equal(para.text, first.text);
  assert.equal(p.sim.requests.length, 1);
  const log = (await p.api(`/api/logs/${para.id}`)).json;
  assert.equal(log.metacache.hit_type, 'semantic');
  assert.equal(log.metacache.query, Q, 'metacache.query names the cached prompt that answered');

  const other = await ask(OTHER_NUMBER);
  assert.equal(other.cache, 'miss', '"8 miles" must never be answered by the "5 miles" entry');
  assert.equal(p.sim.requests.length, 2);
  assert.ok(other.text?.includes('8 miles'));

  const s = await stats();
  assert.equal(s.hits, 2);
  assert.equal(s.misses, 2);
  assert.equal(s.l2_hits, 1);
  assert.equal(s.entries, 2);
});

test('x-smartflow-cache: off bypasses the cache', async () => {
  const r = await ask(Q, { 'x-smartflow-cache': 'off' });
  assert.equal(r.cache, 'miss');
  assert.equal(p.sim.requests.length, 3);
});

test('after a restart on the same data dir: stats kept, the entry is served from disk (L3), the log kept', async () => {
  const before = await stats();
  const logCount = (await p.logs()).length;
  await p.restart();
  const after = await stats();
  for (const k of ['hits', 'misses', 'l1_hits', 'l2_hits', 'l3_hits', 'tokens_saved', 'entries'] as const) {
    assert.equal(after[k], before[k], `${k} kept across the restart`);
  }
  const again = await ask(Q);
  assert.equal(again.cache, 'hit-exact');
  assert.equal(again.text, first.text);
  assert.equal(p.sim.requests.length, 3, 'no upstream call after the restart');
  const log = (await p.api(`/api/logs/${again.id}`)).json;
  assert.equal(log.metacache.tier, 'L3');
  const s = await stats();
  assert.equal(s.hits, before.hits + 1);
  assert.equal(s.l3_hits, before.l3_hits + 1);
  assert.equal((await p.logs()).length, logCount + 1, 'audit rows survive the restart');
});

test('after the restart a paraphrase still hits semantically (vectors persisted)', async () => {
  const para = await ask(PARAPHRASE);
  assert.equal(para.cache, 'hit-semantic');
  assert.equal(p.sim.requests.length, 3);
});

test('analytics agree with the log: cache hits and tokens saved', async () => {
  const r = await p.api('/api/analytics');
  assert.equal(r.status, 200, r.text);
  const logs = await p.logs();
  const hits = logs.filter((l) => l.cached).length;
  assert.equal(r.json.totals.requests, logs.length);
  assert.equal(r.json.totals.cache_hits, hits);
  assert.equal(r.json.totals.tokens_saved, logs.reduce((n, l) => n + l.metacache.tokens_saved, 0));
});
