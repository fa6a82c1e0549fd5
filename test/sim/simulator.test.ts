// The provider simulator itself: the official openai and @anthropic-ai/sdk clients accept its wire
// format unchanged, controls and faults behave as documented, requests are recorded with keys redacted,
// and the standalone process prints its URL and serves the control endpoints.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import OpenAI, { toFile } from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator, simTokens, type Simulator } from './simulator.js';

let sim: Simulator;
before(async () => {
  sim = await startSimulator();
});
after(async () => {
  await sim.close();
});

const openai = () => new OpenAI({ apiKey: 'sk-sim-openai', baseURL: sim.baseUrlFor('openai'), maxRetries: 0 });

test('openai SDK: chat, streaming with usage, embeddings, models, transcription, speech', async () => {
  const c = openai();
  const r = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello world' }] });
  assert.equal(r.choices[0].message.content, 'Echo: hello world');
  assert.deepEqual(r.usage, { prompt_tokens: simTokens('hello world'), completion_tokens: simTokens('Echo: hello world'), total_tokens: simTokens('hello world') + simTokens('Echo: hello world') });

  const s = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one two three' }], stream: true, stream_options: { include_usage: true } });
  let text = '';
  let usage: unknown;
  let n = 0;
  for await (const ch of s) {
    n++;
    text += ch.choices[0]?.delta?.content ?? '';
    if (ch.usage) usage = ch.usage;
  }
  assert.equal(text, 'Echo: one two three');
  assert.ok(n >= 6, 'role chunk + one per word + finish + usage');
  assert.ok(usage);

  const e = await c.embeddings.create({ model: 'text-embedding-3-small', input: ['a b', 'c'] });
  assert.equal(e.data.length, 2);
  const m = await c.models.list();
  assert.ok(m.data.some((x) => x.id === 'gpt-4o'));

  const t = await c.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(Buffer.alloc(321), 'voice.mp3') });
  assert.equal(t.text, 'Transcribed voice.mp3 (321 bytes).');
  const sp = await c.audio.speech.create({ model: 'tts-1', input: 'say this', voice: 'nova' });
  assert.equal(Buffer.from(await sp.arrayBuffer()).toString(), 'SIMAUDIO:nova:say this');
});

test('openai SDK: 429 with retry-after is an APIError with the provider message; 401 without a key', async () => {
  sim.script({ status: 429, retryAfter: '7', errorMessage: 'too many' });
  await assert.rejects(
    openai().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    (e: unknown) => e instanceof OpenAI.APIError && e.status === 429 && /too many/.test(e.message) && e.headers?.get('retry-after') === '7',
  );
  const res = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"gpt-4o","messages":[]}' });
  assert.equal(res.status, 401);
  assert.match(((await res.json()) as { error: { message: string } }).error.message, /Missing API key/);
});

test('anthropic SDK: messages JSON and the streaming event sequence', async () => {
  const c = new Anthropic({ apiKey: 'sk-ant-sim', baseURL: sim.baseUrlFor('anthropic'), maxRetries: 0 });
  const r = await c.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 100, system: 'sys', messages: [{ role: 'user', content: 'bonjour' }] });
  assert.equal(r.content[0].type === 'text' && r.content[0].text, 'Echo: bonjour');
  assert.equal(r.stop_reason, 'end_turn');
  assert.equal(r.usage.input_tokens, simTokens('sys') + simTokens('bonjour'));

  const stream = c.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'a b c' }] });
  const types: string[] = [];
  stream.on('streamEvent', (ev) => types.push(ev.type));
  const final = await stream.finalMessage();
  assert.equal(final.content[0].type === 'text' && final.content[0].text, 'Echo: a b c');
  assert.equal(types[0], 'message_start');
  assert.equal(types.at(-1), 'message_stop');
  assert.ok(types.includes('content_block_delta') && types.includes('message_delta'));

  const cut = await c.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 2, messages: [{ role: 'user', content: 'a long message that will be cut' }] });
  assert.equal(cut.stop_reason, 'max_tokens');

  sim.script({ status: 529, errorMessage: 'Overloaded' });
  await assert.rejects(c.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => e instanceof Anthropic.APIError && e.status === 529 && /Overloaded/.test(e.message));
});

