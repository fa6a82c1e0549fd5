// Streaming through every layer: the provider streams a reply whose AWS key is split across many SSE
// chunks; the client must see a placeholder (the response scanner holds back a tail), still as a stream;
// the audit record says streamed; the completed stream is cached and replayed as a stream; a stream the
// client abandons is not cached. The key must not be on disk afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { splitReply } from '../sim/simulator.js';
import { startProduct, drain, scanDataDir, describeLeaks, type Product } from './helpers.js';

const AWS_KEY = 'AKIAZ3MNQ7RTUVWX2Y4P';
const REPLY = `Sure, here is the key you asked about: ${AWS_KEY} and that is all there is to say about it today, friend.`;
const CHUNKS = 40;
const QUESTION = 'what is the access key for the deploy bucket?';

let p: Product;
before(async () => {
  p = await startProduct();
});
after(async () => {
  await p.close();
});

const req = (content = QUESTION) => ({ model: 'gpt-4o-mini', stream: true as const, messages: [{ role: 'user' as const, content }] });
let firstText = '';

test('the simulator really splits the key across chunks (precondition)', () => {
  const parts = splitReply(REPLY, CHUNKS);
  assert.ok(!parts.some((c) => c.includes(AWS_KEY)), 'no single chunk carries the whole key');
  assert.ok(parts.filter((c) => AWS_KEY.includes(c.trim()) && c.trim()).length >= 3);
});

test('a key split across stream chunks reaches the client as a placeholder, still streamed', async () => {
  p.sim.script({ reply: REPLY, chunks: CHUNKS, chunkDelayMs: 1 });
  const r = await p.openai.chat.completions.create(req()).withResponse();
  assert.equal(r.response.headers.get('x-smartflow-cache'), 'miss');
  assert.match(r.response.headers.get('content-type') ?? '', /text\/event-stream/);
  const { text, contentChunks, finish } = await drain(r.data);
  assert.ok(!text.includes(AWS_KEY), 'the key reached the client');
  // No prefix of the key longer than its "AKIA" head leaks either.
  assert.ok(!text.includes(AWS_KEY.slice(0, 10)));
  assert.match(text, /\[API_KEY(_\d+)?\]/);
  assert.ok(text.startsWith('Sure, here is the key you asked about: '));
  assert.ok(text.endsWith('that is all there is to say about it today, friend.'));
  assert.equal(finish, 'stop');
  assert.ok(contentChunks > 5, `forwarded as a stream (${contentChunks} content chunks)`);
  firstText = text;
  const sim = p.sim.requests.at(-1)!;
  assert.equal((sim.body as any).stream, true);
  assert.ok(sim.completed);

  const id = r.response.headers.get('x-smartflow-request-id');
  const log = (await p.api(`/api/logs/${id}`)).json;
  assert.equal(log.streamed, true);
  assert.equal(log.metrics.success, true);
  assert.equal(log.compliance_status, 'violated', 'a secret in the response is a violation');
  assert.ok(log.compliance.violations.some((v: any) => v.type === 'API_KEY'));
  assert.ok(log.response_text && !log.response_text.includes(AWS_KEY));
  assert.ok(log.metrics.completion_tokens > 0, 'usage counted for the stream');
});

test('the completed stream was cached and is replayed as a stream (same redacted text)', async () => {
  const upstream = p.sim.requests.length;
  const r = await p.openai.chat.completions.create(req()).withResponse();
  assert.equal(r.response.headers.get('x-smartflow-cache'), 'hit-exact');
  assert.match(r.response.headers.get('content-type') ?? '', /text\/event-stream/);
  const { text, finish } = await drain(r.data);
  assert.equal(text, firstText);
  assert.equal(finish, 'stop');
  assert.equal(p.sim.requests.length, upstream, 'served without the provider');
  const log = (await p.api(`/api/logs/${r.response.headers.get('x-smartflow-request-id')}`)).json;
  assert.equal(log.streamed, true);
  assert.equal(log.cached, true);
  // A non-streamed request for the same prompt is served by the same entry.
  const plain = await p.openai.chat.completions.create({ ...req(), stream: false }).withResponse();
  assert.equal(plain.response.headers.get('x-smartflow-cache'), 'hit-exact');
  assert.equal(plain.data.choices[0].message.content, firstText);
});

test('a stream the client abandons is not cached', async () => {
  const q = 'tell me a long story about a lighthouse keeper';
  p.sim.script({ reply: 'Once upon a time there was a lighthouse keeper who counted the waves every night until dawn.', chunkDelayMs: 40 });
  const before = p.sim.requests.length;
  const s = await p.openai.chat.completions.create(req(q));
  let got = 0;
  for await (const c of s) {
    if (c.choices[0]?.delta?.content) got++;
    if (got >= 1) break; // the client stops reading: the openai client aborts the request
  }
  await p.sim.waitFor((rs) => rs.length > before && rs[rs.length - 1].closedByClient, 5000);
  const again = await p.openai.chat.completions.create({ ...req(q), stream: false }).withResponse();
  assert.equal(again.response.headers.get('x-smartflow-cache'), 'miss', 'a partial stream must not be served from the cache');
  assert.equal(p.sim.requests.length, before + 2);
});

test('a non-streamed reply with a key is redacted the same way', async () => {
  p.sim.script({ reply: REPLY });
  const r = await p.openai.chat.completions.create({ ...req('and the key for the staging bucket?'), stream: false });
  const text = r.choices[0].message.content ?? '';
  assert.ok(!text.includes(AWS_KEY));
  assert.match(text, /\[API_KEY(_\d+)?\]/);
});

test('the key is in no SQLite file: audit log, compliance store, and the cache (it keeps the redacted reply)', async () => {
  await p.stop();
  const leaks = scanDataDir(p.dataDir, [AWS_KEY]);
  assert.deepEqual(leaks, [], describeLeaks(leaks));
});
