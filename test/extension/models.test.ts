// Pure extension logic: scan results → findings, in-place redaction text, analytics normalisation, log
// filters, the audit tree's grouping and labels, chat message building, error → user message mapping,
// and the webview HTML shell's CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../src/gateway/errors.js';
import { ComplianceError, ConnectionError } from '../../src/gateway/client/errors.js';
import { matchesFilter, redactWithFindings, riskLevelOf, summarizeRecords, toAnalyticsSummary, toScanOutcome, type LogRecord } from '../../src/extension/backend.js';
import { chartsOf, groupByDay, recordKind, requestLabel, toLogRow, totalsOf } from '../../src/extension/audit-model.js';
import { buildMessages, contextBlock, languageIdFor, MAX_TURNS_SENT, modelOptions, restoreTurns, toReplyMeta } from '../../src/extension/chat-model.js';
import { describeError } from '../../src/extension/messages.js';
import { buildHtml, contentSecurityPolicy, makeNonce } from '../../src/extension/webview-html.js';
import type { ChatTurn } from '../../src/webview/protocol.js';

function rec(over: Partial<LogRecord> & { request_id: string; timestamp: string }): LogRecord {
  return {
    provider: 'openai',
    model: 'gpt-4o-mini',
    model_provider: 'openai',
    tokens_used: 10,
    cost: 0.001,
    latency_ms: 100,
    processing_time_ms: 100,
    content_type: 'chat',
    user_id: null,
    conversation_id: null,
    conversation_stage: null,
    routing_strategy: null,
    routing_reason: null,
    compliance_status: 'compliant',
    compliance_violations: null,
    compliance: null,
    metacache: { hit: false, query: null, tokens_saved: 0 },
    metrics: { prompt_tokens: 4, completion_tokens: 6, processing_time_ms: 100, success: true },
    error_status: null,
    error_message: null,
    streamed: true,
    prompt_text: null,
    response_text: null,
    source: 'extension',
    ...over,
  } as LogRecord;
}

test('scan results: findings from `findings` or violation lists, sorted, deduplicated; risk level derived', () => {
  const text = 'mail a@b.co and card 4111111111111111';
  const r = toScanOutcome({
    scan_id: 's1',
    risk_score: 0.72,
    recommended_action: 'Review',
    explanation: 'x',
    findings: [
      { type: 'CREDIT_CARD', start: 21, end: 37, confidence: 0.99, recognizer: 'credit_card', masked: '****1111' },
      { type: 'EMAIL', start: 5, end: 11, confidence: 0.95, recognizer: 'email', masked: 'a***@b.co' },
      { type: 'EMAIL', start: 5, end: 11, confidence: 0.95, recognizer: 'email', masked: 'dup' },
      { type: 'BROKEN', start: 9, end: 3 },
    ],
  });
  assert.equal(r.scanId, 's1');
  assert.equal(r.riskLevel, 'high');
  assert.deepEqual(r.findings.map((f) => f.type), ['EMAIL', 'CREDIT_CARD']);
  assert.equal(text.slice(r.findings[0].start, r.findings[0].end), 'a@b.co');
  const fromViolations = toScanOutcome({ has_violations: true, risk_score: 0.2, regex_violations: [{ violation_type: 'SSN', start: 0, end: 11, confidence: 0.9, recognizer: 'ssn', masked: '***' }], ml_violations: [] });
  assert.deepEqual(fromViolations.findings.map((f) => f.type), ['SSN']);
  assert.equal(fromViolations.riskLevel, 'low');
  assert.equal(toScanOutcome({ risk_score: 0.5, risk_level: 'critical' }).riskLevel, 'critical');
  assert.deepEqual([riskLevelOf(0), riskLevelOf(0.3), riskLevelOf(0.6), riskLevelOf(0.9)], ['low', 'medium', 'high', 'critical']);
});

test('redaction replaces right to left, merges overlaps, skips false positives', () => {
  const text = 'Call 555-867-5309 or mail john@example.com now';
  const findings = [
    { type: 'PHONE', start: 5, end: 17, confidence: 0.9, recognizer: 'phone', masked: '' },
    { type: 'EMAIL', start: 26, end: 42, confidence: 0.9, recognizer: 'email', masked: '' },
    { type: 'PERSON', start: 26, end: 30, confidence: 0.5, recognizer: 'person', masked: '' },
  ];
  assert.equal(redactWithFindings(text, findings), 'Call [PHONE] or mail [EMAIL] now');
  assert.equal(redactWithFindings(text, findings, new Set([0])), 'Call 555-867-5309 or mail [EMAIL] now');
  assert.equal(redactWithFindings(text, []), text);
  // Out-of-range findings (stale offsets) are ignored rather than corrupting the text.
  assert.equal(redactWithFindings('short', [{ type: 'X', start: 2, end: 99, confidence: 1, recognizer: 'r', masked: '' }]), 'short');
});