test('SDK stream helpers accumulate simulated tool calls (OpenAI and Anthropic)', async () => {
  const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: { query: { type: 'string' } } } } }];
  sim.script({ toolCall: 'auto' });
  const s = openai().chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'find cats' }], tools });
  const done = await s.finalChatCompletion();
  assert.equal(done.choices[0].finish_reason, 'tool_calls');
  const call = done.choices[0].message.tool_calls![0] as { function: { name: string; arguments: string } };
  assert.equal(call.function.name, 'lookup');
  assert.deepEqual(JSON.parse(call.function.arguments), { query: 'find cats' });

  const c = new Anthropic({ apiKey: 'k', baseURL: sim.baseUrlFor('anthropic'), maxRetries: 0 });
  sim.script({ toolCall: 'auto' });
  const as = c.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'find dogs' }], tools: [{ name: 'lookup', input_schema: { type: 'object' } }] });
  const fm = await as.finalMessage();
  assert.equal(fm.stop_reason, 'tool_use');
  const block = fm.content.find((b) => b.type === 'tool_use');
  assert.ok(block && block.type === 'tool_use');
  assert.deepEqual(block.input, { query: 'find dogs' });
});

test('records requests with auth redacted (raw key kept in memory only)', async () => {
  sim.reset();
  await openai().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'rec' }] });
  const r = sim.requests[0];
  assert.equal(r.path, '/v1/chat/completions');
  assert.equal(r.headers.authorization, '[redacted]');
  assert.equal(r.hadAuth, true);
  assert.equal(r.apiKey, 'sk-sim-openai');
  assert.deepEqual((r.body as { messages: unknown[] }).messages, [{ role: 'user', content: 'rec' }]);
  assert.equal(r.completed, true);
  assert.ok(!JSON.stringify({ ...r, apiKey: undefined }).includes('sk-sim-openai'));
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k', ...headers }, body: JSON.stringify(body) });
}
const CHAT = { model: 'gpt-4o', messages: [{ role: 'user', content: 'a b c d e f' }], stream: true };

test('controls: latency, chunk count and pacing, reply override', async () => {
  let t0 = performance.now();
  const slow = await post('/v1/chat/completions', { ...CHAT, stream: false }, { 'x-sim-latency-ms': '120' });
  assert.ok(performance.now() - t0 >= 110, 'headers were delayed');
  assert.equal(slow.status, 200);

  t0 = performance.now();
  const res = await post('/v1/chat/completions', CHAT, { 'x-sim-chunks': '5', 'x-sim-chunk-delay-ms': '30', 'x-sim-reply': 'abcdefghij' });
  const text = await res.text();
  const dataLines = text.split('\n').filter((l) => l.startsWith('data: {'));
  assert.equal(dataLines.length, 1 + 5 + 1, 'role + 5 content chunks + finish');
  assert.ok(performance.now() - t0 >= 6 * 30 - 10, 'events were paced');
  assert.equal(dataLines.map((l) => JSON.parse(l.slice(6)).choices[0].delta.content ?? '').join(''), 'abcdefghij');
});

test('script queue: consumed in order, per match, then normal behaviour resumes', async () => {
  sim.reset();
  sim.script([{ status: 500, match: '/chat/completions' }, { status: 503, times: 2 }]);
  assert.equal((await post('/v1/embeddings', { model: 'e', input: 'x' })).status, 503, 'first entry did not match this path');
  assert.equal((await post('/v1/chat/completions', { ...CHAT, stream: false })).status, 500);
  assert.equal((await post('/v1/chat/completions', { ...CHAT, stream: false })).status, 503);
  assert.equal((await post('/v1/chat/completions', { ...CHAT, stream: false })).status, 200);
});

