// Fallback and provider health as a user meets them: OpenAI (simulated) keeps answering 500 for gpt-4o;
// with a fallback chain gpt-4o → anthropic/claude-sonnet-4-6 the openai client gets Anthropic's answer
// (translated to the OpenAI shape), the audit log says it was a fallback, /api/providers/health and
// /api/routing/status reflect the failure, and POST /api/routing/force moves traffic until cleared.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProduct, drain, type Product } from './helpers.js';

let p: Product;
before(async () => {
  p = await startProduct({
    config: {
      routing: { fallbacks: { 'gpt-4o': ['anthropic/claude-sonnet-4-6'] } },
      // The user's defaults except faster backoff, so the three OpenAI attempts do not take seconds.
      retry: { baseDelayMs: 10, maxDelayMs: 50 },
      cache: { enabled: false },
    },
  });
});
after(async () => {
  await p.close();
});

const openaiDown = () => p.sim.script({ match: (r) => r.provider === 'openai', status: 500, errorMessage: 'simulated outage', times: 1000 });

test('OpenAI failing with 500s: the client gets the fallback model\'s answer', async () => {
  openaiDown();
  const r = await p.openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'ping through the fallback' }] }).withResponse();
  assert.equal(r.response.status, 200);
  assert.equal(r.response.headers.get('x-smartflow-provider'), 'anthropic');
  assert.equal(r.data.object, 'chat.completion');
  assert.equal(r.data.model, 'claude-sonnet-4-6');
  assert.equal(r.data.choices[0].message.content, 'Echo: ping through the fallback');
  const seen = p.sim.requests.map((q) => `${q.provider}:${q.wire}`);
  const openaiTries = seen.filter((s) => s === 'openai:openai').length;
  assert.equal(openaiTries, 1 + p.svc.config.retry.maxRetries, `retried on OpenAI before falling back (${seen.join(', ')})`);
  assert.equal(seen.at(-1), 'anthropic:anthropic', 'then the Anthropic Messages API');
  const upstream = p.sim.requests.at(-1)!;
  assert.equal((upstream.body as any).model, 'claude-sonnet-4-6');
  assert.equal(upstream.apiKey?.startsWith('sk-ant-'), true, 'Anthropic got the Anthropic key');

  const log = (await p.api(`/api/logs/${r.response.headers.get('x-smartflow-request-id')}`)).json;
  assert.equal(log.provider, 'anthropic');
  assert.equal(log.routing_strategy, 'fallback');
  assert.match(log.routing_reason ?? '', /anthropic/);
  assert.equal(log.metrics.success, true);
});

test('a streamed request falls back too (nothing was sent yet)', async () => {
  const before = p.sim.requests.length;
  const s = await p.openai.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'stream through the fallback' }] }).withResponse();
  assert.equal(s.response.headers.get('x-smartflow-provider'), 'anthropic');
  const { text, finish } = await drain(s.data);
  assert.equal(text, 'Echo: stream through the fallback');
  assert.equal(finish, 'stop');
  assert.equal(p.sim.requests.at(-1)!.provider, 'anthropic');
  // While OpenAI is unhealthy the healthy fallback may be tried first: at most the retries before it.
  assert.ok(p.sim.requests.length - before <= 2 + p.svc.config.retry.maxRetries);
});

test('/api/providers/health and /api/routing/status reflect the outage', async () => {
  const h = await p.api('/api/providers/health');
  assert.equal(h.status, 200, h.text);
  const by = new Map<string, any>(h.json.map((x: any) => [x.provider, x]));
  const oa = by.get('openai');
  const an = by.get('anthropic');
  assert.ok(oa && an, 'both providers listed');
  assert.notEqual(oa.status, 'healthy');
  assert.ok(oa.error_rate > 0 && oa.success_rate < 1);
  assert.ok(oa.requests_total >= 3);
  assert.equal(an.status, 'healthy');
  assert.equal(an.requests_total, 2);
  assert.equal(an.success_rate, 1);

  const rs = await p.api('/api/routing/status');
  assert.equal(rs.status, 200, rs.text);
  assert.deepEqual(rs.json.fallback_chains, { 'gpt-4o': ['anthropic/claude-sonnet-4-6'] });
  assert.equal(rs.json.last_failure.provider, 'openai');
  assert.match(rs.json.last_failure.message, /500|simulated outage/);
  assert.equal(rs.json.active_provider, 'anthropic');
  assert.equal(rs.json.forced_provider, null);
});

test('POST /api/routing/force moves traffic to the forced provider, and 0 clears it', async () => {
  p.sim.reset(); // OpenAI is answering again
  const f = await p.api('/api/routing/force', { body: { provider: 'anthropic', duration_seconds: 60 } });
  assert.equal(f.status, 200, f.text);
  assert.equal(f.json.forced_provider, 'anthropic');
  const until = Date.parse(f.json.forced_until);
  assert.ok(until > Date.now() + 50_000 && until <= Date.now() + 61_000, `forced_until ${f.json.forced_until}`);
  assert.equal((await p.api('/api/routing/status')).json.forced_provider, 'anthropic');

  const r = await p.openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'forced' }] }).withResponse();
  assert.equal(r.response.headers.get('x-smartflow-provider'), 'anthropic');
  assert.deepEqual(p.sim.requests.map((q) => q.provider), ['anthropic'], 'no OpenAI attempt while forced');
  const log = (await p.logs('limit=1'))[0];
  assert.equal(log.provider, 'anthropic');

  const c = await p.api('/api/routing/force', { body: { provider: 'anthropic', duration_seconds: 0 } });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.forced_provider, null);
  const back = await p.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'unforced' }] }).withResponse();
  assert.equal(back.response.headers.get('x-smartflow-provider'), 'openai');
  assert.equal(p.sim.requests.at(-1)!.provider, 'openai');
});

test('forcing an unknown provider is a 400 that says what is accepted', async () => {
  const f = await p.api('/api/routing/force', { body: { provider: 'no-such-provider', duration_seconds: 60 } });
  assert.equal(f.status, 400, f.text);
  assert.ok(f.json.error.message.length > 20);
  assert.equal((await p.api('/api/routing/status')).json.forced_provider, null);
});

test('without a fallback chain the failure reaches the client as an OpenAI-shaped 502 naming the provider', async () => {
  openaiDown();
  let err: any;
  try {
    await p.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'no chain' }] });
  } catch (e) {
    err = e;
  }
  assert.equal(err?.status, 502, String(err));
  assert.match(err.message, /simulated outage/);
  assert.equal(err.headers?.get('x-smartflow-provider'), 'openai');
  const log = (await p.logs('limit=1'))[0];
  assert.equal(log.error.status, 502);
  assert.equal(log.metrics.success, false);
  p.sim.reset();
});
