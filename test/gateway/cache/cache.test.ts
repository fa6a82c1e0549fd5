// The cache end to end on real SQLite files: exact hits by tier, LRU/TTL/byte bounds with an injected
// clock, persistence across reopen (entries, LRU order, vectors, stats), opt-out modes, semantic hits for
// paraphrases and scope rules, memory-only fallback, and the management routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createCache, cacheRoutes, type CreateCacheOptions } from '../../../src/gateway/cache/index.js';
import type { RouteRequest } from '../../../src/gateway/server/route.js';
import { fakeClock, recordingLogger, tempDir, cacheConfig, ctx, chat, reply } from './helpers.js';

function open(dir: string, over: Partial<CreateCacheOptions> = {}) {
  const clock = over.clock ?? fakeClock();
  return createCache({ dataDir: dir, config: cacheConfig(), clock, logger: recordingLogger(), ...over });
}

test('exact hit: L1 from memory, L3 after a restart, identical response, stats by tier', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const clock = fakeClock();
  let cache = open(tmp.dir, { clock });
  assert.equal(cache.info().storage, 'sqlite');
  const req = chat('What does the --frozen-lockfile flag do in yarn?');
  assert.equal(await cache.lookup(req, 'openai', ctx()), null);
  cache.recordMiss();
  cache.store(req, 'openai', reply('It fails if the lockfile needs changes.', 40), ctx(), 0.0015);
  const hit = await cache.lookup({ ...req, stream: true }, 'openai', ctx());
  assert.ok(hit);
  assert.equal(hit.hitType, 'exact');
  assert.equal(hit.tier, 'L1');
  assert.equal(hit.response.choices[0].message.content, 'It fails if the lockfile needs changes.');
  hit.response.choices[0].message.content = 'mutated by caller';
  assert.equal((await cache.lookup(req, 'openai', ctx()))?.response.choices[0].message.content, 'It fails if the lockfile needs changes.');
  assert.equal(await cache.lookup(req, 'anthropic', ctx()), null, 'another provider is another key');
  cache.close();

  cache = open(tmp.dir, { clock });
  const again = await cache.lookup(req, 'openai', ctx());
  assert.equal(again?.tier, 'L3');
  assert.equal(again?.response.choices[0].message.content, 'It fails if the lockfile needs changes.');
  assert.equal((await cache.lookup(req, 'openai', ctx()))?.tier, 'L1', 'promoted to memory after an L3 hit');
  const s = cache.stats();
  assert.deepEqual(
    { hits: s.hits, misses: s.misses, l1: s.l1_hits, l3: s.l3_hits, l2: s.l2_hits, tokens: s.tokens_saved, entries: s.entries },
    { hits: 4, misses: 1, l1: 3, l3: 1, l2: 0, tokens: 160, entries: 1 },
  );
  assert.equal(s.hit_rate, 4 / 5);
  assert.ok(Math.abs(s.cost_saved_cents - 0.6) < 1e-9, `cost_saved_cents ${s.cost_saved_cents}`);
  cache.close();
});

test('TTL: entries expire by wall clock, also after a restart', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const clock = fakeClock();
  let cache = open(tmp.dir, { clock, config: cacheConfig({ ttlSeconds: 60 }) });
  cache.store(chat('a'), 'openai', reply('A'), ctx(), 0);
  cache.store(chat('b'), 'openai', reply('B'), ctx(), 0);
  clock.advance(30_000);
  assert.ok(await cache.lookup(chat('a'), 'openai', ctx()));
  cache.close();
  clock.advance(31_000);
  cache = open(tmp.dir, { clock, config: cacheConfig({ ttlSeconds: 60 }) });
  assert.equal(cache.stats().entries, 0, 'expired rows are purged on open');
  assert.equal(await cache.lookup(chat('a'), 'openai', ctx()), null);
  cache.store(chat('c'), 'openai', reply('C'), ctx(), 0);
  clock.advance(60_001);
  assert.equal(await cache.lookup(chat('c'), 'openai', ctx()), null, 'expired on lookup');
  assert.equal(cache.stats().entries, 0);
  cache.store(chat('d'), 'openai', reply('D'), ctx(), 0);
  cache.store(chat('e'), 'openai', reply('E'), ctx(), 0);
  clock.advance(60_001);
  cache.store(chat('f'), 'openai', reply('F'), ctx(), 0);
  assert.equal(cache.stats().entries, 1, 'a store purges expired entries it passes on the LRU end');
  cache.close();
});

