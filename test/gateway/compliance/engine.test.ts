// The engine end to end on a real SQLite store in a temp dir: policies, redaction + restore, prompt
// decisions, streaming with split values, feedback that changes later results, baselines/deviations,
// and the HTTP routes through their handlers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createComplianceEngine, complianceRoutes, type ComplianceEngine } from '../../../src/gateway/compliance/index.js';
import { DEFAULT_CONFIG, type ComplianceConfig } from '../../../src/gateway/config.js';
import type { ChatRequest, RequestContext } from '../../../src/gateway/types.js';
import type { RouteRequest } from '../../../src/gateway/server/route.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function setup(over: Partial<ComplianceConfig> = {}, startMs = Date.UTC(2026, 0, 1, 12)) {
  const dir = mkdtempSync(join(tmpdir(), 'sf-compliance-'));
  let wall = startMs;
  const clock = { now: () => performance.now(), wallNow: () => wall };
  const engine = createComplianceEngine({ dataDir: dir, config: { ...DEFAULT_CONFIG.compliance, ...over }, clock, logger: quiet });
  return {
    engine,
    advanceDays: (d: number) => (wall += d * 86_400_000),
    done: () => {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const ctx = (o: Partial<RequestContext> = {}): RequestContext => ({ requestId: `r${Math.random()}`, signal: new AbortController().signal, startedAt: 0, ...o });
const chat = (text: string): ChatRequest => ({ model: 'gpt-4o', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text }] }] });

test('intelligent scan: result fields, offsets, risk and action', () => {
  const s = setup();
  try {
    const r = s.engine.intelligentScan({ content: 'Please send payment to card 4111-1111-1111-1111' });
    assert.equal(r.has_violations, true);
    assert.match(r.scan_id, /^scan_/);
    assert.equal(r.regex_violations[0].violation_type, 'CREDIT_CARD');
    assert.equal(r.regex_violations[0].severity, 'critical');
    assert.equal(r.findings[0].start, 28);
    assert.equal(r.findings[0].end, 47);
    assert.ok(r.risk_score > 0.5 && r.risk_score <= 1);
    assert.ok(['Review', 'Block'].includes(r.recommended_action));
    assert.ok(r.processing_time_us > 0);
    const clean = s.engine.intelligentScan({ content: 'What is machine learning?' });
    assert.equal(clean.has_violations, false);
    assert.equal(clean.recommended_action, 'Allow');
    assert.equal(clean.risk_score, 0);
  } finally {
    s.done();
  }
});

test('check_compliance per policy and redact_pii', () => {
  const s = setup();
  try {
    const r = s.engine.checkCompliance('My SSN is 536-22-1234');
    assert.equal(r.has_violations, true);
    assert.equal(r.risk_level, 'critical');
    assert.deepEqual(r.pii_detected, ['SSN']);
    assert.equal(r.redacted_content, 'My SSN is [SSN]');
    assert.ok(r.compliance_score < 0.5);
    const pci = s.engine.checkCompliance('card 4111111111111111', 'pci_dss_strict');
    assert.equal(pci.action, 'block');
    const ent = s.engine.checkCompliance('card 4111111111111111', 'enterprise_standard');
    assert.equal(ent.action, 'redact');
    assert.throws(() => s.engine.checkCompliance('x', 'nope'), /Unknown compliance policy/);
    assert.equal(s.engine.redactPii('Call me at 415-555-0132, email john@example.com'), 'Call me at [PHONE], email [EMAIL]');
  } finally {
    s.done();
  }
});

test('custom policies from config', () => {
  const s = setup({ policy: 'strict_email', customPolicies: { strict_email: { extends: 'enterprise_standard', block: ['EMAIL'] } } });
  try {
    assert.equal(s.engine.checkCompliance('a@b.co mail me').action, 'block');
  } finally {
    s.done();
  }
  assert.throws(() => setup({ customPolicies: { bad: { block: ['EMAILS'] } } }), /unknown type\(s\) EMAILS/);
});

