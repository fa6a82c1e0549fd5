// The response cache on the native Anthropic path, driven by the official `@anthropic-ai/sdk` client
// (unchanged except baseURL + key): a repeated request is answered from the cache without contacting the
// provider (simulator), as a valid native message or SSE event sequence, with x-smartflow-cache headers
// and the audit log's metacache fields; native and OpenAI-shaped entries never answer each other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startHarness, call, type Harness } from './harness.js';

let h: Harness;
let client: Anthropic;
before(async () => {
  h = await startHarness({ config: { cache: { enabled: true }, audit: { enabled: true, storePrompts: 'full' } } });
  client = new Anthropic({ baseURL: `${h.url}/anthropic`, apiKey: h.token, maxRetries: 0 });
});
after(async () => {
  await h.close();
});

const toSim = () => h.sim.requests.filter((q) => q.provider === 'anthropic').length;

async function auditRow(requestId: string | null): Promise<any> {
  assert.ok(requestId);
  return (await call(h, `/api/logs/${requestId}`)).json;
}

async function collect(stream: AsyncIterable<Anthropic.RawMessageStreamEvent>): Promise<{ types: string[]; text: string }> {
  const types: string[] = [];
  let text = '';
  for await (const e of stream) {
    types.push(e.type);
    if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
  }
  return { types, text };
}

test('a repeated messages.create is an exact hit served without contacting the provider', async () => {
  const body = { model: 'claude-sonnet-4-5', max_tokens: 200, system: 'be brief', messages: [{ role: 'user' as const, content: 'name three rivers in europe' }] };
  const first = await client.messages.create(body).withResponse();
  assert.equal(first.response.headers.get('x-smartflow-cache'), 'miss');
  const n = toSim();
  assert.equal(n, 1);

  const second = await client.messages.create(body).withResponse();
  assert.equal(second.response.headers.get('x-smartflow-cache'), 'hit-exact');
  assert.equal(toSim(), n, 'the simulator was not contacted');
  assert.deepEqual(second.data, first.data, 'the same native message: id, content blocks, stop_reason, usage');
  assert.equal(second.data.type, 'message');

  const log = await auditRow(second.response.headers.get('x-smartflow-request-id'));
  assert.equal(log.content_type, 'chat');
  assert.equal(log.metacache.hit, true);
  assert.equal(log.metacache.hit_type, 'exact');
  assert.equal(log.metacache.query, 'name three rivers in europe');
  assert.equal(log.metacache.tokens_saved, first.data.usage.input_tokens + first.data.usage.output_tokens);
  assert.equal(log.routing_strategy, 'cache');
  assert.equal(log.cost, 0);
  const missLog = await auditRow(first.response.headers.get('x-smartflow-request-id'));
  assert.equal(missLog.metacache.hit, false);

  // Streamed, the same request is replayed as the native event sequence the SDK accumulates.
  const s = await client.messages.create({ ...body, stream: true }).withResponse();
  assert.equal(s.response.headers.get('x-smartflow-cache'), 'hit-exact');
  const { types, text } = await collect(s.data);
  assert.deepEqual(types, ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  assert.equal(text, (first.data.content[0] as Anthropic.TextBlock).text);
  const final = await client.messages.stream(body).finalMessage();
  assert.deepEqual(final.content, first.data.content);
  assert.equal(final.stop_reason, first.data.stop_reason);
  assert.equal(final.usage.output_tokens, first.data.usage.output_tokens);
  assert.equal(toSim(), n);
});

test('a streamed answer is cached whole (tool use included) and replayed to JSON and stream clients', async () => {
  const body = {
    model: 'claude-sonnet-4-5',
    max_tokens: 300,
    tools: [{ name: 'get_weather', description: 'weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }],
    messages: [{ role: 'user' as const, content: 'what is the weather in Oslo' }],
  };
  h.sim.script({ match: '/v1/messages', toolCall: { name: 'get_weather', arguments: { city: 'Oslo' } } });
  const live = await client.messages.stream(body).finalMessage();
  const tool = live.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
  assert.deepEqual(tool.input, { city: 'Oslo' });
  assert.equal(live.stop_reason, 'tool_use');
  const n = toSim();

  const json = await client.messages.create(body).withResponse();
  assert.equal(json.response.headers.get('x-smartflow-cache'), 'hit-exact');
  assert.deepEqual(json.data.content, live.content);
  assert.equal(json.data.stop_reason, 'tool_use');
  assert.equal(json.data.id, live.id);

  const again = await client.messages.stream(body).finalMessage();
  assert.deepEqual(again.content, live.content);
  assert.equal(toSim(), n, 'both answered from the cache');
});

test('a paraphrase is a semantic hit', async () => {
  const ask = (content: string) => client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content }] }).withResponse();
  const first = await ask('How do I reverse a list in Python?');
  const n = toSim();
  const para = await ask("What's the best way to reverse a Python list?");
  assert.equal(para.response.headers.get('x-smartflow-cache'), 'hit-semantic');
  assert.deepEqual(para.data.content, first.data.content);
  assert.equal(toSim(), n);
  const log = await auditRow(para.response.headers.get('x-smartflow-request-id'));
  assert.equal(log.metacache.hit_type, 'semantic');
  assert.equal(log.metacache.query, 'How do I reverse a list in Python?');
  // A hard negative does not hit.
  const neg = await ask('How do I reverse a list in Rust?');
  assert.equal(neg.response.headers.get('x-smartflow-cache'), 'miss');
});

