// Small pure pieces of the client: the SSE reader under arbitrary chunking, retry-after parsing, and the
// chatbot's period / provider / intent parsing (deterministic for a fixed "now").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sseEvents } from '../../src/gateway/client/sse.js';
import { parseRetryAfter } from '../../src/gateway/client/errors.js';
import { parseIntent, parsePeriod, parseProvider } from '../../src/gateway/client/chatbot.js';

async function collect(chunks: string[]): Promise<Array<{ event?: string; data: string }>> {
  async function* src() {
    for (const c of chunks) yield new TextEncoder().encode(c);
  }
  const out = [];
  for await (const e of sseEvents(src())) out.push(e);
  return out;
}

test('SSE reader: same events whatever the chunking, CRLF, comments, multi-line data', async () => {
  const wire = ': keep-alive\r\ndata: {"a":1}\r\n\r\nevent: error\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n';
  const expected = [{ event: undefined, data: '{"a":1}' }, { event: 'error', data: 'line1\nline2' }, { event: undefined, data: '[DONE]' }];
  assert.deepEqual(await collect([wire]), expected);
  // every split point, including between \r and \n
  for (let i = 1; i < wire.length; i++) assert.deepEqual(await collect([wire.slice(0, i), wire.slice(i)]), expected, `split at ${i}`);
  assert.deepEqual(await collect(wire.split('')), expected, 'one byte at a time');
  assert.deepEqual(await collect(['data: tail-without-blank-line']), [{ event: undefined, data: 'tail-without-blank-line' }]);
  // multi-byte UTF-8 split across chunks
  const bytes = new TextEncoder().encode('data: héllo ✓\n\n');
  async function* split() {
    for (const b of bytes) yield new Uint8Array([b]);
  }
  const got = [];
  for await (const e of sseEvents(split())) got.push(e.data);
  assert.deepEqual(got, ['héllo ✓']);
});

test('retry-after: seconds or an HTTP date', () => {
  assert.equal(parseRetryAfter('7'), 7);
  assert.equal(parseRetryAfter('1.5'), 1.5);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(null), undefined);
});

test('chatbot: periods in UTC days', () => {
  const now = new Date('2026-11-25T15:30:00Z'); // a Wednesday
  const p = (q: string, d: 'today' | 'week' | 'all' = 'today') => {
    const r = parsePeriod(q, now, d);
    return [r.start.toISOString(), r.end.toISOString(), r.label];
  };
  assert.deepEqual(p("today's cache stats"), ['2026-11-25T00:00:00.000Z', now.toISOString(), 'today']);
  assert.deepEqual(p('what did we spend yesterday?'), ['2026-11-24T00:00:00.000Z', '2026-11-24T23:59:59.999Z', 'yesterday']);
  assert.deepEqual(p('errors this week'), ['2026-11-23T00:00:00.000Z', now.toISOString(), 'this week']);
  assert.deepEqual(p('errors last week'), ['2026-11-18T15:30:00.000Z', now.toISOString(), 'the last 7 days']);
  assert.deepEqual(p('spend in the last 3 days'), ['2026-11-22T15:30:00.000Z', now.toISOString(), 'the last 3 days']);
  assert.deepEqual(p('spend this month'), ['2026-11-01T00:00:00.000Z', now.toISOString(), 'this month']);
  assert.equal(p('errors', 'week')[2], 'the last 7 days');
});

test('chatbot: providers and intents', () => {
  assert.equal(parseProvider('what did we spend on OpenAI yesterday?'), 'openai');
  assert.equal(parseProvider('is claude down?'), 'anthropic');
  assert.equal(parseProvider('google errors'), 'gemini');
  assert.equal(parseProvider('cache stats'), undefined);
  assert.equal(parseIntent("show me today's cache stats"), 'cache_stats');
  assert.equal(parseIntent('which provider had the most errors this week?'), 'provider_errors');
  assert.equal(parseIntent('what did we spend on OpenAI yesterday?'), 'spend');
  assert.equal(parseIntent('is anthropic healthy?'), 'health');
  assert.equal(parseIntent('how many requests today?'), 'usage');
  assert.equal(parseIntent('tell me a joke'), 'unknown');
});