test('LRU: bounded by entries and by bytes, least recently used goes first, order survives a restart', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const clock = fakeClock();
  const config = cacheConfig({ maxEntries: 3, semantic: false });
  let cache = open(tmp.dir, { clock, config });
  for (const p of ['one', 'two', 'three']) cache.store(chat(p), 'openai', reply(p.toUpperCase()), ctx(), 0);
  assert.ok(await cache.lookup(chat('one'), 'openai', ctx())); // "two" is now the oldest
  cache.close();
  cache = open(tmp.dir, { clock, config });
  cache.store(chat('four'), 'openai', reply('FOUR'), ctx(), 0);
  assert.equal(cache.stats().entries, 3);
  assert.equal(await cache.lookup(chat('two'), 'openai', ctx()), null, 'least recently used evicted');
  for (const p of ['one', 'three', 'four']) assert.ok(await cache.lookup(chat(p), 'openai', ctx()), `${p} kept`);
  cache.close();

  const tmp2 = tempDir();
  t.after(tmp2.cleanup);
  const big = 'x'.repeat(4000);
  const byBytes = open(tmp2.dir, { clock, config: cacheConfig({ maxBytes: 10_000, semantic: false }) });
  byBytes.store(chat('p1'), 'openai', reply(big), ctx(), 0);
  byBytes.store(chat('p2'), 'openai', reply(big), ctx(), 0);
  assert.equal(byBytes.stats().entries, 2);
  byBytes.store(chat('p3'), 'openai', reply(big), ctx(), 0);
  assert.equal(byBytes.stats().entries, 2, 'the byte bound evicts');
  assert.equal(await byBytes.lookup(chat('p1'), 'openai', ctx()), null);
  byBytes.store(chat('huge'), 'openai', reply('y'.repeat(20_000)), ctx(), 0);
  assert.equal(await byBytes.lookup(chat('huge'), 'openai', ctx()), null, 'an entry larger than the bound is not stored');
  assert.ok(await byBytes.lookup(chat('p3'), 'openai', ctx()));
  byBytes.close();
});

test('L1 is a bounded hot subset when SQLite holds everything', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const cache = open(tmp.dir, { l1MaxEntries: 2, config: cacheConfig({ semantic: false }) });
  for (const p of ['a', 'b', 'c']) cache.store(chat(p), 'openai', reply(p), ctx(), 0);
  assert.equal((await cache.lookup(chat('a'), 'openai', ctx()))?.tier, 'L3');
  assert.equal((await cache.lookup(chat('c'), 'openai', ctx()))?.tier, 'L1');
  cache.close();
});

test('opt-out: cacheMode off neither reads nor writes, no-store reads but does not write, disabled does nothing', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const cache = open(tmp.dir);
  cache.store(chat('q1'), 'openai', reply('A1'), ctx({ cacheMode: 'off' }), 0);
  cache.store(chat('q2'), 'openai', reply('A2'), ctx({ cacheMode: 'no-store' }), 0);
  assert.equal(cache.stats().entries, 0);
  cache.store(chat('q3'), 'openai', reply('A3'), ctx(), 0);
  assert.equal(await cache.lookup(chat('q3'), 'openai', ctx({ cacheMode: 'off' })), null);
  assert.ok(await cache.lookup(chat('q3'), 'openai', ctx({ cacheMode: 'no-store' })));
  cache.close();

  const tmp2 = tempDir();
  t.after(tmp2.cleanup);
  const off = open(tmp2.dir, { config: cacheConfig({ enabled: false }) });
  off.store(chat('q'), 'openai', reply('A'), ctx(), 0);
  assert.equal(await off.lookup(chat('q'), 'openai', ctx()), null);
  off.recordMiss();
  assert.equal(off.stats().misses, 0);
  off.close();
});

