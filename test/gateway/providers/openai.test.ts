// OpenAI adapter: request building, usage injection for streams, and parsing pinned against recorded
// wire fixtures (JSON bodies and SSE streams, split at every size, truncation and errors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openaiAdapter } from '../../../src/gateway/providers/openai.js';
import { GatewayError } from '../../../src/gateway/errors.js';
import type { ChatRequest } from '../../../src/gateway/types.js';
import { fixtureJson, fixtureText, runStream } from './helpers.js';

const S = { apiKey: 'sk-test-123', baseUrl: 'https://api.openai.com/v1' };
const REQ: ChatRequest = { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2, logit_bias: { '50256': -100 } };

test('buildChat: URL, bearer auth, JSON body with the resolved model and unknown fields passed through', () => {
  const r = openaiAdapter.buildChat(REQ, 'gpt-4o', S);
  assert.equal(r.method, 'POST');
  assert.equal(r.url, 'https://api.openai.com/v1/chat/completions');
  assert.equal(r.headers.authorization, 'Bearer sk-test-123');
  assert.equal(r.headers['content-type'], 'application/json');
  const body = JSON.parse(r.body as string);
  assert.equal(body.model, 'gpt-4o');
  assert.deepEqual(body.logit_bias, { '50256': -100 });
  assert.equal(body.stream_options, undefined);
  assert.equal(r.injectedUsage, undefined);
});

test('buildChat (stream): asks for usage when the client did not, and flags it', () => {
  const r = openaiAdapter.buildChat({ ...REQ, stream: true }, 'gpt-4o', S);
  const body = JSON.parse(r.body as string);
  assert.equal(body.stream, true);
  assert.deepEqual(body.stream_options, { include_usage: true });
  assert.equal(r.injectedUsage, true);
  assert.equal(r.headers.accept, 'text/event-stream');

  const asked = openaiAdapter.buildChat({ ...REQ, stream: true, stream_options: { include_usage: true } }, 'gpt-4o', S);
  assert.equal(asked.injectedUsage, undefined, 'the client asked: nothing was injected');
  assert.deepEqual(JSON.parse(asked.body as string).stream_options, { include_usage: true });
});

test('buildChat: stream_options is dropped on non-streaming requests (OpenAI rejects it there)', () => {
  const r = openaiAdapter.buildChat({ ...REQ, stream: false, stream_options: { include_usage: true } }, 'gpt-4o', S);
  assert.equal(JSON.parse(r.body as string).stream_options, undefined);
});

test('a missing key is a missing_api_key error naming OPENAI_API_KEY', () => {
  assert.throws(
    () => openaiAdapter.buildChat(REQ, 'gpt-4o', { baseUrl: S.baseUrl }),
    (e: unknown) => e instanceof GatewayError && e.code === 'missing_api_key' && e.status === 401 && /OPENAI_API_KEY/.test(e.message),
  );
});

test('parseChat: recorded response passes through unchanged', () => {
  const body = fixtureJson<Record<string, unknown>>('openai/chat-response.json');
  const res = openaiAdapter.parseChat(structuredClone(body), 'gpt-4o');
  assert.deepEqual(res, body);
  assert.equal(res.usage?.total_tokens, 1163);
});

test('parseChat: a body without choices is an upstream_error, not a crash', () => {
  assert.throws(() => openaiAdapter.parseChat({ id: 'x' }, 'gpt-4o'), (e: unknown) => e instanceof GatewayError && e.code === 'upstream_error');
  assert.throws(() => openaiAdapter.parseChat('<html>bad gateway</html>', 'gpt-4o'), (e: unknown) => e instanceof GatewayError && e.code === 'upstream_error');
});

test('stream: recorded chunks come out one to one, with usage, at any split size', () => {
  const text = fixtureText('openai/chat-stream.sse');
  const expected = text
    .split('\n')
    .filter((l) => l.startsWith('data: {'))
    .map((l) => JSON.parse(l.slice(6)));
  for (const size of [0, 1, 3, 17, 100]) {
    const r = runStream(openaiAdapter, text, size);
    assert.equal(r.error, undefined);
    assert.deepEqual(r.chunks, expected, `size ${size}`);
    assert.equal(r.parser.done(), true);
    assert.deepEqual(r.parser.usage(), { prompt_tokens: 9, completion_tokens: 10, total_tokens: 19 });
  }
  const content = runStream(openaiAdapter, text, 5).chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
  assert.equal(content, 'Hello! How can I help you today? 😊');
});

test('stream: tool call deltas pass through', () => {
  const r = runStream(openaiAdapter, fixtureText('openai/chat-stream-tool-calls.sse'), 11);
  assert.equal(r.error, undefined);
  const args = r.chunks.map((c) => c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '').join('');
  assert.equal(args, '{"location":"Boston, MA"}');
  assert.equal(r.chunks.at(-1)?.choices[0]?.finish_reason, 'tool_calls');
});

test('stream: no [DONE] → stream_truncated at end()', () => {
  const text = fixtureText('openai/chat-stream.sse').replace('data: [DONE]\n\n', '');
  const r = runStream(openaiAdapter, text, 7);
  assert.ok(r.error instanceof GatewayError);
  assert.equal((r.error as GatewayError).code, 'stream_truncated');
  assert.equal(r.chunks.length, 6, 'everything before the cut was still delivered');
  assert.equal(r.parser.done(), false);
});

