// Fixes for bugs found in integration (issue 5): a URL password read as an email, ordinary words read
// as names, tool-call arguments sent unscanned, and SQLite writes on the request path. Real engine, real
// SQLite in a temp dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createComplianceEngine, detect } from '../../../src/gateway/compliance/index.js';
import { LearningStore } from '../../../src/gateway/compliance/store.js';
import { DEFAULT_CONFIG, type ComplianceConfig } from '../../../src/gateway/config.js';
import { openDatabase, type SqlDb } from '../../../src/gateway/storage/sqlite.js';
import type { ChatMessage, ChatRequest, RequestContext } from '../../../src/gateway/types.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function setup(over: Partial<ComplianceConfig> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sf-compliance-fix-'));
  const clock = { now: () => performance.now(), wallNow: () => Date.now() };
  const engine = createComplianceEngine({ dataDir: dir, config: { ...DEFAULT_CONFIG.compliance, ...over }, clock, logger: quiet });
  return {
    dir,
    engine,
    done: () => {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const ctx = (o: Partial<RequestContext> = {}): RequestContext => ({ requestId: `r${Math.random().toString(36).slice(2)}`, signal: new AbortController().signal, startedAt: 0, ...o });
const persons = (text: string) => detect(text).filter((f) => f.type === 'PERSON').map((f) => f.value);
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

// ---------------------------------------------------------------------------------------------------
// 1. Connection-string passwords are URL_CREDENTIALS, never an EMAIL
// ---------------------------------------------------------------------------------------------------

const CONFIG_FILE = 'db_url = "postgres://admin:hunter2pass@db.internal:5432/app"\ncontact = "jane.doe@example.com"';

test('a connection-string password next to an email is URL_CREDENTIALS, not an EMAIL', () => {
  const fs = detect(CONFIG_FILE);
  const cred = fs.find((f) => f.type === 'URL_CREDENTIALS');
  assert.ok(cred, 'URL_CREDENTIALS found');
  assert.equal(cred.value, 'admin:hunter2pass', 'the whole userinfo is the secret');
  const emails = fs.filter((f) => f.type === 'EMAIL').map((f) => f.value);
  assert.deepEqual(emails, ['jane.doe@example.com']);
  // Other URL shapes: empty user, and a user that is itself an address.
  assert.deepEqual(detect('cache: redis://:s3cretpass@cache.local:6379').map((f) => [f.type, f.value]), [['URL_CREDENTIALS', ':s3cretpass']]);
  assert.deepEqual(detect('smtp://me@corp.com:pass1234@smtp.corp.com').map((f) => f.type), ['URL_CREDENTIALS']);
});

test('overlaps prefer the secret over an email-shaped value', () => {
  const fs = detect('password=hunter2@example.com');
  assert.equal(fs.length, 1);
  assert.equal(fs[0].type, 'PASSWORD');
});

test('redaction hides user and password; the default policy never sends the password', async () => {
  const s = setup();
  try {
    const red = s.engine.redactPii(CONFIG_FILE);
    assert.ok(!red.includes('hunter2pass') && !red.includes('admin:'), red);
    assert.match(red, /postgres:\/\/\[URL_CREDENTIALS\]@db\.internal:5432\/app/);
    const req: ChatRequest = { model: 'gpt-4o', messages: [{ role: 'user', content: `Why does this fail?\n${CONFIG_FILE}` }] };
    const d = await s.engine.scanPrompt(req, ctx());
    const sent = JSON.stringify(d.request);
    assert.ok(!sent.includes('hunter2pass'), 'the password reached the provider');
    assert.ok(d.summary.violations.some((v) => v.type === 'URL_CREDENTIALS'));
  } finally {
    s.done();
  }
});

// ---------------------------------------------------------------------------------------------------
// 2. Common English words that are also names need evidence
// ---------------------------------------------------------------------------------------------------

test('a capitalised common word before a colon or at a line start is not a PERSON', () => {
  for (const t of ['Echo: hello', 'Echo: Explain what a closure is', 'Hope this helps', 'Will you check the build?', 'Page 3 of the report', 'Summer: sale ends', 'Grace period is 30 days', 'Mark the task as done', 'Bill: 42 EUR']) {
    assert.deepEqual(persons(t), [], t);
  }
});

test('names are still found with real evidence (cue, honorific, surname)', () => {
  assert.deepEqual(persons('Please review the PR from Alice'), ['Alice']);
  assert.deepEqual(persons('Dear Grace,\nthanks for the notes'), ['Grace']);
  assert.deepEqual(persons('Mark Johnson called about the invoice'), ['Mark Johnson']);
  assert.deepEqual(persons('Hi Will, can you check the build?'), ['Will']);
  assert.deepEqual(persons('my name is Echo'), ['Echo']);
  assert.deepEqual(persons('Grace Hopper wrote the first compiler'), ['Grace Hopper']);
  assert.deepEqual(persons('Ask Mr. Young about it'), ['Mr. Young']);
});

test('gdpr: an echo-provider reply prompt is compliant and sent as written', async () => {
  const s = setup({ policy: 'gdpr' });
  try {
    const req: ChatRequest = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Echo: Explain what a closure is' }] };
    const d = await s.engine.scanPrompt(req, ctx());
    assert.equal(d.summary.status, 'compliant');
    assert.equal(d.redactedPromptText, 'Echo: Explain what a closure is');
    assert.equal(s.engine.redactText('Echo: hello'), 'Echo: hello');
  } finally {
    s.done();
  }
});

// ---------------------------------------------------------------------------------------------------
// 3. Tool-call arguments of earlier assistant turns are scanned and redacted
// ---------------------------------------------------------------------------------------------------

const AWS_KEY = 'AKIAZ7QF3JX2LMNOP4QR';

function toolTurn(args: string): ChatMessage[] {
  return [
    { role: 'user', content: 'look it up' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: args } }] },
    { role: 'tool', tool_call_id: 'c1', content: 'ok' },
  ];
}

