// `n > 1` on providers that answer one choice per request (Anthropic, Cohere, Groq, Ollama): the gateway
// sends n one-choice calls in parallel and merges them into choices[0..n-1] with summed usage and cost,
// streamed or not. The official `openai` client against the gateway, the provider simulator upstream.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startHarness, call, type Harness } from '../server/harness.js';

let h: Harness;
let client: OpenAI;
before(async () => {
  h = await startHarness({
    config: {
      audit: { enabled: true, storePrompts: 'full' },
      routing: { fallbacks: { 'cohere/command-r': ['gpt-4o-mini'] } },
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
    },
  });
  client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: h.token, maxRetries: 0 });
});
after(async () => {
  await h.close();
});
afterEach(() => h.sim.reset());

async function auditRow(requestId: string | null): Promise<any> {
  assert.ok(requestId);
  return (await call(h, `/api/logs/${requestId}`)).json;
}

for (const model of ['claude-sonnet-4-5', 'cohere/command-r', 'groq/llama-3.3-70b-versatile']) {
  const provider = model.startsWith('claude') ? 'anthropic' : model.split('/')[0];

  test(`${provider}: n=3 fans out into 3 calls and merges choices, usage and cost`, async () => {
    const messages = [{ role: 'user' as const, content: 'tell me three things' }];
    const single = await client.chat.completions.create({ model, messages }).withResponse();
    const one = single.data;
    const oneLog = await auditRow(single.response.headers.get('x-smartflow-request-id'));
    h.sim.reset();

    const { data: r, response } = await client.chat.completions.create({ model, messages, n: 3 }).withResponse();
    assert.equal(r.choices.length, 3);
    assert.deepEqual(r.choices.map((c) => c.index), [0, 1, 2]);
    for (const c of r.choices) {
      assert.equal(c.message.role, 'assistant');
      assert.equal(c.message.content, one.choices[0].message.content);
      assert.equal(c.finish_reason, 'stop');
    }
    const sent = h.sim.requests.filter((q) => q.provider === provider);
    assert.equal(sent.length, 3, 'three upstream calls');
    assert.ok(sent.every((q) => (q.body as Record<string, unknown>).n === undefined), 'n is never sent to a provider without it');
    assert.equal(r.usage!.prompt_tokens, 3 * one.usage!.prompt_tokens);
    assert.equal(r.usage!.completion_tokens, 3 * one.usage!.completion_tokens);
    assert.equal(r.usage!.total_tokens, 3 * one.usage!.total_tokens);
    const log = await auditRow(response.headers.get('x-smartflow-request-id'));
    assert.equal(log.provider, provider);
    assert.equal(log.tokens_used, 3 * one.usage!.total_tokens);
    assert.ok(Math.abs(log.cost - 3 * oneLog.cost) < 1e-12, `cost ${log.cost} = 3 × ${oneLog.cost}`);
  });

  test(`${provider}: streamed n=2 emits every choice with its index, then one summed usage chunk`, async () => {
    const messages = [{ role: 'user' as const, content: 'stream two answers' }];
    const one = await client.chat.completions.create({ model, messages });
    h.sim.reset();
    const stream = await client.chat.completions.create({ model, messages, n: 2, stream: true, stream_options: { include_usage: true } });
    const text = new Map<number, string>();
    const finish = new Map<number, string | null>();
    const ids = new Set<string>();
    let usage: OpenAI.CompletionUsage | null | undefined;
    let usageChunks = 0;
    for await (const ch of stream) {
      ids.add(ch.id);
      if (ch.usage) {
        usage = ch.usage;
        usageChunks++;
      }
      for (const c of ch.choices) {
        text.set(c.index, (text.get(c.index) ?? '') + (c.delta.content ?? ''));
        if (c.finish_reason) finish.set(c.index, c.finish_reason);
      }
    }
    assert.deepEqual([...text.keys()].sort(), [0, 1]);
    for (const i of [0, 1]) {
      assert.equal(text.get(i), one.choices[0].message.content);
      assert.equal(finish.get(i), 'stop');
    }
    assert.equal(ids.size, 1, 'one id for the whole response');
    assert.equal(usageChunks, 1);
    assert.equal(usage!.total_tokens, 2 * one.usage!.total_tokens);
    assert.equal(h.sim.requests.filter((q) => q.provider === provider).length, 2);
  });
}