test('stream: malformed JSON and in-stream error objects are upstream errors', () => {
  const bad = runStream(openaiAdapter, 'data: {"id":"x","choices":[\n\n');
  assert.ok(bad.error instanceof GatewayError && bad.error.code === 'upstream_error');
  const err = runStream(openaiAdapter, 'data: {"error":{"message":"The server had an error","type":"server_error"}}\n\n');
  assert.ok(err.error instanceof GatewayError && /The server had an error/.test(err.error.message));
});

test('errorMessage: the provider message from a recorded 429 body', () => {
  assert.match(openaiAdapter.errorMessage(fixtureJson('openai/error-429.json'), 429), /^Rate limit reached for gpt-4o/);
  assert.equal(openaiAdapter.errorMessage(undefined, 503), 'upstream returned HTTP 503');
});

test('embeddings, models: build + parse recorded bodies', () => {
  const e = openaiAdapter.buildEmbeddings!({ model: 'text-embedding-3-small', input: ['a', 'b'], input_type: 'search_query', dimensions: 3 }, 'text-embedding-3-small', S);
  assert.equal(e.url, 'https://api.openai.com/v1/embeddings');
  const eb = JSON.parse(e.body as string);
  assert.deepEqual(eb, { input: ['a', 'b'], model: 'text-embedding-3-small', dimensions: 3 }, 'Cohere-only input_type is not sent to OpenAI');
  const parsed = openaiAdapter.parseEmbeddings!(fixtureJson('openai/embeddings.json'), 'text-embedding-3-small');
  assert.equal(parsed.data.length, 2);
  assert.deepEqual(parsed.usage, { prompt_tokens: 8, total_tokens: 8 });

  const m = openaiAdapter.buildListModels!(S);
  assert.equal(m.method, 'GET');
  assert.equal(m.url, 'https://api.openai.com/v1/models');
  assert.equal(m.body, undefined);
  const models = openaiAdapter.parseListModels!(fixtureJson('openai/models.json'));
  assert.deepEqual(
    models.map((x) => [x.id, x.provider]),
    [
      ['gpt-4o-mini', 'openai'],
      ['text-embedding-3-small', 'openai'],
      ['ft:gpt-4o-mini-2024-07-18:acme::9xYz', 'openai'],
    ],
  );
});

test('transcription: multipart body with the file bytes and fields', () => {
  const data = new Uint8Array([0, 1, 2, 255, 13, 10]);
  const r = openaiAdapter.buildTranscription!(
    { model: 'whisper-1', file: { data, filename: 'a.wav', contentType: 'audio/wav' }, language: 'en', response_format: 'text', temperature: 0 },
    'whisper-1',
    S,
  );
  assert.equal(r.url, 'https://api.openai.com/v1/audio/transcriptions');
  const ct = r.headers['content-type'];
  const boundary = /boundary=(.+)$/.exec(ct)?.[1];
  assert.ok(boundary, ct);
  const buf = Buffer.from(r.body as Uint8Array);
  const text = buf.toString('latin1');
  assert.match(text, /Content-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio\/wav\r\n\r\n/);
  assert.ok(buf.includes(Buffer.concat([Buffer.from('\r\n\r\n'), Buffer.from(data), Buffer.from(`\r\n--${boundary}`)])), 'raw bytes intact');
  for (const [k, v] of [['model', 'whisper-1'], ['language', 'en'], ['response_format', 'text'], ['temperature', '0']]) {
    assert.ok(text.includes(`name="${k}"\r\n\r\n${v}\r\n`), k);
  }
  assert.ok(text.endsWith(`--${boundary}--\r\n`));
  assert.equal(openaiAdapter.parseTranscription!('hello there', 'text/plain'), 'hello there');
  assert.deepEqual(openaiAdapter.parseTranscription!({ text: 'hi' }, 'application/json'), { text: 'hi' });
  assert.deepEqual(openaiAdapter.parseTranscription!('{"text":"hi"}', 'application/json'), { text: 'hi' });
});

test('speech and images: JSON bodies to the documented paths', () => {
  const sp = openaiAdapter.buildSpeech!({ model: 'tts-1', input: 'Hello', voice: 'alloy', response_format: 'wav' }, 'tts-1', S);
  assert.equal(sp.url, 'https://api.openai.com/v1/audio/speech');
  assert.deepEqual(JSON.parse(sp.body as string), { model: 'tts-1', input: 'Hello', voice: 'alloy', response_format: 'wav' });
  const im = openaiAdapter.buildImages!({ model: 'dall-e-3', prompt: 'a cat', n: 1, size: '1024x1024' }, 'dall-e-3', S);
  assert.equal(im.url, 'https://api.openai.com/v1/images/generations');
  assert.deepEqual(openaiAdapter.parseImages!({ created: 5, data: [{ url: 'https://x/y.png' }] }), { created: 5, data: [{ url: 'https://x/y.png' }] });
});

test('embeddings: the answer matches the encoding the client asked for, whatever the provider sent', () => {
  const floats = fixtureJson<Record<string, unknown>>('openai/embeddings.json');
  const asB64 = openaiAdapter.parseEmbeddings!(structuredClone(floats), 'e', { model: 'e', input: 'x', encoding_format: 'base64' });
  assert.equal(typeof asB64.data[0].embedding, 'string');
  const back = openaiAdapter.parseEmbeddings!(structuredClone(asB64) as unknown, 'e', { model: 'e', input: 'x' });
  (back.data[0].embedding as number[]).forEach((x, i) => assert.ok(Math.abs(x - [0.0023064255, -0.009327292, -0.0028842222][i]) < 1e-7));
  const untouched = openaiAdapter.parseEmbeddings!(structuredClone(floats), 'e', { model: 'e', input: 'x', encoding_format: 'float' });
  assert.deepEqual(untouched.data, (floats as { data: unknown }).data);
});
