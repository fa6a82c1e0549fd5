// createGateway in-process with a recording audit sink (a real sink implementation, not a stub of the
// code under test) against the simulator: every AuditRecord field, and prompt/response text per
// config.audit.storePrompts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createGateway } from '../../../src/gateway/index.js';
import { resolveConfig, type GatewayConfigInput } from '../../../src/gateway/config.js';
import { systemClock } from '../../../src/gateway/util/clock.js';
import { silentLogger } from '../../../src/gateway/util/logger.js';
import type { AuditRecord, ChatChunk } from '../../../src/gateway/types.js';
import { startSimulator, type Simulator } from '../../sim/simulator.js';

let sim: Simulator;
before(async () => {
  sim = await startSimulator();
});
after(async () => {
  await sim.close();
});

function gw(storePrompts: 'none' | 'redacted' | 'full') {
  const records: AuditRecord[] = [];
  const g = createGateway({
    config: resolveConfig({ dataDir: '/nonexistent', audit: { enabled: true, storePrompts, retentionDays: 1 }, retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 } } as GatewayConfigInput),
    env: sim.env(),
    clock: systemClock(),
    logger: silentLogger,
    audit: { record: (r) => records.push(r) },
  });
  return { g, records };
}

test('a chat request writes one complete audit record', async () => {
  const { g, records } = gw('full');
  const ctx = g.context({ userId: 'u-1', conversationId: 'c-1', source: 'test' });
  const { response, meta } = await g.chat({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'audit me' }] }, ctx);
  assert.equal(records.length, 1);
  const r = records[0];
  const keys: Array<keyof AuditRecord> = [
    'request_id', 'timestamp', 'provider', 'model', 'model_provider', 'tokens_used', 'cost', 'latency_ms', 'processing_time_ms', 'content_type',
    'user_id', 'conversation_id', 'conversation_stage', 'routing_strategy', 'routing_reason', 'compliance_status', 'compliance_violations',
    'compliance', 'metacache', 'metrics', 'error_status', 'error_message', 'streamed', 'prompt_text', 'response_text', 'source',
  ];
  for (const k of keys) assert.ok(k in r, `field ${k}`);
  assert.equal(r.request_id, ctx.requestId);
  assert.equal(r.request_id, meta.requestId);
  assert.equal(r.provider, 'openai');
  assert.equal(r.user_id, 'u-1');
  assert.equal(r.conversation_id, 'c-1');
  assert.equal(r.source, 'test');
  assert.equal(r.content_type, 'chat');
  assert.equal(r.tokens_used, response.usage!.total_tokens);
  assert.equal(r.metrics.prompt_tokens, response.usage!.prompt_tokens);
  assert.equal(r.metrics.success, true);
  assert.ok(r.cost > 0, 'gpt-4o-mini has a price');
  assert.equal(r.cost, meta.costUsd);
  assert.equal(r.routing_reason, 'provider:openai');
  assert.equal(r.prompt_text, 'system: sys\nuser: audit me');
  assert.match(r.response_text ?? '', /audit me/);
  assert.equal(r.streamed, false);
  assert.equal(r.metacache.hit, false);
  assert.ok(new Date(r.timestamp).getTime() > 0);
  await g.close();
});

test('storePrompts none → null texts; redacted without a compliance layer → null', async () => {
  for (const mode of ['none', 'redacted'] as const) {
    const { g, records } = gw(mode);
    await g.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'secret stuff' }] }, g.context());
    assert.equal(records[0].prompt_text, null, mode);
    assert.equal(records[0].response_text, null, mode);
    await g.close();
  }
});

test('streams: usage, audit after completion, meta resolves; errors are recorded with status', async () => {
  const { g, records } = gw('full');
  const s = await g.chatStream({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'stream for audit' }] }, g.context());
  assert.equal(s.early.provider, 'openai');
  const chunks: ChatChunk[] = [];
  for await (const c of s) chunks.push(c);
  const meta = await s.meta;
  assert.ok(meta.usage.total_tokens > 0, 'usage from the stream');
  assert.equal(records.length, 1);
  assert.equal(records[0].streamed, true);
  assert.match(records[0].response_text ?? '', /stream for audit/);
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));

  sim.script({ match: '/chat/completions', status: 401, errorMessage: 'bad key upstream' });
  await assert.rejects(g.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }, g.context()), (e: { code?: string; status?: number }) => e.status === 401);
  const err = records.at(-1)!;
  assert.equal(err.error_status, 401);
  assert.match(err.error_message ?? '', /bad key upstream/);
  assert.equal(err.metrics.success, false);
  await g.close();
});

test('missing provider key → 401 missing_api_key naming the env var, and audited', async () => {
  const records: AuditRecord[] = [];
  const env = sim.env();
  delete env.OPENAI_API_KEY;
  const g = createGateway({ config: resolveConfig({ dataDir: '/x' }), env, clock: systemClock(), logger: silentLogger, audit: { record: (r) => records.push(r) } });
  await assert.rejects(g.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }, g.context()), (e: { code?: string; message: string }) => e.code === 'missing_api_key' && /OPENAI_API_KEY/.test(e.message));
  assert.equal(records[0].error_status, 401);
  await g.close();
});

test('abort before the answer: the upstream call is cancelled and reported as aborted', async () => {
  const { g } = gw('none');
  sim.script({ match: '/chat/completions', latencyMs: 2000 });
  const ac = new AbortController();
  const p = g.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slow' }] }, g.context({ signal: ac.signal }));
  setTimeout(() => ac.abort(), 100);
  await assert.rejects(p, (e: { code?: string }) => e.code === 'aborted');
  await sim.waitFor((rs) => rs.some((r) => r.closedByClient), 3000);
  await g.close();
});
