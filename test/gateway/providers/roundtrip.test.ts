// Every adapter over real loopback HTTP against the provider simulator: build the upstream request from
// settings resolved from the simulator's env, send it with fetch, and parse the reply (JSON and SSE)
// with the adapter. Proves the adapters and the simulator speak the same wire for each provider.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, simTokens, type Simulator } from '../../sim/simulator.js';
import { listAdapters, getAdapter } from '../../../src/gateway/providers/index.js';
import { resolveProviderSettings } from '../../../src/gateway/providers/settings.js';
import { createEventSplitter } from '../../../src/gateway/providers/sse.js';
import type { ProviderAdapter, UpstreamRequest } from '../../../src/gateway/providers/types.js';
import type { ChatChunk } from '../../../src/gateway/types.js';

let sim: Simulator;
before(async () => {
  sim = await startSimulator();
});
after(async () => {
  await sim.close();
});

async function send(r: UpstreamRequest): Promise<Response> {
  return fetch(r.url, { method: r.method, headers: r.headers, body: r.body as RequestInit['body'] });
}

async function stream(a: ProviderAdapter, r: UpstreamRequest): Promise<{ chunks: ChatChunk[]; parser: ReturnType<ProviderAdapter['createStreamParser']> }> {
  const res = await send(r);
  assert.equal(res.status, 200, await res.clone().text());
  const splitter = createEventSplitter(a.streamFormat);
  const parser = a.createStreamParser('m', 'rt');
  const chunks: ChatChunk[] = [];
  for await (const piece of res.body as unknown as AsyncIterable<Uint8Array>) for (const ev of splitter.push(piece)) chunks.push(...parser.push(ev));
  for (const ev of splitter.end()) chunks.push(...parser.push(ev));
  chunks.push(...parser.end());
  return { chunks, parser };
}

const MODEL: Record<string, string> = { anthropic: 'claude-sonnet-4-6', cohere: 'command-r-plus', azure: 'my-deployment', gemini: 'gemini-2.0-flash' };

for (const a of listAdapters()) {
  test(`${a.id}: chat JSON + stream round trip through the simulator`, async () => {
    sim.reset();
    const s = resolveProviderSettings(a, sim.env());
    const model = MODEL[a.id] ?? `${a.id}-model`;
    const req = { model, messages: [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: `Hello ${a.id}` }] };

    const res = await send(a.buildChat(req, model, s));
    assert.equal(res.status, 200);
    const parsed = a.parseChat(await res.json(), model);
    assert.equal(parsed.choices[0].message.content, `Echo: Hello ${a.id}`);
    assert.equal(parsed.choices[0].finish_reason, 'stop');
    assert.equal(parsed.usage?.completion_tokens, simTokens(`Echo: Hello ${a.id}`));

    const rec = sim.requests[0];
    assert.equal(rec.provider, a.id === 'local' ? 'local' : a.id);
    assert.equal(rec.hadAuth, !a.keyOptional, 'key sent exactly when the provider needs one');
    if (!a.keyOptional) assert.equal(rec.apiKey, `sk-sim-${a.id}`);

    const built = a.buildChat({ ...req, stream: true }, model, s);
    const { chunks, parser } = await stream(a, built);
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), `Echo: Hello ${a.id}`);
    assert.equal(parser.done(), true);
    if (built.injectedUsage || a.id === 'anthropic' || a.id === 'cohere') {
      assert.equal(parser.usage()?.completion_tokens, simTokens(`Echo: Hello ${a.id}`), 'usage reported in the stream');
    }
    assert.equal(chunks.filter((c) => c.choices[0]?.finish_reason === 'stop').length, 1);
  });
}

test('tool calls round trip (OpenAI, Anthropic, Cohere)', async () => {
  for (const id of ['openai', 'anthropic', 'cohere']) {
    const a = getAdapter(id)!;
    const s = resolveProviderSettings(a, sim.env());
    sim.script({ toolCall: 'auto', times: 2 });
    const req = {
      model: 'm',
      messages: [{ role: 'user' as const, content: 'weather in Oslo' }],
      tools: [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { query: { type: 'string' } } } } }],
    };
    const parsed = a.parseChat(await (await send(a.buildChat(req, MODEL[id] ?? 'gpt-4o', s))).json(), 'm');
    assert.equal(parsed.choices[0].finish_reason, 'tool_calls', id);
    assert.equal(parsed.choices[0].message.tool_calls?.[0].function.name, 'get_weather');
    assert.deepEqual(JSON.parse(parsed.choices[0].message.tool_calls![0].function.arguments), { query: 'weather in Oslo' });

    const { chunks } = await stream(a, a.buildChat({ ...req, stream: true }, MODEL[id] ?? 'gpt-4o', s));
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    assert.equal(calls[0].function?.name, 'get_weather', id);
    assert.deepEqual(JSON.parse(calls.map((t) => t.function?.arguments ?? '').join('')), { query: 'weather in Oslo' }, id);
    assert.equal(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason, 'tool_calls');
  }
});

