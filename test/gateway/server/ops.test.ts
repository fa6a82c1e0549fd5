// The other OpenAI-compatible operations through the server with the official client: image
// generation, audio transcription (multipart upload), text to speech (binary), and rerank (Cohere).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { toFile } from 'openai';
import { startHarness, call, type Harness } from './harness.js';

let h: Harness;
let client: OpenAI;
before(async () => {
  h = await startHarness();
  client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: h.token, maxRetries: 0 });
});
after(async () => {
  await h.close();
});

test('images.generate', async () => {
  const r = await client.images.generate({ model: 'dall-e-3', prompt: 'a lighthouse at dusk', n: 1 });
  assert.equal(r.data?.length, 1);
  assert.ok(r.data![0].url || r.data![0].b64_json);
  assert.equal(h.sim.requests.at(-1)!.path, '/v1/images/generations');
});

test('audio.transcriptions.create: the multipart upload reaches the provider intact', async () => {
  const audio = new Uint8Array(2048).map((_, i) => i % 251);
  const r = await client.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(audio, 'clip.wav', { type: 'audio/wav' }), language: 'en' });
  assert.equal(typeof r.text, 'string');
  const sent = h.sim.requests.at(-1)!;
  assert.equal(sent.path, '/v1/audio/transcriptions');
  const body = sent.body as { fields: Record<string, string>; files: Array<{ name: string; filename: string; contentType: string; size: number; data: Buffer }> };
  assert.equal(body.fields.model, 'whisper-1');
  assert.equal(body.fields.language, 'en');
  const f = body.files.find((x) => x.name === 'file')!;
  assert.equal(f.filename, 'clip.wav');
  assert.equal(f.contentType, 'audio/wav');
  assert.deepEqual(new Uint8Array(f.data), audio, 'bytes unchanged');
});

test('audio.transcriptions.create with response_format text returns plain text', async () => {
  const r = await client.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(new Uint8Array(64), 'a.mp3'), response_format: 'text' });
  assert.equal(typeof r, 'string');
});

test('audio.speech.create returns binary audio', async () => {
  const r = await client.audio.speech.create({ model: 'tts-1', input: 'hello world', voice: 'alloy' });
  assert.match(r.headers.get('content-type') ?? '', /audio|octet/);
  const buf = new Uint8Array(await r.arrayBuffer());
  assert.ok(buf.length > 0);
});

test('rerank (Cohere) with documents as strings', async () => {
  const r = await call(h, '/v1/rerank', { body: { model: 'cohere/rerank-v3.5', query: 'return policy', documents: ['shipping times', 'our return policy is 30 days', 'gift cards'], top_n: 2 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.results.length, 2);
  assert.equal(r.json.results[0].index, 1, 'the relevant document ranks first');
  assert.equal(r.headers.get('x-smartflow-provider'), 'cohere');
});

test('an operation the provider lacks → 400 unsupported_operation', async () => {
  const r = await call(h, '/v1/rerank', { body: { model: 'gpt-4o', query: 'q', documents: ['a'] } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'unsupported_operation');
});
