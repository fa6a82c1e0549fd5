// Host-side validation of webview messages (src/webview/protocol.ts): the webview is untrusted, so every
// inbound message is rebuilt field by field or rejected with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, parseInbound, parseLogFilter } from '../../src/webview/protocol.js';

test('valid chat messages are accepted and rebuilt without extra fields', () => {
  const r = parseInbound('chat', {
    type: 'chat/send',
    requestId: 'r1',
    text: 'hello',
    model: 'gpt-4o-mini',
    contexts: [{ file: 'src/a.ts', startLine: 3, endLine: 5, languageId: 'typescript', text: 'const a = 1;', evil: 'x' }],
    __proto__polluted: true,
  });
  assert.ok(r.ok);
  assert.deepEqual(r.message, {
    type: 'chat/send',
    requestId: 'r1',
    text: 'hello',
    model: 'gpt-4o-mini',
    contexts: [{ file: 'src/a.ts', startLine: 3, endLine: 5, languageId: 'typescript', text: 'const a = 1;' }],
  });
  for (const type of ['ready', 'chat/stop', 'chat/new', 'chat/refreshModels']) assert.deepEqual(parseInbound('chat', { type }), { ok: true, message: { type } });
  assert.deepEqual(parseInbound('chat', { type: 'code/open', code: 'x', language: 'ts' }), { ok: true, message: { type: 'code/open', code: 'x', language: 'ts' } });
});

test('malformed chat messages are rejected with a reason', () => {
  const bad: unknown[] = [
    null,
    'ready',
    [],
    {},
    { type: 42 },
    { type: 'chat/unknown' },
    { type: 'chat/send', requestId: 'r', text: 'hi' }, // no model
    { type: 'chat/send', requestId: 'r', text: '   ', model: 'm', contexts: [] }, // empty prompt
    { type: 'chat/send', requestId: '', text: 'hi', model: 'm' },
    { type: 'chat/send', requestId: 'r', text: 'hi', model: 'm', contexts: 'nope' },
    { type: 'chat/send', requestId: 'r', text: 'hi', model: 'm', contexts: [{ file: 'a', startLine: 5, endLine: 2, languageId: '', text: '' }] },
    { type: 'chat/send', requestId: 'r', text: 'hi', model: 'm', contexts: [{ file: 'a', startLine: 1.5, endLine: 2, languageId: '', text: '' }] },
    { type: 'chat/send', requestId: 'r', text: 'x'.repeat(LIMITS.prompt + 1), model: 'm' },
    { type: 'chat/send', requestId: 'r', text: 'hi', model: 'm', contexts: Array.from({ length: LIMITS.contexts + 1 }, () => ({ file: 'a', startLine: 1, endLine: 1, languageId: '', text: '' })) },
    { type: 'chat/selectModel', model: 7 },
    { type: 'code/copy' },
    { type: 'scan/jump', index: 0 }, // a scan message sent to the chat view
  ];
  for (const b of bad) {
    const r = parseInbound('chat', b);
    assert.equal(r.ok, false, `accepted ${JSON.stringify(b)?.slice(0, 120)}`);
    if (!r.ok) assert.ok(r.error.length > 0);
  }
});

test('scan, logs and settings messages are validated per view', () => {
  assert.deepEqual(parseInbound('scan', { type: 'scan/jump', index: 2 }), { ok: true, message: { type: 'scan/jump', index: 2 } });
  assert.equal(parseInbound('scan', { type: 'scan/jump', index: -1 }).ok, false);
  assert.equal(parseInbound('scan', { type: 'scan/falsePositive', index: 1 }).ok, false); // needs a requestId
  assert.equal(parseInbound('settings', { type: 'chat/new' }).ok, false);
  assert.deepEqual(parseInbound('settings', { type: 'status/restart' }), { ok: true, message: { type: 'status/restart' } });
  const q = parseInbound('logs', { type: 'logs/query', requestId: 'q', page: 0, pageSize: 50, filter: { from: '2026-01-01', provider: 'openai', cached: 'any', text: '  ' } });
  assert.deepEqual(q, { ok: true, message: { type: 'logs/query', requestId: 'q', page: 0, pageSize: 50, filter: { from: '2026-01-01', provider: 'openai' } } });
  assert.equal(parseInbound('logs', { type: 'logs/query', requestId: 'q', page: 0, pageSize: LIMITS.pageSize + 1, filter: {} }).ok, false);
  assert.equal(parseInbound('logs', { type: 'logs/export', requestId: 'q', format: 'xml', filter: {} }).ok, false);
  assert.equal(parseInbound('logs', { type: 'logs/export', requestId: 'q', format: 'jsonl', filter: {} }).ok, true);
});

test('log filters: dates must be real and ordered, enums checked, blanks dropped', () => {
  assert.deepEqual(parseLogFilter({ from: '', to: '', provider: '', model: ' gpt ', cached: 'yes', compliance: 'violated', status: 'error' }), {
    model: 'gpt',
    cached: 'yes',
    compliance: 'violated',
    status: 'error',
  });
  assert.throws(() => parseLogFilter({ from: '2026-13-45' }));
  assert.throws(() => parseLogFilter({ from: '01/02/2026' }));
  assert.throws(() => parseLogFilter({ from: '2026-02-02', to: '2026-02-01' }));
  assert.throws(() => parseLogFilter({ cached: 'maybe' }));
  assert.throws(() => parseLogFilter({ provider: 'x'.repeat(LIMITS.filterField + 1) }));
  assert.throws(() => parseLogFilter(null));
});
