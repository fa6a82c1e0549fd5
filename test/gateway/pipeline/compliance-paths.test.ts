// Compliance on every path the pipeline serves, with the real compliance engine, audit store (SQLite on a
// temp dir) and HTTP server against the simulator: native Anthropic replies (JSON and SSE, a key split
// across events), embeddings / rerank / images / speech inputs (redact and block), the audit record of a
// blocked request, violation sources, and readable redacted prompt text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startHarness, call, type Harness } from '../server/harness.js';

const AWS_KEY = 'AKIAZ3MNQ7RTUVWX2Y4P';
const CARD = '4111 1111 1111 1111';
const REPLY = `the key is ${AWS_KEY} ok, and a few more words so the reply streams in pieces`;
const AH = { 'anthropic-version': '2023-06-01' };

let h: Harness;
before(async () => {
  h = await startHarness({
    config: {
      compliance: { enabled: true, policy: 'enterprise_standard', scanResponses: true },
      audit: { enabled: true, storePrompts: 'redacted' },
    },
  });
});
after(async () => {
  await h.close();
});

async function logFor(requestId: string | null): Promise<any> {
  assert.ok(requestId, 'response has a request id');
  const r = await call(h, `/api/logs/${requestId}`);
  assert.equal(r.status, 200, r.text);
  return r.json.log ?? r.json;
}

function lastSent(): string {
  return JSON.stringify(h.sim.requests.at(-1)!.body);
}

test('native Anthropic JSON reply: the key is redacted for the client and recorded as a response finding', async () => {
  h.sim.script({ reply: REPLY });
  const r = await call(h, '/anthropic/v1/messages', { body: { model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'which key?' }] }, headers: AH });
  assert.equal(r.status, 200, r.text);
  assert.ok(!r.text.includes(AWS_KEY), 'the key reached the client');
  assert.equal(r.json.type, 'message');
  assert.match(r.json.content[0].text, /the key is \[API_KEY(_\d+)?\] ok/);
  const log = await logFor(r.headers.get('x-smartflow-request-id'));
  assert.equal(log.compliance_status, 'violated');
  const vs = log.compliance.violations as any[];
  assert.ok(vs.some((v) => v.type === 'API_KEY' && v.source === 'response'), JSON.stringify(vs));
  assert.ok(!JSON.stringify(log).includes(AWS_KEY));
});

