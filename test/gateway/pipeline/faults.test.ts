// Fault handling end to end (openai client → gateway → simulator): retries with retry-after and on
// 5xx, fallback to a second provider, timeouts → 504, client disconnect aborting the upstream, and a
// truncated stream turning into a clean error for the client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startHarness, call, type Harness } from '../server/harness.js';

let h: Harness;
let client: OpenAI;
const chatPath = '/v1/chat/completions';
before(async () => {
  h = await startHarness({
    config: {
      retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5000 },
      timeouts: { connectMs: 2000, headersMs: 400, bodyMs: 400 },
      routing: { fallbacks: { 'gpt-4o': ['anthropic/claude-haiku-4-5'] } },
    },
  });
  client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: h.token, maxRetries: 0 });
});
after(async () => {
  await h.close();
});

const ask = (model = 'gpt-4o-mini', content = 'ping') => client.chat.completions.create({ model, messages: [{ role: 'user', content }] }).withResponse();

test('429 with retry-after (seconds) is retried after the wait and succeeds', async () => {
  h.sim.reset();
  h.sim.script({ match: chatPath, status: 429, retryAfter: '1' });
  const t0 = performance.now();
  const { data } = await ask();
  const took = performance.now() - t0;
  assert.match(data.choices[0].message.content ?? '', /ping/);
  assert.equal(h.sim.requests.filter((r) => r.path === chatPath).length, 2);
  assert.ok(took >= 900, `waited for retry-after (took ${took.toFixed(0)} ms)`);
});

test('429 with a retry-after beyond the bound is not waited for: 429 at once', async () => {
  h.sim.reset();
  h.sim.script({ match: chatPath, status: 429, retryAfter: '120' });
  const t0 = performance.now();
  await assert.rejects(ask(), (e: unknown) => e instanceof OpenAI.RateLimitError && e.headers.get('retry-after') === '120');
  assert.ok(performance.now() - t0 < 1000);
  assert.equal(h.sim.requests.filter((r) => r.path === chatPath).length, 1);
});

test('5xx is retried with backoff and then succeeds', async () => {
  h.sim.reset();
  h.sim.script({ match: chatPath, status: 503, times: 2 });
  const { data } = await ask();
  assert.ok(data.choices[0].message.content);
  assert.equal(h.sim.requests.filter((r) => r.path === chatPath).length, 3);
});

test('a 400 from the provider is not retried and keeps its status', async () => {
  h.sim.reset();
  h.sim.script({ match: chatPath, status: 400, errorMessage: 'bad parameter foo' });
  await assert.rejects(ask(), (e: unknown) => e instanceof OpenAI.BadRequestError && /bad parameter foo/.test(e.message));
  assert.equal(h.sim.requests.length, 1);
});

test('connection reset before any byte is retried', async () => {
  h.sim.reset();
  h.sim.script({ match: chatPath, fault: 'reset' });
  const { data } = await ask();
  assert.ok(data.choices[0].message.content);
  assert.equal(h.sim.requests.filter((r) => r.path === chatPath).length, 2);
});

test('fallback: the primary keeps failing → the chain’s next provider answers', async () => {
  // A fresh gateway: provider health from the other tests must not reorder the chain here.
  const g = await startHarness({ config: { routing: { fallbacks: { 'gpt-4o': ['anthropic/claude-haiku-4-5'] } } } });
  try {
    const c = new OpenAI({ baseURL: `${g.url}/v1`, apiKey: g.token, maxRetries: 0 });
    g.sim.script({ match: chatPath, status: 500, errorMessage: 'primary down', times: 3 });
    const { data, response } = await c.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'fall back please' }] }).withResponse();
    assert.match(data.choices[0].message.content ?? '', /fall back please/);
    assert.equal(response.headers.get('x-smartflow-provider'), 'anthropic');
    assert.equal(g.sim.requests.filter((r) => r.path === chatPath).length, 3, 'the primary was tried with its retries first');
    assert.ok(g.sim.requests.some((r) => r.path === '/anthropic/v1/messages'));
    const st = await call(g, '/api/routing/status');
    assert.equal(st.json.last_failure.provider, 'openai');
    assert.match(st.json.last_failure.message, /primary down/);
    assert.equal(st.json.active_provider, 'anthropic');
    assert.deepEqual(st.json.fallback_chains['gpt-4o'], ['anthropic/claude-haiku-4-5']);
    // After three straight failures the primary is unhealthy: the next request goes to the fallback first.
    g.sim.reset();
    const again = await c.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'again' }] }).withResponse();
    assert.equal(again.response.headers.get('x-smartflow-provider'), 'anthropic');
    assert.equal(g.sim.requests.filter((r) => r.path === chatPath).length, 0);
  } finally {
    await g.close();
  }
});