test('scanPrompt: redact (string + text parts), block with explanation, reversible restore', async () => {
  const s = setup({ reversible: true });
  try {
    const req = chat('key AKIAIOSFODNN7EXAMPL1 and card 4111111111111111 and again AKIAIOSFODNN7EXAMPL1');
    const d = await s.engine.scanPrompt(req, ctx());
    assert.equal(d.action, 'redact');
    const sent = (d.request.messages[1].content as Array<{ type: 'text'; text: string }>)[0].text;
    assert.equal(sent, 'key [API_KEY_1] and card [CREDIT_CARD_1] and again [API_KEY_1]');
    assert.deepEqual(d.summary.redactedByType, { API_KEY: 2, CREDIT_CARD: 1 });
    assert.equal(d.summary.status, 'violated');
    assert.ok(!d.redactedPromptText.includes('AKIA'));
    assert.ok(d.restore);
    assert.equal(d.restore!('The key [API_KEY_1] is exposed'), 'The key AKIAIOSFODNN7EXAMPL1 is exposed');
    // Original request untouched.
    assert.ok(((req.messages[1].content as Array<{ text: string }>)[0].text).includes('AKIA'));
  } finally {
    s.done();
  }
  const p = setup({ policy: 'pci_dss_strict' });
  try {
    const d = await p.engine.scanPrompt(chat('charge 4111111111111111'), ctx());
    assert.equal(d.action, 'block');
    assert.match(d.explanation!, /pci_dss_strict.*CREDIT_CARD/);
    assert.ok(!d.redactedPromptText.includes('4111111111111111'));
    const ok = await p.engine.scanPrompt(chat('hello there'), ctx());
    assert.equal(ok.action, 'allow');
    assert.equal(ok.summary.status, 'compliant');
  } finally {
    p.done();
  }
});

test('response scanner catches values split across chunks (random chunkings) and restores placeholders', () => {
  const s = setup();
  try {
    const text = 'Sure. The SSN 536-22-1234 and key AKIAIOSFODNN7EXAMPL1 belong to [EMAIL_1]; card 4111 1111 1111 1111 end.';
    const restore = (t: string) => t.replace('[EMAIL_1]', 'jane@example.com');
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const sc = s.engine.responseScanner(ctx(), restore);
      let out = '';
      let i = 0;
      while (i < text.length) {
        const n = 1 + Math.floor(rnd() * 12);
        out += sc.push(text.slice(i, i + n));
        i += n;
      }
      out += sc.flush();
      assert.equal(out, 'Sure. The SSN [SSN] and key [API_KEY] belong to jane@example.com; card [CREDIT_CARD] end.', `trial ${trial}`);
      assert.deepEqual(sc.findings().map((f) => f.type).sort(), ['API_KEY', 'CREDIT_CARD', 'SSN']);
      const ssn = sc.findings().find((f) => f.type === 'SSN')!;
      assert.equal(text.slice(ssn.start, ssn.end), '536-22-1234');
    }
  } finally {
    s.done();
  }
});

test('feedback: a false positive stops being flagged for that org and shows in stats', () => {
  const s = setup();
  try {
    const first = s.engine.intelligentScan({ content: 'Call me at 415-555-0100', org_id: 'acme', user_id: 'u1' });
    assert.equal(first.has_violations, true);
    const fb = s.engine.submitFeedback({ scan_id: first.scan_id, is_false_positive: true, user_id: 'admin', notes: 'test number' });
    assert.equal(fb.success, true);
    assert.equal(fb.applied_to, 1);
    const again = s.engine.intelligentScan({ content: 'Reach 415-555-0100 today', org_id: 'acme' });
    assert.equal(again.has_violations, false);
    assert.equal(again.suppressed_count, 1);
    // Another org is unaffected; another number still flagged.
    assert.equal(s.engine.intelligentScan({ content: 'Call me at 415-555-0100', org_id: 'other' }).has_violations, true);
    assert.equal(s.engine.intelligentScan({ content: 'Call me at 415-555-0199', org_id: 'acme' }).has_violations, true);
    const ml = s.engine.getMlStats();
    assert.equal(ml.feedback_received, 1);
    assert.equal(ml.false_positives_reported, 1);
    assert.ok(ml.learned_patterns >= 1);
    assert.equal(s.engine.getOrgBaseline('acme').false_positive_patterns, 1);
    assert.equal(s.engine.getLearningStatus('admin').feedback_submitted, 1);
    assert.equal(s.engine.getLearningSummary().total_feedback, 1);
    assert.equal(s.engine.submitFeedback({ scan_id: 'scan_nope', is_false_positive: true }).success, false);
    // Confirming a true positive lifts the suppression.
    const fb2 = s.engine.submitFeedback({ scan_id: first.scan_id, is_false_positive: false });
    assert.equal(fb2.success, true);
    assert.equal(s.engine.intelligentScan({ content: 'Reach 415-555-0100 today', org_id: 'acme' }).has_violations, true);
  } finally {
    s.done();
  }
});