test('native Anthropic stream: a key split across many events never reaches the client; the SDK still parses it', async () => {
  // 40 chunks of ~2 characters: the key arrives spread over ten text_delta events.
  h.sim.script({ reply: REPLY, chunks: 40 });
  const raw = await call(h, '/anthropic/v1/messages', { body: { model: 'claude-sonnet-4-6', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'stream the key' }] }, headers: AH });
  assert.equal(raw.status, 200);
  const deltas = [...raw.text.matchAll(/"text_delta","text":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`));
  const joined = deltas.join('');
  assert.ok(!joined.includes(AWS_KEY) && !raw.text.includes(AWS_KEY), 'the key reached the client');
  assert.match(joined, /^the key is \[API_KEY(_\d+)?\] ok, and a few more words/);
  assert.match(raw.text, /event: message_stop/);
  const log = await logFor(raw.headers.get('x-smartflow-request-id'));
  assert.equal(log.compliance_status, 'violated');
  assert.ok((log.compliance.violations as any[]).some((v) => v.type === 'API_KEY' && v.source === 'response'));

  h.sim.script({ reply: REPLY, chunks: 40 });
  const client = new Anthropic({ baseURL: `${h.url}/anthropic`, apiKey: h.token, maxRetries: 0 });
  const final = await client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'again' }] }).finalMessage();
  const text = final.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  assert.ok(!text.includes(AWS_KEY));
  assert.match(text, /\[API_KEY(_\d+)?\] ok, and a few more words so the reply streams in pieces/);
});

test('embeddings, rerank, image and speech inputs are redacted before they leave, and audited', async () => {
  const cases: Array<{ path: string; body: Record<string, unknown> }> = [
    { path: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: `key ${AWS_KEY}` } },
    { path: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: ['clean text', `key ${AWS_KEY}`] } },
    { path: '/v1/rerank', body: { model: 'cohere/rerank-v3.5', query: `which has ${AWS_KEY}?`, documents: ['a', `doc with ${AWS_KEY}`] } },
    { path: '/v1/images/generations', body: { model: 'dall-e-3', prompt: `a poster that says ${AWS_KEY}` } },
    { path: '/v1/audio/speech', body: { model: 'tts-1', voice: 'alloy', input: `read ${AWS_KEY} aloud` } },
  ];
  for (const c of cases) {
    const n = h.sim.requests.length;
    const r = await call(h, c.path, { body: c.body });
    assert.equal(r.status, 200, `${c.path}: ${r.text}`);
    assert.equal(h.sim.requests.length, n + 1);
    const sent = lastSent();
    assert.ok(!sent.includes(AWS_KEY), `${c.path}: the key reached the provider`);
    assert.match(sent, /\[API_KEY(_\d+)?\]/, c.path);
    const log = await logFor(r.headers.get('x-smartflow-request-id'));
    assert.equal(log.compliance_status, 'violated', c.path);
    assert.ok(!JSON.stringify(log).includes(AWS_KEY), `${c.path}: the key is in the log`);
  }
  // The clean entry of an array input goes as written, in its place.
  const emb = h.sim.requests.filter((q) => q.path.endsWith('/embeddings')).at(-1)!.body as { input: string[] };
  assert.equal(emb.input[0], 'clean text');
});

test('blocking policy: a card number in an embeddings input or a chat prompt is stopped (403) before any byte leaves; the log names the provider and why', async () => {
  const hb = await startHarness({ config: { compliance: { enabled: true, policy: 'pci_dss_strict' }, audit: { enabled: true, storePrompts: 'redacted' } } });
  try {
    const cases = [
      { path: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: `card ${CARD}` }, headers: {}, provider: 'openai' },
      { path: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `pay with ${CARD}` }] }, headers: {}, provider: 'openai' },
      { path: '/anthropic/v1/messages', body: { model: 'claude-sonnet-4-6', max_tokens: 20, messages: [{ role: 'user', content: `pay with ${CARD}` }] }, headers: AH, provider: 'anthropic' },
    ];
    for (const c of cases) {
      const r = await call(hb, c.path, { body: c.body, headers: c.headers });
      assert.equal(r.status, 403, `${c.path}: ${r.text}`);
      assert.equal(r.json.error.code, 'compliance_blocked');
      const lr = await call(hb, `/api/logs/${r.headers.get('x-smartflow-request-id')}`);
      assert.equal(lr.status, 200, lr.text);
      const log = lr.json.log ?? lr.json;
      assert.equal(log.compliance_status, 'violated', c.path);
      assert.equal(log.provider, c.provider, c.path);
      assert.equal(log.routing_reason, 'compliance_blocked:pci_dss_strict', c.path);
      assert.ok((log.compliance.violations as any[]).every((v) => v.source === 'prompt'));
    }
    assert.equal(hb.sim.requests.length, 0, 'nothing was sent upstream');
  } finally {
    await hb.close();
  }
});

test('prompt and reply findings say which text their offsets point into, each once', async () => {
  const prompt = `my key is ${AWS_KEY}`;
  h.sim.script({ reply: `you sent ${AWS_KEY} twice: ${AWS_KEY}` });
  const r = await call(h, '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] } });
  assert.equal(r.status, 200, r.text);
  const log = await logFor(r.headers.get('x-smartflow-request-id'));
  const vs = log.compliance.violations as any[];
  const fromPrompt = vs.filter((v) => v.source === 'prompt');
  const fromReply = vs.filter((v) => v.source === 'response');
  assert.equal(fromPrompt.length, 1, JSON.stringify(vs));
  assert.equal(fromPrompt[0].start, prompt.indexOf(AWS_KEY));
  assert.equal(fromReply.length, 2, JSON.stringify(vs));
  assert.equal(vs.length, 3);
  const stored = JSON.parse(log.compliance_violations);
  assert.deepEqual(stored.map((v: any) => v.source).sort(), ['prompt', 'response', 'response']);
});

test('redacted prompt_text keeps an ordinary first word readable', async () => {
  const r = await call(h, '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Answer briefly' }, { role: 'user', content: 'Explain what a reverse proxy does in one line' }] } });
  assert.equal(r.status, 200, r.text);
  const log = await logFor(r.headers.get('x-smartflow-request-id'));
  assert.equal(log.prompt_text, 'system: Answer briefly\nuser: Explain what a reverse proxy does in one line');
});