test('faults: truncate, malformed, stream-error, reset, reset-mid-stream', async () => {
  const trunc = await (await post('/v1/chat/completions', CHAT, { 'x-sim-fault': 'truncate' })).text();
  assert.ok(trunc.includes('"finish_reason":"stop"') && !trunc.includes('[DONE]'));
  const anth = await (await post('/anthropic/v1/messages', { model: 'c', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] }, { 'x-sim-fault': 'truncate' })).text();
  assert.ok(anth.includes('event: ping') && anth.includes('message_delta') && !anth.includes('message_stop'));

  const bad = await (await post('/v1/chat/completions', CHAT, { 'x-sim-fault': 'malformed' })).text();
  assert.ok(bad.includes('data: {"id":"broken",\n\n'));

  const se = await (await post('/v1/chat/completions', CHAT, { 'x-sim-fault': 'stream-error', 'x-sim-error': 'boom' })).text();
  assert.ok(se.includes('"message":"boom"') && !se.includes('[DONE]'));

  await assert.rejects(post('/v1/chat/completions', CHAT, { 'x-sim-fault': 'reset' }));
  const mid = await post('/v1/chat/completions', CHAT, { 'x-sim-fault': 'reset-mid-stream' });
  assert.equal(mid.status, 200);
  await assert.rejects(mid.text(), 'the body breaks off');
  const last = sim.requests.at(-1)!;
  assert.equal(last.closedByServer, true);
  assert.equal(last.closedByClient, false, 'a simulated reset is not reported as a client disconnect');
});

test('hang: the request stays open and the simulator sees the client close the connection', async () => {
  sim.reset();
  const req = httpRequest(`${sim.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer k', 'x-sim-fault': 'hang', 'content-type': 'application/json' } });
  req.on('error', () => undefined);
  req.end(JSON.stringify(CHAT));
  await sim.waitFor((r) => r.length === 1);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(sim.requests[0].closedByClient, false, 'still open: no answer was sent');
  req.destroy();
  await sim.waitFor((r) => r[0].closedByClient);
  assert.equal(sim.requests[0].completed, false);
});

test('azure paths need api-version; ollama needs no key; unknown paths 404 in the provider format', async () => {
  const az = await fetch(`${sim.url}/azure/openai/deployments/d1/chat/completions`, { method: 'POST', headers: { 'api-key': 'k', 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }) });
  assert.equal(az.status, 404);
  const ok = await fetch(`${sim.url}/azure/openai/deployments/d1/chat/completions?api-version=2024-10-21`, { method: 'POST', headers: { 'api-key': 'k', 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }) });
  assert.equal(((await ok.json()) as { model: string }).model, 'd1');
  const ol = await fetch(`${sim.url}/ollama/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'llama3', messages: [{ role: 'user', content: 'x' }] }) });
  assert.equal(ol.status, 200);
  const nf = await post('/anthropic/v1/nothing', {});
  assert.equal(nf.status, 404);
  assert.equal(((await nf.json()) as { type: string }).type, 'error');
  const badJson = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body: '{nope' });
  assert.equal(badJson.status, 400);
});

test('validKeys: other keys get the provider 401', async () => {
  const s2 = await startSimulator({ validKeys: ['good'] });
  try {
    const bad = await fetch(`${s2.url}/v1/models`, { headers: { authorization: 'Bearer wrong' } });
    assert.equal(bad.status, 401);
    const good = await fetch(`${s2.url}/v1/models`, { headers: { authorization: 'Bearer good' } });
    assert.equal(good.status, 200);
  } finally {
    await s2.close();
  }
});

test('standalone process: prints {"url"} and serves the control endpoints', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/sim/simulator.ts', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    const { url } = JSON.parse(line.toString().trim()) as { url: string };
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    await fetch(`${url}/__sim/script`, { method: 'POST', body: JSON.stringify([{ status: 502 }]) });
    const r = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer secret-key', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }) });
    assert.equal(r.status, 502);
    const reqs = (await (await fetch(`${url}/__sim/requests`)).json()) as Array<{ hadAuth: boolean; apiKey?: string }>;
    assert.equal(reqs.length, 1);
    assert.equal(reqs[0].hadAuth, true);
    assert.equal(reqs[0].apiKey, undefined, 'raw keys never leave the process');
    assert.ok(!JSON.stringify(reqs).includes('secret-key'));
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});