test('native and OpenAI-shaped requests never share entries; other parameters and cache: off miss', async () => {
  const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: h.token, maxRetries: 0 });
  const prompt = 'list the planets of the solar system';
  await openai.chat.completions.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: prompt }] });
  const n = toSim();
  const native = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: prompt }] }).withResponse();
  assert.equal(native.response.headers.get('x-smartflow-cache'), 'miss', 'an OpenAI-shaped entry does not answer the native path');
  assert.equal(toSim(), n + 1);
  const back = await openai.chat.completions.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: prompt }] }).withResponse();
  assert.equal(back.response.headers.get('x-smartflow-cache'), 'hit-exact', 'the OpenAI-shaped entry still answers its own kind');
  assert.equal(toSim(), n + 1);

  const base = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user' as const, content: prompt }] };
  for (const variant of [{ ...base, top_k: 5 }, { ...base, max_tokens: 101 }, { ...base, system: 'answer in French' }]) {
    const r = await client.messages.create(variant).withResponse();
    assert.equal(r.response.headers.get('x-smartflow-cache'), 'miss', JSON.stringify(variant));
  }
  const off = await client.messages.create(base, { headers: { 'x-smartflow-cache': 'off' } }).withResponse();
  assert.equal(off.response.headers.get('x-smartflow-cache'), 'miss');
  const again = await client.messages.create(base).withResponse();
  assert.equal(again.response.headers.get('x-smartflow-cache'), 'hit-exact');
});

test('non-text content (an image) is cached exactly by its raw blocks', async () => {
  const img = (data: string) => ({
    model: 'claude-sonnet-4-5',
    max_tokens: 100,
    messages: [{ role: 'user' as const, content: [{ type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png' as const, data } }, { type: 'text' as const, text: 'describe this' }] }],
  });
  await client.messages.create(img('aGVsbG8='));
  const hit = await client.messages.create(img('aGVsbG8=')).withResponse();
  assert.equal(hit.response.headers.get('x-smartflow-cache'), 'hit-exact');
  const other = await client.messages.create(img('d29ybGQ=')).withResponse();
  assert.equal(other.response.headers.get('x-smartflow-cache'), 'miss', 'a different image is a different request');
});

test('with reply scanning on, a secret in a cached answer is redacted on disk and on every hit', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const key = 'AKIAZ3MNQ7RTUVWX2Y4P';
  const hc = await startHarness({ config: { cache: { enabled: true }, compliance: { enabled: true, policy: 'enterprise_standard', scanResponses: true }, audit: { enabled: true, storePrompts: 'redacted' } } });
  try {
    const c = new Anthropic({ baseURL: `${hc.url}/anthropic`, apiKey: hc.token, maxRetries: 0 });
    const body = { model: 'claude-sonnet-4-5', max_tokens: 80, messages: [{ role: 'user' as const, content: 'which key is in the config?' }] };
    hc.sim.script({ reply: `the key is ${key} and nothing else`, chunks: 30 });
    const live = await c.messages.stream(body).finalMessage();
    const liveText = (live.content[0] as Anthropic.TextBlock).text;
    assert.ok(!liveText.includes(key));
    const n = hc.sim.requests.length;
    for (const stream of [false, true]) {
      const r = await call(hc, '/anthropic/v1/messages', { body: { ...body, stream } });
      assert.equal(r.headers.get('x-smartflow-cache'), 'hit-exact');
      assert.ok(!r.text.includes(key), 'the key reached the client from the cache');
      assert.match(r.text, /the key is \[API_KEY/);
    }
    assert.equal(hc.sim.requests.length, n);
    for (const f of readdirSync(hc.dataDir).filter((x) => x.startsWith('cache.db'))) {
      assert.ok(!readFileSync(join(hc.dataDir, f)).includes(key), `${f} holds the key`);
    }
  } finally {
    await hc.close();
  }
});