test('tool-call arguments are redacted inside their JSON string values', async () => {
  const s = setup();
  try {
    const args = JSON.stringify({ query: `use key ${AWS_KEY}`, nested: { keys: [AWS_KEY, 'plain'] }, n: 3, ok: true });
    const d = await s.engine.scanPrompt({ model: 'gpt-4o', messages: toolTurn(args) }, ctx());
    assert.equal(d.action, 'redact');
    const out = d.request.messages[1].tool_calls![0].function.arguments;
    assert.ok(!out.includes(AWS_KEY), out);
    const parsed = JSON.parse(out) as { query: string; nested: { keys: string[] }; n: number; ok: boolean };
    assert.match(parsed.query, /^use key \[API_KEY(_\d+)?\]$/);
    assert.match(parsed.nested.keys[0], /^\[API_KEY(_\d+)?\]$/);
    assert.equal(parsed.nested.keys[1], 'plain');
    assert.equal(parsed.n, 3);
    assert.equal(parsed.ok, true);
    assert.ok(d.summary.violations.some((v) => v.type === 'API_KEY'));
    // The original request object is not mutated.
    assert.ok(toolTurn(args)[1].tool_calls![0].function.arguments.includes(AWS_KEY));
  } finally {
    s.done();
  }
});

test('non-JSON tool arguments are redacted as text; clean arguments keep their exact bytes', async () => {
  const s = setup();
  try {
    const d = await s.engine.scanPrompt({ model: 'gpt-4o', messages: toolTurn(`key=${AWS_KEY} (truncated`) }, ctx());
    assert.ok(!d.request.messages[1].tool_calls![0].function.arguments.includes(AWS_KEY));
    const clean = '{ "city" :  "Lisbon" }';
    const msgs = toolTurn(clean);
    msgs[0] = { role: 'user', content: `my key ${AWS_KEY}` };
    const d2 = await s.engine.scanPrompt({ model: 'gpt-4o', messages: msgs }, ctx());
    assert.equal(d2.action, 'redact');
    assert.equal(d2.request.messages[1].tool_calls![0].function.arguments, clean);
  } finally {
    s.done();
  }
});

// ---------------------------------------------------------------------------------------------------
// 4. The learning store: statements prepared once, scan writes off the request path
// ---------------------------------------------------------------------------------------------------

