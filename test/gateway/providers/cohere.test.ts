// Cohere v2 adapter: chat request/response, the SSE event types, embed and rerank, pinned against
// recorded wire fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cohereAdapter, toCohereRequest } from '../../../src/gateway/providers/cohere.js';
import { GatewayError } from '../../../src/gateway/errors.js';
import { fixtureJson, fixtureText, runStream, stable } from './helpers.js';

const S = { apiKey: 'co-test', baseUrl: 'https://api.cohere.com' };

test('chat request: v2 path, bearer, messages and parameter names', () => {
  const r = cohereAdapter.buildChat(
    {
      model: 'cohere/command-r-plus',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Toronto?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Toronto"}' } }] },
        { role: 'tool', tool_call_id: 't1', content: '-3C' },
      ],
      top_p: 0.5,
      max_tokens: 50,
      stop: ['x'],
      tool_choice: 'required',
      stream: true,
    },
    'command-r-plus',
    S,
  );
  assert.equal(r.url, 'https://api.cohere.com/v2/chat');
  assert.equal(r.headers.authorization, 'Bearer co-test');
  assert.equal(r.injectedUsage, true);
  assert.deepEqual(JSON.parse(r.body as string), {
    model: 'command-r-plus',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Toronto?' },
      { role: 'assistant', tool_calls: [{ id: 't1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Toronto"}' } }] },
      { role: 'tool', tool_call_id: 't1', content: '-3C' },
    ],
    stream: true,
    max_tokens: 50,
    p: 0.5,
    stop_sequences: ['x'],
    tool_choice: 'REQUIRED',
  });
  assert.equal(toCohereRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], tool_choice: 'auto' }, 'm').tool_choice, undefined);
});

test('parseChat: text and tool call responses (recorded), billed units as usage', () => {
  const r = cohereAdapter.parseChat(fixtureJson('cohere/chat-response.json'), 'command-r-plus');
  assert.equal(r.choices[0].message.content, 'LLMs stand for Large Language Models.');
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.deepEqual(r.usage, { prompt_tokens: 17, completion_tokens: 9, total_tokens: 26 });
  const t = cohereAdapter.parseChat(fixtureJson('cohere/chat-tool-call.json'), 'command-r-plus');
  assert.equal(t.choices[0].finish_reason, 'tool_calls');
  assert.equal(t.choices[0].message.content, null);
  assert.deepEqual(t.choices[0].message.tool_calls, [{ id: 'get_weather_1byjy32y4hvq', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Toronto"}' } }]);
});

for (const name of ['chat-stream', 'chat-stream-tool']) {
  test(`stream ${name}: Cohere events → pinned OpenAI chunks at every split size`, () => {
    const text = fixtureText(`cohere/${name}.sse`);
    const expected = fixtureJson(`cohere/${name}.expected.json`);
    for (const size of [0, 1, 5, 33]) {
      const r = runStream(cohereAdapter, text, size, 'command-r-plus');
      assert.equal(r.error, undefined);
      assert.deepEqual(stable(r.chunks), expected, `size ${size}`);
    }
  });
}

test('stream: text adds up; no message-end → truncated; ERROR finish → upstream error', () => {
  const r = runStream(cohereAdapter, fixtureText('cohere/chat-stream.sse'), 4, 'command-r-plus');
  assert.equal(r.chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Hello world');
  assert.deepEqual(r.parser.usage(), { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  const cut = runStream(cohereAdapter, fixtureText('cohere/chat-stream.sse').replace(/event: message-end\n.*\n\n/, ''), 4, 'm');
  assert.ok(cut.error instanceof GatewayError && cut.error.code === 'stream_truncated');
  const err = runStream(cohereAdapter, 'event: message-end\ndata: {"type":"message-end","delta":{"finish_reason":"ERROR","error":"boom"}}\n\n', 0, 'm');
  assert.ok(err.error instanceof GatewayError && err.error.code === 'upstream_error' && /boom/.test(err.error.message));
});

test('embed: input_type defaulted (required by v3 models), float vectors parsed (recorded)', () => {
  const r = cohereAdapter.buildEmbeddings!({ model: 'embed-english-v3.0', input: 'hello' }, 'embed-english-v3.0', S);
  assert.equal(r.url, 'https://api.cohere.com/v2/embed');
  assert.deepEqual(JSON.parse(r.body as string), { model: 'embed-english-v3.0', texts: ['hello'], input_type: 'search_document', embedding_types: ['float'] });
  assert.equal(JSON.parse(cohereAdapter.buildEmbeddings!({ model: 'm', input: ['a'], input_type: 'search_query' }, 'm', S).body as string).input_type, 'search_query');
  const e = cohereAdapter.parseEmbeddings!(fixtureJson('cohere/embed.json'), 'embed-english-v3.0');
  assert.equal(e.data.length, 2);
  assert.deepEqual(e.data[1], { object: 'embedding', index: 1, embedding: [-0.0323, 0.0152, 0.0087] });
  assert.deepEqual(e.usage, { prompt_tokens: 2, total_tokens: 2 });
});

test('rerank: request and recorded response', () => {
  const r = cohereAdapter.buildRerank!({ model: 'rerank-v3.5', query: 'q', documents: ['a', 'b'], top_n: 1 }, 'rerank-v3.5', S);
  assert.equal(r.url, 'https://api.cohere.com/v2/rerank');
  assert.deepEqual(JSON.parse(r.body as string), { model: 'rerank-v3.5', query: 'q', documents: ['a', 'b'], top_n: 1 });
  const p = cohereAdapter.parseRerank!(fixtureJson('cohere/rerank.json'), 'rerank-v3.5');
  assert.deepEqual(p.results.map((x) => x.index), [3, 4, 0]);
  assert.equal(p.results[0].relevance_score, 0.999071);
  assert.deepEqual(p.usage, { search_units: 1 });
  assert.equal(cohereAdapter.errorMessage(fixtureJson('cohere/error-400.json'), 400), 'invalid request: valid input_type must be provided with the provided model');
});

test('embed: base64 requested (the openai SDK default) → float32 base64 the SDK decodes to the same vector', () => {
  const e = cohereAdapter.parseEmbeddings!(fixtureJson('cohere/embed.json'), 'embed-english-v3.0', { model: 'm', input: ['a', 'b'], encoding_format: 'base64' });
  const s = e.data[0].embedding;
  assert.equal(typeof s, 'string');
  // What openai's toFloat32Array does:
  const buf = Buffer.from(s as string, 'base64');
  const decoded = Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4));
  const expected = [0.016296387, -0.008354187, -0.04699707];
  decoded.forEach((x, i) => assert.ok(Math.abs(x - expected[i]) < 1e-7));
});

test('rerank: return_documents is served from the request (v2 does not return documents)', () => {
  const docs = ['d0', 'd1', 'd2', 'd3', 'd4'];
  const p = cohereAdapter.parseRerank!(fixtureJson('cohere/rerank.json'), 'rerank-v3.5', { model: 'rerank-v3.5', query: 'q', documents: docs, return_documents: true });
  assert.deepEqual(p.results.map((r) => r.document?.text), ['d3', 'd4', 'd0']);
  const without = cohereAdapter.parseRerank!(fixtureJson('cohere/rerank.json'), 'rerank-v3.5', { model: 'rerank-v3.5', query: 'q', documents: docs });
  assert.equal(without.results[0].document, undefined);
});
