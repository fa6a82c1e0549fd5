// The official `openai` client, unchanged except baseURL + apiKey, against the gateway over loopback,
// with the provider simulator as OpenAI behind it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let client: OpenAI;
before(async () => {
  h = await startHarness();
  client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: h.token, maxRetries: 0 });
});
after(async () => {
  await h.close();
});

test('chat completion (non-streaming) round-trips through the gateway', async () => {
  const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }] }).withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.match(data.choices[0].message.content ?? '', /hello there/);
  assert.ok(data.usage && data.usage.total_tokens > 0, 'usage is reported');
  const rid = response.headers.get('x-smartflow-request-id');
  assert.match(rid ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(response.headers.get('x-smartflow-provider'), 'openai');
  assert.equal(response.headers.get('x-smartflow-cache'), 'miss');
  assert.ok(Number(response.headers.get('x-smartflow-gateway-ms')) >= 0);
  // The simulator saw the provider key from the env, not our local token.
  const last = h.sim.requests.at(-1)!;
  assert.equal(last.path, '/v1/chat/completions');
  assert.notEqual(last.apiKey, h.token);
});

test('chat completion streaming: chunks arrive one by one and end cleanly', async () => {
  h.sim.script({ match: '/chat/completions', chunks: 5 });
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one two three four five' }], stream: true });
  let text = '';
  let n = 0;
  let usageSeen = false;
  for await (const chunk of stream) {
    n++;
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usageSeen = true;
  }
  assert.match(text, /one two three four five/);
  assert.ok(n >= 5, `expected at least 5 chunks, got ${n}`);
  // The gateway asked upstream for usage, but the client did not: the usage-only chunk is not forwarded.
  assert.equal(usageSeen, false);
  const sent = h.sim.requests.at(-1)!.body as { stream_options?: { include_usage?: boolean } };
  assert.equal(sent.stream_options?.include_usage, true);
});

test('streaming with include_usage returns usage to the client', async () => {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'count tokens' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let usage: OpenAI.CompletionUsage | undefined | null;
  for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
  assert.ok(usage && usage.prompt_tokens > 0 && usage.completion_tokens > 0);
});

test('embeddings', async () => {
  const r = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
  assert.equal(r.data.length, 2);
  assert.ok(Array.isArray(r.data[0].embedding) && r.data[0].embedding.length > 0);
});

test('models list across configured providers', async () => {
  const page = await client.models.list();
  const ids = page.data.map((m) => m.id);
  assert.ok(ids.length > 0);
  assert.ok(ids.some((id) => !id.includes('/')), 'OpenAI models are listed without a prefix');
});

test('unknown model → 400 with the accepted prefixes', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
    (e: unknown) => e instanceof OpenAI.BadRequestError && /no-such-model/.test(e.message) && /anthropic\//.test(e.message),
  );
});

test('missing messages → 400 naming the field', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'gpt-4o', messages: [] }),
    (e: unknown) => e instanceof OpenAI.BadRequestError && /messages/.test(e.message),
  );
});

test('bad token → 401 AuthenticationError', async () => {
  const bad = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
  await assert.rejects(bad.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }), OpenAI.AuthenticationError);
});

test('upstream 500 → 502 with the provider message', async () => {
  h.sim.script({ match: '/chat/completions', status: 500, errorMessage: 'the model is on fire', times: 3 });
  await assert.rejects(
    client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    (e: unknown) => e instanceof OpenAI.APIError && e.status === 502 && /the model is on fire/.test(e.message),
  );
});

test('upstream 429 (after retries) → 429 RateLimitError with the provider message', async () => {
  h.sim.script({ match: '/chat/completions', status: 429, retryAfter: '0', errorMessage: 'slow down please', times: 3 });
  await assert.rejects(
    client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    (e: unknown) => e instanceof OpenAI.RateLimitError && /slow down please/.test(e.message),
  );
});
