// The SSE / NDJSON splitter: line endings, comments, multi-line data, events split anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNdjsonSplitter, createSseSplitter, type StreamEvent } from '../../../src/gateway/providers/sse.js';
import { pieces } from './helpers.js';

function splitAll(text: string, size: number, ndjson = false): StreamEvent[] {
  const s = ndjson ? createNdjsonSplitter() : createSseSplitter();
  const out: StreamEvent[] = [];
  for (const p of pieces(new TextEncoder().encode(text), size)) out.push(...s.push(p));
  out.push(...s.end());
  return out;
}

const SAMPLE =
  ': keep-alive comment\n' +
  'event: message_start\n' +
  'data: {"a":1}\n' +
  '\n' +
  'data: line one\n' +
  'data: line two\n' +
  'id: 7\n' +
  'retry: 100\n' +
  '\n' +
  'data:no-space\n' +
  '\n' +
  'data: héllo 👋\n' +
  '\n' +
  'event: ping\n' +
  '\n' + // an event without data is not dispatched
  'data: [DONE]\n\n';

const EXPECTED: StreamEvent[] = [
  { event: 'message_start', data: '{"a":1}' },
  { data: 'line one\nline two' },
  { data: 'no-space' },
  { data: 'héllo 👋' },
  { data: '[DONE]' },
];

test('SSE: comments, fields, multi-line data, blank-line dispatch', () => {
  assert.deepEqual(splitAll(SAMPLE, 0), EXPECTED);
});

test('SSE: the same events whatever the chunk boundaries (incl. inside UTF-8 sequences)', () => {
  for (const size of [1, 2, 3, 5, 7, 13, 64]) assert.deepEqual(splitAll(SAMPLE, size), EXPECTED, `chunk size ${size}`);
});

test('SSE: CRLF and lone CR line endings, also when CR and LF land in different chunks', () => {
  const crlf = SAMPLE.replace(/\n/g, '\r\n');
  const cr = SAMPLE.replace(/\n/g, '\r');
  for (const size of [0, 1, 2, 3, 9]) {
    assert.deepEqual(splitAll(crlf, size), EXPECTED, `crlf size ${size}`);
    assert.deepEqual(splitAll(cr, size), EXPECTED, `cr size ${size}`);
  }
});

test('SSE: a final event without its blank line is still handed over at end()', () => {
  assert.deepEqual(splitAll('data: a\n\ndata: b', 0), [{ data: 'a' }, { data: 'b' }]);
  assert.deepEqual(splitAll('data: a\n\ndata: b\n', 1), [{ data: 'a' }, { data: 'b' }]);
});

test('SSE: events are emitted as soon as their blank line arrives (no buffering across events)', () => {
  const s = createSseSplitter();
  assert.deepEqual(s.push('data: 1\n'), []);
  assert.deepEqual(s.push('\n'), [{ data: '1' }]);
  assert.deepEqual(s.push('data: 2\n\ndata: 3'), [{ data: '2' }]);
  assert.deepEqual(s.push('\n\n'), [{ data: '3' }]);
  assert.deepEqual(s.end(), []);
});

test('NDJSON: one event per non-empty line, CRLF tolerated, split anywhere', () => {
  const text = '{"a":1}\r\n\n{"b":"ü"}\n{"c":3}';
  for (const size of [0, 1, 4]) {
    assert.deepEqual(splitAll(text, size, true), [{ data: '{"a":1}' }, { data: '{"b":"ü"}' }, { data: '{"c":3}' }], `size ${size}`);
  }
});