test('analytics: the audit store shape (totals/by_day/by_model/by_provider) is normalised', () => {
  const agg = (o: Record<string, unknown>) => ({ requests: 0, tokens: 0, cost: 0, cache_hits: 0, errors: 0, ...o });
  const s = toAnalyticsSummary({
    totals: agg({ requests: 5, tokens: 50, cost: 0.5, cache_hits: 2, errors: 1 }),
    by_day: [agg({ date: '2026-01-02', requests: 3, cache_hits: 1 }), agg({ date: '2026-01-01', requests: 2, cache_hits: 1 })],
    by_model: [agg({ model: 'a', requests: 1 }), agg({ model: 'b', requests: 4 })],
    by_provider: [agg({ provider: 'openai', requests: 5 })],
  });
  assert.deepEqual([s.requests, s.tokens, s.costUsd, s.cacheHits, s.errors], [5, 50, 0.5, 2, 1]);
  assert.deepEqual(s.byDay.map((d) => d.day), ['2026-01-01', '2026-01-02']);
  assert.deepEqual(s.byModel.map((m) => m.name), ['b', 'a']);
  assert.deepEqual(totalsOf(s), { requests: 5, tokens: 50, costUsd: 0.5, cacheHitRate: 0.4 });
  const c = chartsOf(s, 1);
  assert.equal(c.topModels.length, 1);
  assert.equal(c.days[1].cacheHitRate, 1 / 3);
});

test('records: filters, summaries, tree grouping, labels and icons', () => {
  const rows = [
    rec({ request_id: 'a', timestamp: '2026-03-02T10:00:00.000Z', metacache: { hit: true, query: null, tokens_saved: 5, hit_type: 'semantic' } }),
    rec({ request_id: 'b', timestamp: '2026-03-02T09:00:00.000Z', compliance_status: 'violated', prompt_text: 'my [EMAIL] please' }),
    rec({ request_id: 'c', timestamp: '2026-03-01T09:00:00.000Z', error_status: 502, error_message: 'upstream', provider: 'anthropic', model: 'claude-x', cost: 0 }),
    rec({ request_id: 'd', timestamp: '2026-03-01T08:00:00.000Z', error: { status: 429, message: 'slow down' } } as Partial<LogRecord> & { request_id: string; timestamp: string }),
  ];
  assert.deepEqual(rows.map(recordKind), ['cached', 'violation', 'error', 'error']);
  assert.deepEqual(rows.filter((r) => matchesFilter(r, { cached: 'yes' })).map((r) => r.request_id), ['a']);
  assert.deepEqual(rows.filter((r) => matchesFilter(r, { status: 'error' })).map((r) => r.request_id), ['c', 'd']);
  assert.deepEqual(rows.filter((r) => matchesFilter(r, { compliance: 'violated' })).map((r) => r.request_id), ['b']);
  assert.deepEqual(rows.filter((r) => matchesFilter(r, { provider: 'anthropic' })).map((r) => r.request_id), ['c']);
  assert.deepEqual(rows.filter((r) => matchesFilter(r, { text: 'EMAIL' })).map((r) => r.request_id), ['b']);
  const s = summarizeRecords(rows);
  assert.equal(s.requests, 4);
  assert.equal(s.cacheHits, 1);
  assert.equal(s.errors, 2);
  assert.equal(s.byProvider[0].name, 'openai');
  const groups = groupByDay(rows);
  assert.equal(groups.reduce((n, g) => n + g.requests, 0), 4);
  assert.ok(groups[0].day >= groups[groups.length - 1].day, 'newest day first');
  const l = requestLabel(rows[0]);
  assert.match(l.label, /^\d\d:\d\d:\d\d {2}gpt-4o-mini$/);
  assert.match(l.description, /10 tok · \$0\.001\d* · cached semantic/);
  assert.equal(toLogRow(rows[3]).errorMessage, 'slow down');
  assert.equal(toLogRow(rows[3]).ok, false);
});