test('baselines: learning progress and behaviour deviations raise risk', () => {
  const s = setup({ learningDays: 5 });
  try {
    for (let d = 0; d < 5; d++) {
      s.engine.intelligentScan({ content: 'email me at bob@example.com', user_id: 'alice', org_id: 'acme' });
      s.engine.intelligentScan({ content: 'nothing here', user_id: 'alice', org_id: 'acme' });
      s.advanceDays(1);
    }
    const st = s.engine.getLearningStatus('alice');
    assert.equal(st.days_tracked, 5);
    assert.equal(st.learning_complete, true);
    assert.equal(st.progress_percent, 100);
    assert.equal(st.violations_by_type.EMAIL, 5);
    const calm = s.engine.intelligentScan({ content: 'email me at bob@example.com', user_id: 'alice', org_id: 'acme' });
    assert.deepEqual(calm.behavior_deviations, []);
    const burst = s.engine.intelligentScan({ content: 'a1@x.com a2@x.com a3@x.com a4@x.com a5@x.com', user_id: 'alice', org_id: 'acme' });
    assert.ok(burst.behavior_deviations.some((d) => d.kind === 'user_rate' && d.entity_type === 'EMAIL'), JSON.stringify(burst.behavior_deviations));
    const newType = s.engine.intelligentScan({ content: 'SSN 536-22-1234', user_id: 'alice', org_id: 'acme' });
    assert.ok(newType.behavior_deviations.some((d) => d.kind === 'new_type' && d.entity_type === 'SSN'));
    const sameNoHistory = s.engine.intelligentScan({ content: 'SSN 536-22-1234', user_id: 'zed', org_id: 'fresh' });
    assert.ok(newType.risk_score > sameNoHistory.risk_score, `${newType.risk_score} > ${sameNoHistory.risk_score}`);
    const base = s.engine.getOrgBaseline('acme');
    assert.equal(base.user_count, 1);
    assert.ok(base.violation_rate > 0 && base.violation_rate < 1);
    assert.equal(base.top_violation_types[0].type, 'EMAIL');
    const sum = s.engine.getLearningSummary();
    assert.equal(sum.config_learning_days, 5);
    assert.equal(sum.users_learning_complete, 1);
  } finally {
    s.done();
  }
});

test('without storage the engine scans and says learning is off', () => {
  const e = createComplianceEngine({ dataDir: null, config: DEFAULT_CONFIG.compliance, clock: { now: () => performance.now(), wallNow: () => Date.now() }, logger: quiet });
  const r = e.intelligentScan({ content: 'jane@example.com' });
  assert.equal(r.has_violations, true);
  assert.equal(r.learning_enabled, false);
  assert.equal(e.health().status, 'degraded');
  assert.equal(e.submitFeedback({ scan_id: r.scan_id, is_false_positive: true }).success, false);
  e.close();
});

test('HTTP routes through their handlers', async () => {
  const s = setup();
  try {
    const routes = complianceRoutes(s.engine as ComplianceEngine);
    const call = async (method: string, path: string, body?: unknown, params: Record<string, string> = {}) => {
      const r = routes.find((x) => x.method === method && x.path === path);
      assert.ok(r, `${method} ${path}`);
      assert.deepEqual(r!.surfaces, ['compliance']);
      const req: RouteRequest = { method, path, params, query: new URLSearchParams(), headers: {}, body, ctx: ctx() };
      return (await r!.handler(req)) as { status?: number; json: any };
    };
    const scan = await call('POST', '/api/compliance/intelligent/scan', { content: 'Call me at 415-555-0100', user_id: 'u9', org_id: 'o9' });
    assert.equal(scan.json.has_violations, true);
    assert.equal(scan.json.findings[0].type, 'PHONE');
    const fb = await call('POST', '/api/compliance/feedback', { scan_id: scan.json.scan_id, is_false_positive: true, finding_index: 0 });
    assert.equal(fb.json.success, true);
    assert.equal((await call('POST', '/api/compliance/feedback', { scan_id: 'scan_x', is_false_positive: true })).status, 404);
    await assert.rejects(call('POST', '/api/compliance/feedback', { scan_id: 'x' }), /is_false_positive/);
    await assert.rejects(call('POST', '/api/compliance/intelligent/scan', { text: 'x' }), /"content" is required/);
    const chk = await call('POST', '/api/compliance/check', { content: 'SSN 536-22-1234', policy: 'hipaa' });
    assert.equal(chk.json.action, 'block');
    await assert.rejects(call('POST', '/api/compliance/check', { content: 'x', policy: 'nope' }), /Unknown policy/);
    const red = await call('POST', '/api/compliance/redact', { content: 'mail jane@example.com' });
    assert.equal(red.json.redacted_content, 'mail [EMAIL]');
    assert.equal((await call('GET', '/api/compliance/learning/summary')).json.total_users, 1);
    assert.equal((await call('GET', '/api/compliance/learning/status/:userId', undefined, { userId: 'u9' })).json.total_scans, 1);
    assert.equal((await call('GET', '/api/compliance/ml/stats')).json.feedback_received, 1);
    assert.equal((await call('GET', '/api/compliance/baseline/:orgId', undefined, { orgId: 'o9' })).json.user_count, 1);
    assert.ok(Array.isArray((await call('GET', '/api/compliance/org/summary')).json.organizations));
    assert.equal((await call('GET', '/api/compliance/health')).json.learning_enabled, true);
  } finally {
    s.done();
  }
});