/** The real database with prepare() calls counted (the store under test is unchanged). */
function countingDb(db: SqlDb): { db: SqlDb; prepares: () => number } {
  let n = 0;
  const wrapped: SqlDb = Object.create(db) as SqlDb;
  Object.defineProperty(wrapped, 'prepare', { value: (sql: string) => (n++, db.prepare(sql)) });
  for (const m of ['exec', 'transaction', 'pragma', 'close'] as const) Object.defineProperty(wrapped, m, { value: (db[m] as (...a: unknown[]) => unknown).bind(db) });
  return { db: wrapped, prepares: () => n };
}

test('the store prepares each statement once, however many scans it records', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-compliance-store-'));
  const c = countingDb(openDatabase(join(dir, 'compliance.db')));
  const store = new LearningStore(c.db);
  try {
    const row = (i: number) => ({ scan_id: `s${i}`, ts: Date.now(), user_id: 'u1', org_id: 'o1', findings: [{ type: 'EMAIL' as const, recognizer: 'email', masked: 'j***@e***.com', confidence: 0.9, fp: 'x' }], risk: 0.3, action: 'log' });
    store.recordScan(row(0));
    await nextTurn();
    store.getScan('s0');
    const after1 = c.prepares();
    for (let i = 1; i <= 200; i++) {
      store.recordScan(row(i));
      if (i % 50 === 0) await nextTurn();
      store.getScan(`s${i}`);
    }
    assert.equal(c.prepares(), after1, 'no prepare() per scan');
    assert.equal(store.counts().scans, 201);
    assert.equal(store.userRow('u1')?.scans, 201);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scanPrompt does not write SQLite synchronously; the scan is queryable right after', async () => {
  const s = setup();
  const reader = openDatabase(join(s.dir, 'compliance.db'));
  try {
    const rows = () => reader.prepare('SELECT COUNT(*) AS n FROM scans').get<{ n: number }>()!.n;
    const before = rows();
    const req: ChatRequest = { model: 'gpt-4o', messages: [{ role: 'user', content: 'mail jane.doe@example.com' }] };
    for (let i = 0; i < 5; i++) await s.engine.scanPrompt(req, ctx({ userId: 'u1' }));
    assert.equal(rows(), before, 'nothing written on the request path');
    await nextTurn();
    assert.equal(rows(), before + 5, 'written together on the next turn');
    // An intelligent scan's scan_id takes feedback immediately (no turn in between).
    const r = s.engine.intelligentScan({ content: 'SSN 536-22-1234', user_id: 'u1' });
    const fb = s.engine.submitFeedback({ scan_id: r.scan_id, is_false_positive: true });
    assert.equal(fb.success, true);
  } finally {
    reader.close();
    s.done();
  }
});

test('close() writes what is still queued', async () => {
  const s = setup();
  const path = join(s.dir, 'compliance.db');
  await s.engine.scanPrompt({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello there' }] }, ctx());
  s.engine.close();
  const db = openDatabase(path);
  try {
    assert.equal(db.prepare('SELECT COUNT(*) AS n FROM scans').get<{ n: number }>()!.n, 1);
  } finally {
    db.close();
    rmSync(s.dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------------
// 5. Mis-dashed SSNs only next to an SSN word
// ---------------------------------------------------------------------------------------------------

test('weak SSN forms (3-6, 5-4, bare 9 digits) are found with context and ignored without', () => {
  const ssns = (t: string) => detect(t).filter((f) => f.type === 'SSN').map((f) => f.value);
  assert.deepEqual(ssns('my ssn is 078-051121'), ['078-051121']);
  assert.deepEqual(ssns('Social Security number: 07805-1121'), ['07805-1121']);
  assert.deepEqual(ssns('SSN 078051121'), ['078051121']);
  assert.deepEqual(ssns('078-051121 07805-1121'), [], 'no context');
  assert.deepEqual(ssns('ship to 94103-1234'), [], 'a ZIP+4 code');
  assert.deepEqual(ssns('ssn 666-051121'), [], 'invalid area');
});