test('fallback works for streams too (before the first byte)', async () => {
  h.sim.reset();
  h.sim.script({ match: chatPath, status: 502, times: 3 });
  const { data: stream, response } = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'stream fallback' }], stream: true }).withResponse();
  let text = '';
  for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
  assert.match(text, /stream fallback/);
  assert.equal(response.headers.get('x-smartflow-provider'), 'anthropic');
});

test('slow headers → 504 upstream_timeout', async () => {
  h.sim.reset();
  h.sim.script({ match: chatPath, latencyMs: 3000, times: 3 });
  await assert.rejects(ask(), (e: unknown) => e instanceof OpenAI.APIError && e.status === 504 && /Timed out/.test(e.message));
});

test('a stream that stalls before its first event is retried transparently', async () => {
  h.sim.reset();
  h.sim.script({ match: chatPath, bodyDelayMs: 1500 });
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'stall then work' }], stream: true });
  let text = '';
  for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
  assert.match(text, /stall then work/);
  assert.equal(h.sim.requests.filter((r) => r.path === chatPath).length, 2);
});

test('client disconnect mid-stream aborts the upstream request', async () => {
  h.sim.reset();
  h.sim.script({ match: chatPath, chunks: 40, chunkDelayMs: 50 });
  const ac = new AbortController();
  const stream = await client.chat.completions.create(
    { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a long answer with many words in it to stream slowly' }], stream: true },
    { signal: ac.signal },
  );
  let n = 0;
  try {
    for await (const _ of stream) {
      if (++n === 2) ac.abort();
    }
  } catch {
    /* the SDK may end the iteration quietly or throw an abort error */
  }
  assert.ok(n >= 2 && n < 40, `stopped early (${n} chunks)`);
  await h.sim.waitFor((reqs) => reqs.some((r) => r.path === chatPath && r.closedByClient), 3000);
  const rec = h.sim.requests.find((r) => r.path === chatPath)!;
  assert.equal(rec.completed, false);
});

test('client disconnect while waiting for a non-streaming answer aborts the upstream request', async () => {
  h.sim.reset();
  h.sim.script({ match: chatPath, latencyMs: 350 });
  const ac = new AbortController();
  const p = client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slow one' }] }, { signal: ac.signal });
  setTimeout(() => ac.abort(), 100);
  await assert.rejects(p);
  await h.sim.waitFor((reqs) => reqs.some((r) => r.path === chatPath && r.closedByClient), 3000);
});

test('truncated stream (no [DONE]) → the client gets a clean error, not a silent short answer', async () => {
  h.sim.reset();
  h.sim.script({ match: chatPath, fault: 'truncate' });
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'cut short' }], stream: true });
  await assert.rejects(
    (async () => {
      for await (const _ of stream) {
        /* drain */
      }
    })(),
    (e: unknown) => e instanceof Error && /\[DONE\]|incomplete/.test(e.message),
  );
});

test('connection reset mid-stream → a clean error event', async () => {
  h.sim.reset();
  h.sim.script({ match: chatPath, fault: 'reset-mid-stream', chunks: 6 });
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one two three four five six' }], stream: true });
  await assert.rejects(
    (async () => {
      for await (const _ of stream) {
        /* drain */
      }
    })(),
    (e: unknown) => e instanceof Error && /reach|connection|failed|incomplete/i.test(e.message),
  );
  // And the gateway still serves.
  const { data } = await ask();
  assert.ok(data.choices[0].message.content);
});

test('provider health reflects failures', async () => {
  const ph = await call(h, '/api/providers/health');
  const openai = ph.json.find((p: { provider: string }) => p.provider === 'openai');
  assert.ok(openai.error_rate > 0, 'errors were counted');
  assert.ok(openai.success_rate < 1);
});