test('stats persist across restarts and clear() resets entries and stats; routes expose both', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  let cache = open(tmp.dir);
  cache.store(chat('q'), 'openai', reply('A', 25), ctx(), 0.01);
  await cache.lookup(chat('q'), 'openai', ctx());
  cache.recordMiss();
  cache.recordMiss();
  cache.close();
  cache = open(tmp.dir);
  const routes = cacheRoutes(cache);
  const call = async (method: string, path: string) => {
    const r = routes.find((x) => x.method === method && x.path === path)!;
    assert.deepEqual(r.surfaces, ['management']);
    const res = await r.handler({ method, path, params: {}, query: new URLSearchParams(), headers: {}, body: undefined, ctx: ctx() } as RouteRequest);
    assert.ok('json' in res);
    return res.json as Record<string, unknown>;
  };
  const stats = await call('GET', '/api/cache/stats');
  assert.deepEqual(Object.keys(stats).sort(), ['cost_saved_cents', 'entries', 'hit_rate', 'hits', 'l1_hits', 'l2_hits', 'l3_hits', 'misses', 'tokens_saved']);
  assert.deepEqual([stats.hits, stats.misses, stats.tokens_saved, stats.entries, stats.cost_saved_cents], [1, 2, 25, 1, 1]);
  const info = await call('GET', '/api/cache/info');
  assert.equal(info.storage, 'sqlite');
  assert.match(String(info.embedder), /^bundled:/);
  const cleared = await call('POST', '/api/cache/clear');
  assert.equal(cleared.entries_removed, 1);
  assert.deepEqual(cache.stats(), { hits: 0, misses: 0, hit_rate: 0, l1_hits: 0, l2_hits: 0, l3_hits: 0, tokens_saved: 0, cost_saved_cents: 0, entries: 0 });
  assert.equal(await cache.lookup(chat('q'), 'openai', ctx()), null);
  cache.close();
  cache = open(tmp.dir);
  assert.equal(cache.stats().entries, 0, 'clear is persisted');
  cache.close();
});

test('semantic: a paraphrase hits (L2) with the matched prompt; hard negatives miss', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const cache = open(tmp.dir);
  cache.store(chat('How do I reverse a list in Python?'), 'openai', reply('Use list.reverse() or slicing.'), ctx(), 0.002);
  cache.store(chat('Convert JSON to YAML'), 'openai', reply('yaml.dump(json.loads(s))'), ctx(), 0);
  cache.store(chat('How do I enable word wrap in VS Code?'), 'openai', reply('View > Word Wrap'), ctx(), 0);
  cache.store(chat('Convert 5 miles to km'), 'openai', reply('8.05 km'), ctx(), 0);
  await cache.whenIdle();
  assert.equal(cache.info().semanticEntries, 4);
  const hit = await cache.lookup(chat("What's the best way to reverse a Python list?"), 'openai', ctx());
  assert.ok(hit, 'paraphrase should hit');
  assert.equal(hit.hitType, 'semantic');
  assert.equal(hit.tier, 'L2');
  assert.equal(hit.matchedQuery, 'How do I reverse a list in Python?');
  assert.ok((hit.similarity ?? 0) >= cacheConfig().similarityThreshold);
  assert.equal(hit.response.choices[0].message.content, 'Use list.reverse() or slicing.');
  for (const neg of ['How do I reverse a list in Rust?', 'Convert YAML to JSON', 'How do I disable word wrap in VS Code?', 'Convert 8 miles to km', "How do I not reverse a list in Python?"]) {
    assert.equal(await cache.lookup(chat(neg), 'openai', ctx()), null, `must not hit: ${neg}`);
  }
  assert.equal(cache.stats().l2_hits, 1);
  cache.close();
});