test('a streamed fan-out without include_usage sends no usage chunk, and the OpenAI SDK assembles the choices', async () => {
  const stream = client.chat.completions.stream({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'assemble me' }], n: 2 });
  let sawUsage = false;
  stream.on('chunk', (ch) => {
    if (ch.usage) sawUsage = true;
  });
  const final = await stream.finalChatCompletion();
  assert.equal(final.choices.length, 2);
  assert.ok(final.choices.every((c) => /assemble me/.test(c.message.content ?? '')));
  assert.equal(sawUsage, false);
});

test('one failing call fails the request (no partial choices) and the fallback chain takes over', async () => {
  // Cohere answers every call with 500: the fan-out fails and gpt-4o-mini (OpenAI, native n) answers.
  h.sim.script({ match: (r) => r.provider === 'cohere', status: 500, errorMessage: 'one of them broke', times: 100 });
  const { data: r, response } = await client.chat.completions.create({ model: 'cohere/command-r', messages: [{ role: 'user', content: 'x y z' }], n: 2 }).withResponse();
  assert.equal(response.headers.get('x-smartflow-provider'), 'openai');
  assert.equal(r.choices.length, 2);
  const toOpenAi = h.sim.requests.filter((q) => q.provider === 'openai');
  assert.equal(toOpenAi.length, 1, 'OpenAI gets one call with n=2');
  assert.equal((toOpenAi[0].body as { n?: number }).n, 2);
});

test('a 400 on one call is the answer: no fallback, the other calls are cancelled', async () => {
  h.sim.script({ match: (r) => r.provider === 'anthropic', status: 400, errorMessage: 'max_tokens: too large (simulated)' });
  await assert.rejects(
    client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'q' }], n: 3 }),
    (e: unknown) => e instanceof OpenAI.BadRequestError && /too large/.test(e.message),
  );
  assert.ok(h.sim.requests.every((q) => q.provider === 'anthropic'));
});

test('n beyond the fan-out limit → 400 naming the provider and what to do', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'q' }], n: 17 }),
    (e: unknown) => e instanceof OpenAI.BadRequestError && /Anthropic returns one choice per request/.test(e.message) && /fewer choices/.test(e.message),
  );
  assert.equal(h.sim.requests.length, 0);
});

test('providers with native n get it passed through as one call', async () => {
  const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'q' }], n: 2 });
  assert.equal(r.choices.length, 2);
  assert.equal(h.sim.requests.length, 1);
  assert.equal((h.sim.requests[0].body as { n?: number }).n, 2);
});

test('a streamed fan-out whose sub-stream is cut off ends with an error, not a short answer', async () => {
  h.sim.script({ match: (r) => r.provider === 'anthropic', fault: 'truncate', times: 10 });
  const stream = await client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'cut one off' }], n: 2, stream: true });
  await assert.rejects(
    (async () => {
      for await (const _ of stream) void _;
    })(),
    (e: unknown) => e instanceof OpenAI.APIError && /ended before message_stop/.test(e.message),
  );
  const log = (await call(h, '/api/logs?limit=1')).json;
  const row = (log.logs ?? log.data ?? log)[0];
  assert.equal(row.metrics.success, false);
});

test('streamed fan-out: stalled before any event → reopened whole; a client disconnect cancels every call', async () => {
  const hs = await startHarness({ config: { timeouts: { connectMs: 2000, headersMs: 400, bodyMs: 400 }, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 } } });
  try {
    const c = new OpenAI({ baseURL: `${hs.url}/v1`, apiKey: hs.token, maxRetries: 0 });
    // Both calls send their headers, then nothing: the body timeout fires before any chunk reached the client.
    hs.sim.script({ match: '/v1/messages', bodyDelayMs: 1500, times: 2 });
    const stream = await c.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'stall then work' }], n: 2, stream: true });
    const text = new Map<number, string>();
    for await (const ch of stream) for (const x of ch.choices) text.set(x.index, (text.get(x.index) ?? '') + (x.delta.content ?? ''));
    assert.equal(text.size, 2);
    for (const t of text.values()) assert.match(t, /stall then work/);
    assert.equal(hs.sim.requests.length, 4, 'two stalled calls, then the fan-out opened again');

    hs.sim.reset();
    hs.sim.script({ match: '/v1/messages', chunks: 40, chunkDelayMs: 40, times: 3 });
    const ac = new AbortController();
    const slow = await c.chat.completions.create(
      { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'a long answer with many words in it to stream slowly' }], n: 3, stream: true },
      { signal: ac.signal },
    );
    let got = 0;
    try {
      for await (const _ of slow) if (++got === 4) ac.abort();
    } catch {
      /* the SDK may end quietly or throw an abort error */
    }
    await hs.sim.waitFor((reqs) => reqs.length === 3 && reqs.every((r) => r.closedByClient), 3000);
  } finally {
    await hs.close();
  }
});
