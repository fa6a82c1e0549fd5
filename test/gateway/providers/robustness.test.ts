// Garbage from an upstream (wrong types, nulls, HTML error pages, truncated JSON events) must end in a
// GatewayError with a message, never a TypeError that would crash the request handler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listAdapters } from '../../../src/gateway/providers/index.js';
import { GatewayError } from '../../../src/gateway/errors.js';

const GARBAGE: unknown[] = [
  null,
  undefined,
  0,
  'plain text',
  '<html><body>502 Bad Gateway</body></html>',
  [],
  [1, 2],
  {},
  { choices: null },
  { choices: [null] },
  { content: 'not-an-array' },
  { content: [null, 1, { type: 'tool_use' }] },
  { message: null },
  { message: { content: [null, { text: 5 }], tool_calls: [null, { function: null }] } },
  { data: null },
  { data: [null, 1, { id: 5 }] },
  { results: [null, { index: 'x' }] },
  { embeddings: { float: null } },
  { models: [null, { name: 1 }] },
  { type: 'error', error: null },
];

function safe(fn: () => unknown, label: string): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GatewayError, `${label}: threw ${String(e)}`);
    assert.ok(e.message.length > 10, label);
  }
}

test('parse functions never throw anything but GatewayError on malformed bodies', () => {
  for (const a of listAdapters()) {
    GARBAGE.forEach((g, i) => {
      const c = () => structuredClone(g);
      safe(() => a.parseChat(c(), 'm'), `${a.id}.parseChat #${i}`);
      if (a.parseEmbeddings) safe(() => a.parseEmbeddings!(c(), 'm', { model: 'm', input: 'x', encoding_format: 'base64' }), `${a.id}.parseEmbeddings #${i}`);
      if (a.parseListModels) safe(() => a.parseListModels!(c()), `${a.id}.parseListModels #${i}`);
      if (a.parseRerank) safe(() => a.parseRerank!(c(), 'm', { model: 'm', query: 'q', documents: ['a'], return_documents: true }), `${a.id}.parseRerank #${i}`);
      if (a.parseImages) safe(() => a.parseImages!(c()), `${a.id}.parseImages #${i}`);
      if (a.parseTranscription) safe(() => a.parseTranscription!(c(), 'application/json'), `${a.id}.parseTranscription #${i}`);
      assert.equal(typeof a.errorMessage(c(), 500), 'string');
    });
  }
});

test('stream parsers: garbage events are GatewayErrors, unknown event types are ignored', () => {
  const events = ['', 'null', '[]', '{', '"str"', '{"type":"content_block_delta","delta":null}', '{"type":"message_start","message":null}', '{"choices":null}', '{"type":"content-delta","delta":{"message":null}}', '{"type":"tool-call-start","delta":null}', '{"type":"future_event"}'];
  for (const a of listAdapters()) {
    for (const data of events) {
      const p = a.createStreamParser('m', 'r');
      safe(() => p.push({ data }), `${a.id} ${JSON.stringify(data)}`);
    }
  }
});

test('OpenAI-format choices are validated (a null choice is an upstream error, a missing delta becomes {})', () => {
  const a = listAdapters().find((x) => x.id === 'openai')!;
  assert.throws(() => a.parseChat({ choices: [null] }, 'm'), (e: unknown) => e instanceof GatewayError && e.code === 'upstream_error');
  assert.throws(() => a.createStreamParser('m', 'r').push({ data: '{"choices":[null]}' }), (e: unknown) => e instanceof GatewayError);
  const [chunk] = a.createStreamParser('m', 'r').push({ data: '{"id":"x","choices":[{"index":0,"finish_reason":"stop"}]}' });
  assert.deepEqual(chunk.choices[0].delta, {});
});
