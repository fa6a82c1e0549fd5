// The pipeline with the real cache, compliance and audit layers (SQLite on a temp dir), through the
// HTTP server: cache hits (also replayed as streams), compliance redaction and blocking, and the audit
// record written for every request, errors included, with prompt text per the store-prompt setting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startHarness, call, type Harness } from '../server/harness.js';

let h: Harness;
let client: OpenAI;
const CARD = '4111 1111 1111 1111';
before(async () => {
  h = await startHarness({
    config: {
      cache: { enabled: true, semantic: false },
      compliance: { enabled: true, policy: 'enterprise_standard' },
      audit: { enabled: true, storePrompts: 'redacted' },
    },
  });
  client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: h.token, maxRetries: 0 });
});
after(async () => {
  await h.close();
});

async function logs(): Promise<any[]> {
  const r = await call(h, '/api/logs?limit=100');
  assert.equal(r.status, 200, r.text);
  return r.json.logs ?? r.json.data ?? r.json;
}

test('layers are up and reported', () => {
  assert.ok(h.svc.cache, 'cache running');
  assert.ok(h.svc.compliance, 'compliance running');
  assert.ok(h.svc.storage.engine, `audit engine: ${h.svc.storage.error}`);
});

test('second identical request is an exact cache hit; a stream of it is replayed as chunks', async () => {
  const body = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content: 'what is the capital of France?' }] };
  const a = await client.chat.completions.create(body).withResponse();
  assert.equal(a.response.headers.get('x-smartflow-cache'), 'miss');
  const upstreamCalls = h.sim.requests.length;
  const b = await client.chat.completions.create(body).withResponse();
  assert.equal(b.response.headers.get('x-smartflow-cache'), 'hit-exact');
  assert.equal(b.data.choices[0].message.content, a.data.choices[0].message.content);
  assert.equal(h.sim.requests.length, upstreamCalls, 'no upstream call for a hit');

  const s = await client.chat.completions.create({ ...body, stream: true }).withResponse();
  assert.equal(s.response.headers.get('x-smartflow-cache'), 'hit-exact');
  let text = '';
  let finish: string | null = null;
  for await (const c of s.data) {
    text += c.choices[0]?.delta?.content ?? '';
    finish = c.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(text, a.data.choices[0].message.content);
  assert.equal(finish, 'stop');
  // x-smartflow-cache: off bypasses it.
  const off = await client.chat.completions.create(body, { headers: { 'x-smartflow-cache': 'off' } }).withResponse();
  assert.equal(off.response.headers.get('x-smartflow-cache'), 'miss');
  assert.equal(h.sim.requests.length, upstreamCalls + 1);
});

test('a completed stream is stored; the next identical request hits', async () => {
  const body = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content: 'stream then cache this' }] };
  const s = await client.chat.completions.create({ ...body, stream: true });
  let text = '';
  for await (const c of s) text += c.choices[0]?.delta?.content ?? '';
  const b = await client.chat.completions.create(body).withResponse();
  assert.equal(b.response.headers.get('x-smartflow-cache'), 'hit-exact');
  assert.equal(b.data.choices[0].message.content, text);
});

test('compliance redacts a card number before it leaves, and the audit log keeps only redacted text', async () => {
  const r = await client.chat.completions.create(
    { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `charge my card ${CARD} please` }] },
    { headers: { 'x-smartflow-user-id': 'alice', 'x-conversation-id': 'conv-7' } },
  ).withResponse();
  const sent = JSON.stringify(h.sim.requests.at(-1)!.body);
  assert.ok(!sent.includes(CARD), 'the card number did not reach the provider');
  const rid = r.response.headers.get('x-smartflow-request-id')!;
  const all = await logs();
  const rec = all.find((l) => l.request_id === rid);
  assert.ok(rec, 'audit row for the request id in the header');
  assert.equal(rec.user_id, 'alice');
  assert.equal(rec.conversation_id, 'conv-7');
  assert.equal(rec.provider, 'openai');
  assert.equal(rec.compliance_status, 'violated');
  assert.ok(rec.tokens_used > 0);
  assert.ok(!JSON.stringify(rec).includes(CARD), 'no raw card number anywhere in the audit row');
});

test('errors are audited too', async () => {
  h.sim.script({ match: '/v1/chat/completions', status: 400, errorMessage: 'nope from provider' });
  const r = await call(h, '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'make it fail' }] } });
  assert.equal(r.status, 400);
  const rid = r.headers.get('x-smartflow-request-id');
  const rec = (await logs()).find((l) => l.request_id === rid);
  assert.ok(rec, 'error row present');
  // VASLog read shape: error = { status, message }.
  assert.equal(rec.error.status, 400);
  assert.match(rec.error.message, /nope from provider/);
  assert.equal(rec.metrics.success, false);
});

test('a blocking policy answers 403 with the findings and never calls the provider', async () => {
  const g = await startHarness({ config: { compliance: { enabled: true, policy: 'pci_dss_strict' }, audit: { enabled: false } } });
  try {
    const r = await call(g, '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `card ${CARD}` }] } });
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'compliance_blocked');
    assert.ok(r.json.error.compliance, 'findings in the error body');
    assert.ok(!JSON.stringify(r.json).includes(CARD));
    assert.equal(g.sim.requests.length, 0);
  } finally {
    await g.close();
  }
});

test('reversible redaction: the provider sees placeholders, the user sees the original restored (JSON and stream)', async () => {
  const g = await startHarness({ config: { compliance: { enabled: true, policy: 'enterprise_standard', reversible: true, scanResponses: true }, audit: { enabled: false } } });
  try {
    const c = new OpenAI({ baseURL: `${g.url}/v1`, apiKey: g.token, maxRetries: 0 });
    const prompt = `repeat this card ${CARD} back to me`;
    const r = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });
    const sent = JSON.stringify(g.sim.requests.at(-1)!.body);
    assert.ok(!sent.includes(CARD), 'provider never saw the card');
    assert.match(sent, /\[CREDIT_CARD_1\]/);
    assert.ok((r.choices[0].message.content ?? '').includes(CARD), `restored in JSON: ${r.choices[0].message.content}`);

    const s = await c.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: prompt }] });
    let text = '';
    for await (const ch of s) text += ch.choices[0]?.delta?.content ?? '';
    assert.ok(text.includes(CARD), `restored in the stream: ${text}`);
  } finally {
    await g.close();
  }
});

test('a secret in the provider’s answer is redacted for the user and never written to the cache files', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const KEY = 'AKIAZ3MNQ7RTUVWX2Y4P';
  h.sim.script({ match: '/v1/chat/completions', reply: `the key is ${KEY} ok` });
  const body = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user' as const, content: 'what is the deploy key?' }] };
  const a = await client.chat.completions.create(body);
  assert.ok(!(a.choices[0].message.content ?? '').includes(KEY), 'redacted for the user');
  const b = await client.chat.completions.create(body).withResponse();
  assert.equal(b.response.headers.get('x-smartflow-cache'), 'hit-exact', 'the redacted answer was cached');
  assert.ok(!(b.data.choices[0].message.content ?? '').includes(KEY));
  for (const f of readdirSync(h.dataDir).filter((n) => n.startsWith('cache.db'))) {
    assert.ok(!readFileSync(join(h.dataDir, f)).includes(KEY), `${f} holds no key`);
  }
});