test('chat: selections become fenced context, history window starts on a user turn, meta maps', () => {
  const ctx = { file: 'src/a.md', startLine: 2, endLine: 4, languageId: 'markdown', text: 'has ``` fences' };
  const block = contextBlock(ctx);
  assert.match(block, /^From `src\/a\.md` \(lines 2-4\):\n````markdown\nhas ``` fences\n````$/);
  const turns: ChatTurn[] = [];
  for (let i = 0; i < MAX_TURNS_SENT + 5; i++) turns.push({ id: `u${i}`, role: 'user', text: `q${i}` }, { id: `a${i}`, role: 'assistant', text: `a${i}` });
  turns.push({ id: 'err', role: 'assistant', text: '', error: { code: 'x', message: 'm', hint: 'h' } });
  turns.push({ id: 'last', role: 'user', text: 'why?', contexts: [ctx] });
  const msgs = buildMessages(turns);
  assert.equal(msgs[0].role, 'system');
  assert.equal(msgs[1].role, 'user');
  assert.ok(msgs.length <= MAX_TURNS_SENT + 1);
  const last = msgs[msgs.length - 1];
  assert.equal(last.role, 'user');
  assert.match(String(last.content), /^why\?\n\nFrom `src\/a\.md`/);
  assert.ok(!msgs.some((m) => m.content === ''), 'failed replies are not sent back');
  const meta = toReplyMeta({
    requestId: 'r', provider: 'openai', model: 'gpt', cached: true, cacheHitType: 'semantic', usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    costUsd: 0.01, latencyMs: 12.6, gatewayMs: 1, routingStrategy: 's', routingReason: 'r', attempts: 1,
    compliance: { status: 'compliant', action: 'redact', redactedByType: { EMAIL: 2 }, violations: [] },
  });
  assert.deepEqual([meta.totalTokens, meta.latencyMs, meta.cacheHitType, meta.redactedByType.EMAIL], [7, 13, 'semantic', 2]);
  assert.deepEqual(modelOptions('gpt-4o-mini', [{ id: 'gpt-4o-mini' }, { id: 'claude', provider: 'anthropic' }]), [{ id: 'gpt-4o-mini' }, { id: 'claude', provider: 'anthropic' }]);
  const restored = restoreTurns([{ id: 'x', role: 'assistant', text: 'half', pending: true }, { id: 1, role: 'user', text: 'bad id' }, 'junk']);
  assert.deepEqual(restored, [{ id: 'x', role: 'assistant', text: 'half', pending: false, stopped: true }]);
  assert.deepEqual(restoreTurns(undefined), []);
  const known = new Set(['typescript', 'python', 'shellscript', 'plaintext', 'go']);
  assert.deepEqual(['ts', 'PY', 'bash', 'go', '', 'klingon'].map((t) => languageIdFor(t, known)), ['typescript', 'python', 'shellscript', 'go', 'plaintext', 'plaintext']);
});

test('errors: a compliance block says why and what to do; codes map without reading message text', () => {
  const block = describeError(new GatewayError('compliance_blocked', 'blocked', { details: { explanation: 'Policy pci_dss_strict blocks CREDIT_CARD.', violations: [{ type: 'CREDIT_CARD' }] } }));
  assert.equal(block.code, 'compliance_blocked');
  assert.match(block.message, /pci_dss_strict blocks CREDIT_CARD/);
  assert.match(block.hint, /Redact/);
  const remote = describeError(new ComplianceError('chat: blocked by policy', { status: 403, violations: ['SSN'] }));
  assert.equal(remote.code, 'compliance_blocked');
  assert.equal(describeError(new ConnectionError('refused')).code, 'connection');
  assert.equal(describeError(new GatewayError('missing_api_key', 'no key for openai')).hint.includes('Configure'), true);
  assert.equal(describeError('weird').code, 'internal');
});

test('webview HTML: strict CSP with a fresh nonce on the only script', () => {
  const n1 = makeNonce();
  assert.notEqual(n1, makeNonce());
  assert.ok(Buffer.from(n1, 'base64').length === 16);
  const csp = contentSecurityPolicy('vscode-resource:', n1);
  assert.match(csp, /^default-src 'none'; /);
  assert.match(csp, new RegExp(`script-src 'nonce-${n1.replace(/[+/=]/g, '\\$&')}'(;|$)`));
  assert.ok(!/unsafe-inline|unsafe-eval|\*/.test(csp));
  const html = buildHtml({ cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x/chat.js', styleUri: 'https://x/w.css', view: 'chat', title: 'A "title" <b>', nonce: n1 });
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.ok(scripts[0].includes(`nonce="${n1}"`));
  assert.ok(!/\son\w+=/.test(html), 'no inline handlers');
  assert.ok(html.includes('&quot;title&quot; &lt;b&gt;'));
});