test('embeddings, models, rerank, images, transcription, speech through the simulator', async () => {
  const env = sim.env();
  for (const a of listAdapters()) {
    const s = resolveProviderSettings(a, env);
    if (a.operations.has('embeddings')) {
      const e = a.parseEmbeddings!(await (await send(a.buildEmbeddings!({ model: 'e', input: ['alpha beta', 'gamma'] }, 'embed-english-v3.0', s))).json(), 'e');
      assert.equal(e.data.length, 2, a.id);
      assert.equal((e.data[0].embedding as number[]).length, 64);
      assert.ok(e.usage.prompt_tokens > 0, a.id);
    }
    if (a.operations.has('models')) {
      const models = a.parseListModels!(await (await send(a.buildListModels!(s))).json());
      assert.ok(models.length >= 2, a.id);
      assert.ok(models.every((m) => m.provider === a.id));
    }
  }
  const co = getAdapter('cohere')!;
  const rr = co.parseRerank!(
    await (await send(co.buildRerank!({ model: 'rerank-v3.5', query: 'red apples', documents: ['blue sky', 'red apples are sweet', 'apples'] }, 'rerank-v3.5', resolveProviderSettings(co, env)))).json(),
    'rerank-v3.5',
  );
  assert.deepEqual(rr.results.map((r) => r.index), [1, 2, 0]);

  const oa = getAdapter('openai')!;
  const os = resolveProviderSettings(oa, env);
  const img = oa.parseImages!(await (await send(oa.buildImages!({ model: 'dall-e-3', prompt: 'a cat', response_format: 'b64_json' }, 'dall-e-3', os))).json());
  assert.equal(Buffer.from(img.data[0].b64_json!, 'base64').toString(), 'SIMPNG:a cat:0');

  const audio = new Uint8Array(1000).map((_, i) => i % 256);
  const tr = await send(oa.buildTranscription!({ model: 'whisper-1', file: { data: audio, filename: 'clip.wav', contentType: 'audio/wav' }, language: 'en' }, 'whisper-1', os));
  assert.deepEqual(oa.parseTranscription!(await tr.json(), 'application/json'), { text: 'Transcribed clip.wav (1000 bytes) in en.' });
  const file = (sim.requests.at(-1)!.body as { files: Array<{ data: Buffer }> }).files[0];
  assert.deepEqual(new Uint8Array(file.data), audio, 'the simulator received the exact bytes');
  const txt = await send(oa.buildTranscription!({ model: 'whisper-1', file: { data: audio, filename: 'c.wav' }, response_format: 'text' }, 'whisper-1', os));
  assert.equal(oa.parseTranscription!(await txt.text(), txt.headers.get('content-type') ?? ''), 'Transcribed c.wav (1000 bytes).');

  const sp = await send(oa.buildSpeech!({ model: 'tts-1', input: 'Hi there', voice: 'alloy' }, 'tts-1', os));
  assert.equal(sp.headers.get('content-type'), 'audio/mpeg');
  assert.equal(Buffer.from(await sp.arrayBuffer()).toString(), 'SIMAUDIO:alloy:Hi there');
});

test('native Anthropic passthrough request is accepted by the simulator as-is', async () => {
  const a = getAdapter('anthropic')!;
  const r = a.buildAnthropicMessages!({ model: 'claude-sonnet-4-6', max_tokens: 20, system: 'x', messages: [{ role: 'user', content: 'ping' }] }, resolveProviderSettings(a, sim.env()));
  const body = (await (await send(r)).json()) as { content: Array<{ text: string }>; usage: { input_tokens: number } };
  assert.equal(body.content[0].text, 'Echo: ping');
  assert.equal(body.usage.input_tokens, simTokens('x') + simTokens('ping'));
});

test('provider errors come back in each provider format and errorMessage reads them', async () => {
  for (const id of ['openai', 'anthropic', 'cohere', 'azure', 'gemini']) {
    const a = getAdapter(id)!;
    sim.script({ status: 429, retryAfter: '3', errorMessage: `slow down ${id}` });
    const res = await send(a.buildChat({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, MODEL[id] ?? 'gpt-4o', resolveProviderSettings(a, sim.env())));
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '3');
    assert.equal(a.errorMessage(await res.json(), 429), `slow down ${id}`);
  }
});