test('semantic scope: other model, system prompt, tools, high temperature and multi-turn do not hit', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const sys = { role: 'system' as const, content: 'Answer in one line.' };
  const stored = chat('How do I reverse a list in Python?', { messages: [sys, { role: 'user', content: 'How do I reverse a list in Python?' }] });
  const para = 'What is the best way to reverse a Python list?';
  const cache = open(tmp.dir);
  cache.store(stored, 'openai', reply('x[::-1]'), ctx(), 0);
  const same = chat(para, { messages: [sys, { role: 'user', content: para }] });
  assert.ok(await cache.lookup(same, 'openai', ctx()), 'same scope hits');
  assert.ok(await cache.lookup({ ...same, temperature: 0.5 }, 'openai', ctx()), 'temperature under the limit is fine');
  assert.equal(await cache.lookup(same, 'anthropic', ctx()), null, 'provider');
  assert.equal(await cache.lookup({ ...same, model: 'gpt-4o' }, 'openai', ctx()), null, 'model');
  assert.equal(await cache.lookup(chat(para), 'openai', ctx()), null, 'system prompt');
  assert.equal(await cache.lookup({ ...same, tools: [{ type: 'function', function: { name: 'f' } }] }, 'openai', ctx()), null, 'tools');
  assert.equal(await cache.lookup({ ...same, temperature: 0.9 }, 'openai', ctx()), null, 'temperature over the limit');
  const multi = { ...same, messages: [sys, { role: 'user' as const, content: 'hi' }, { role: 'assistant' as const, content: 'hello' }, { role: 'user' as const, content: para }] };
  assert.equal(await cache.lookup(multi, 'openai', ctx()), null, 'multi-turn is off by default');
  cache.close();

  const tmp2 = tempDir();
  t.after(tmp2.cleanup);
  const mt = open(tmp2.dir, { config: cacheConfig({ multiTurn: true }) });
  const prefix = [sys, { role: 'user' as const, content: 'I use Python 3.12.' }, { role: 'assistant' as const, content: 'Noted.' }];
  mt.store({ ...stored, messages: [...prefix, { role: 'user', content: 'How do I reverse a list?' }] }, 'openai', reply('x.reverse()'), ctx(), 0);
  assert.ok(await mt.lookup({ ...stored, messages: [...prefix, { role: 'user', content: 'What is the best way to reverse a list?' }] }, 'openai', ctx()), 'same prefix hits');
  const otherPrefix = [sys, { role: 'user' as const, content: 'I use Rust.' }, { role: 'assistant' as const, content: 'Noted.' }];
  assert.equal(await mt.lookup({ ...stored, messages: [...otherPrefix, { role: 'user', content: 'What is the best way to reverse a list?' }] }, 'openai', ctx()), null, 'different prefix misses');
  mt.close();
});

test('semantic vectors persist: a paraphrase hits after a restart; semantic off disables L2', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  let cache = open(tmp.dir);
  cache.store(chat('How can I center a div with CSS?'), 'openai', reply('display:flex'), ctx(), 0);
  cache.close();
  cache = open(tmp.dir);
  await cache.whenIdle();
  assert.equal(cache.info().semanticEntries, 1);
  assert.equal((await cache.lookup(chat('how do i center a div using css'), 'openai', ctx()))?.hitType, 'semantic');
  cache.close();
  cache = open(tmp.dir, { config: cacheConfig({ semantic: false }) });
  assert.equal(await cache.lookup(chat('how do i center a div using css'), 'openai', ctx()), null);
  assert.ok(await cache.lookup(chat('How can I center a div with CSS?'), 'openai', ctx()), 'exact still works');
  cache.close();
});

test('SQLite failure: runs memory-only, says so, and still caches', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  // A directory where the database file should be makes every engine fail to open it.
  mkdirSync(join(tmp.dir, 'cache.db'));
  writeFileSync(join(tmp.dir, 'cache.db', 'x'), '');
  const logger = recordingLogger();
  const cache = open(tmp.dir, { logger });
  assert.equal(cache.info().storage, 'memory');
  assert.ok(cache.info().storageError);
  assert.ok(logger.lines.some((l) => l.level === 'warn' && /memory-only/.test(l.msg)));
  cache.store(chat('q'), 'openai', reply('A'), ctx(), 0);
  assert.equal((await cache.lookup(chat('q'), 'openai', ctx()))?.tier, 'L1');
  cache.close();
});
