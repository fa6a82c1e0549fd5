// Compliance across every layer, as a user meets it: a prompt with an email, a phone number and an AWS key
// goes through the gateway on its embedded defaults (official `openai` client → loopback HTTP → pipeline →
// simulator). We check what reached the provider, what the audit log says (over HTTP), and that no SQLite
// file the gateway wrote holds the secret, the provider keys or the local token. A blocking policy must
// stop a card number before any byte leaves, with an OpenAI-shaped 403 the client surfaces.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startProduct, scanDataDir, describeLeaks, drain, TEST_KEYS, type Product } from './helpers.js';

const EMAIL = 'jane.doe@example.com';
const PHONE = '+1 415 555 0132';
const AWS_KEY = 'AKIAZ3MNQ7RTUVWX2Y4P';
const PROMPT = `Please email ${EMAIL} or call ${PHONE} about the deploy; the AWS access key is ${AWS_KEY} for the bucket.`;

function sentText(p: Product): string {
  const r = p.sim.requests.at(-1);
  assert.ok(r, 'the simulator received a request');
  return JSON.stringify(r.body);
}

function violationTypes(log: any): string[] {
  return (log.compliance?.violations ?? []).map((v: any) => v.type);
}

describe('default policy (enterprise_standard): a secret is redacted, contact details are flagged', () => {
  let p: Product;
  let requestId: string;
  let reply: string;
  before(async () => {
    p = await startProduct();
    const r = await p.openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] }, { headers: { 'x-smartflow-user-id': 'alice' } })
      .withResponse();
    requestId = r.response.headers.get('x-smartflow-request-id') ?? '';
    reply = r.data.choices[0].message.content ?? '';
  });
  after(async () => {
    await p.close();
  });

  test('all three layers are on by default', () => {
    assert.ok(p.svc.compliance, `compliance: ${p.svc.layers.compliance.error}`);
    assert.ok(p.svc.cache, `cache: ${p.svc.layers.cache.error}`);
    assert.ok(p.svc.storage.engine, `audit: ${p.svc.storage.error}`);
    assert.equal(p.svc.config.compliance.policy, 'enterprise_standard');
  });

  test('the AWS key never reached the provider; a typed placeholder did', () => {
    const sent = sentText(p);
    assert.ok(!sent.includes(AWS_KEY), 'AWS key reached the simulator');
    assert.match(sent, /\[API_KEY(_\d+)?\]/);
    assert.equal(p.sim.requests.length, 1);
    // The provider got the user's key for it, not the gateway token.
    assert.equal(p.sim.requests[0].apiKey, TEST_KEYS.OPENAI_API_KEY);
    // The client sees the provider's answer, which echoes what the provider received.
    assert.ok(!reply.includes(AWS_KEY));
  });

  test('the audit record (GET /api/logs/:id) says violated, with typed, masked findings', async () => {
    assert.match(requestId, /^[0-9a-f-]{36}$/);
    const r = await p.api(`/api/logs/${requestId}`);
    assert.equal(r.status, 200, r.text);
    const log = r.json;
    assert.equal(log.request_id, requestId);
    assert.equal(log.user_id, 'alice');
    assert.equal(log.compliance_status, 'violated');
    assert.equal(log.compliance.policy, 'enterprise_standard');
    assert.equal(log.compliance.action, 'redact');
    assert.equal(log.compliance.redactedByType.API_KEY, 1);
    const types = violationTypes(log);
    for (const t of ['EMAIL', 'PHONE', 'API_KEY']) assert.ok(types.includes(t), `finding ${t} in ${types.join(',')}`);
    for (const v of log.compliance.violations) {
      assert.equal(typeof v.start, 'number');
      assert.ok(v.end > v.start);
      assert.ok(v.confidence > 0 && v.confidence <= 1);
      assert.ok(v.recognizer);
      for (const raw of [EMAIL, PHONE, AWS_KEY]) assert.ok(!String(v.masked).includes(raw), `masked preview ${v.masked} holds a raw value`);
    }
    // compliance_violations is the reference's JSON string of the same list.
    const parsed = JSON.parse(log.compliance_violations);
    assert.ok(Array.isArray(parsed) && parsed.some((v: any) => v.type === 'API_KEY'));
    // The prompt in the log is the redacted one.
    assert.ok(log.prompt_text, 'prompt text stored (setting: redacted)');
    assert.ok(!log.prompt_text.includes(AWS_KEY));
    assert.match(log.prompt_text, /\[API_KEY(_\d+)?\]/);
    // The response text is redacted too (it echoed the prompt).
    assert.ok(log.response_text && !log.response_text.includes(AWS_KEY));
    // The service object reads the same store.
    const direct = await p.svc.audit!.getLogs({ limit: 10 });
    assert.equal(direct.logs[0].request_id, requestId);
    assert.equal(direct.logs[0].compliance_status, 'violated');
  });

  test(
    'the stored prompt text (storePrompts: redacted) has no raw email or phone',
    async () => {
      const [log] = await p.logs();
      assert.ok(!log.prompt_text.includes(EMAIL), 'raw email in audit prompt_text');
      assert.ok(!log.prompt_text.includes(PHONE), 'raw phone in audit prompt_text');
    },
  );

  test('no SQLite file in the data dir holds the AWS key, a provider key or the local token', async () => {
    await p.stop();
    const needles = [AWS_KEY, ...Object.values(TEST_KEYS), p.token, 'sk-sim-'];
    const leaks = scanDataDir(p.dataDir, needles);
    assert.deepEqual(leaks, [], describeLeaks(leaks));
    // …and the raw email / phone are in neither the audit log nor the compliance store. (They did go to
    // the provider — the policy only logs them — so the cache holds the provider's answer to that prompt.)
    const pii = scanDataDir(p.dataDir, [EMAIL, PHONE], { files: /^(audit|compliance)\.db/ });
    assert.deepEqual(pii, [], describeLeaks(pii));
  });
});

describe('gdpr policy: every value becomes a placeholder and nothing raw is stored anywhere', () => {
  let p: Product;
  before(async () => {
    p = await startProduct({ config: { compliance: { policy: 'gdpr' } } });
  });
  after(async () => {
    await p.close();
  });

  test('the provider sees only placeholders; no SQLite byte holds a raw value', async () => {
    const r = await p.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] });
    const sent = sentText(p);
    for (const raw of [EMAIL, PHONE, AWS_KEY]) assert.ok(!sent.includes(raw), `${raw.slice(0, 4)}… reached the simulator`);
    assert.match(sent, /\[EMAIL(_\d+)?\]/);
    assert.match(sent, /\[PHONE(_\d+)?\]/);
    assert.match(sent, /\[API_KEY(_\d+)?\]/);
    assert.ok(!(r.choices[0].message.content ?? '').includes(EMAIL));
    const [log] = await p.logs();
    assert.equal(log.compliance_status, 'violated');
    assert.equal(log.compliance.policy, 'gdpr');
    for (const t of ['EMAIL', 'PHONE', 'API_KEY']) assert.ok((log.compliance.redactedByType[t] ?? 0) >= 1, `redacted ${t}`);
    await p.stop();
    const leaks = scanDataDir(p.dataDir, [EMAIL, PHONE, AWS_KEY, ...Object.values(TEST_KEYS), p.token]);
    assert.deepEqual(leaks, [], describeLeaks(leaks));
  });
});

describe('blocking policy (pci_dss_strict): a card number stops the request at the gateway', () => {
  const CARD = '4111 1111 1111 1111';
  let p: Product;
  before(async () => {
    p = await startProduct({ config: { compliance: { policy: 'pci_dss_strict' } } });
  });
  after(async () => {
    await p.close();
  });

  test('the openai client raises a 403 with an OpenAI-shaped compliance error; nothing reached the provider', async () => {
    let err: unknown;
    try {
      await p.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Charge ${CARD} for the renewal` }] });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof OpenAI.PermissionDeniedError, `got ${String(err)}`);
    assert.equal(err.status, 403);
    assert.equal(err.code, 'compliance_blocked');
    assert.match(err.message, /pci_dss_strict/);
    assert.match(err.message, /CREDIT_CARD/);
    assert.ok(!err.message.includes(CARD), 'the error message repeats the card number');
    const body = err.error as any;
    assert.equal(body.type, 'permission_error');
    assert.equal(body.compliance.action, 'block');
    assert.ok(body.compliance.violations.some((v: any) => v.type === 'CREDIT_CARD' && v.masked.endsWith('1111') && !v.masked.includes('4111')));
    assert.ok(err.headers?.get('x-smartflow-request-id'));
    assert.equal(p.sim.requests.length, 0, 'the simulator received nothing');
  });

  test('a streamed request is blocked the same way, before any event', async () => {
    const res = await p.api('/v1/chat/completions', { body: { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: `card ${CARD}` }] } });
    assert.equal(res.status, 403);
    assert.match(res.headers.get('content-type') ?? '', /json/);
    assert.equal(res.json.error.code, 'compliance_blocked');
    assert.equal(p.sim.requests.length, 0);
  });

  test('the audit log records both blocks, with the 403 and the finding, and no card number on disk', async () => {
    const logs = await p.logs();
    assert.equal(logs.length, 2);
    for (const log of logs) {
      assert.equal(log.compliance_status, 'violated');
      assert.equal(log.compliance.action, 'block');
      assert.equal(log.error?.status, 403);
      assert.equal(log.metrics.success, false);
      assert.ok(violationTypes(log).includes('CREDIT_CARD'));
      assert.ok(!JSON.stringify(log).includes(CARD));
    }
    assert.deepEqual(logs.map((l) => l.streamed).sort(), [false, true]);
    // The status filter finds them as violations and as errors.
    assert.equal((await p.logs('status=violated')).length, 2);
    assert.equal((await p.logs('status=error')).length, 2);
    await p.stop();
    const leaks = scanDataDir(p.dataDir, [CARD, CARD.replace(/ /g, ''), ...Object.values(TEST_KEYS), p.token]);
    assert.deepEqual(leaks, [], describeLeaks(leaks));
  });
});

describe('default policy: text without personal data', () => {
  let p: Product;
  before(async () => {
    p = await startProduct();
  });
  after(async () => {
    await p.close();
  });

  test(
    'is kept readable in the audit log (no placeholder for an ordinary first word)',
    async () => {
      await p.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Explain what a reverse proxy does in one line' }] });
      const [log] = await p.logs();
      assert.match(log.prompt_text ?? '', /Explain what a reverse proxy does in one line/);
      assert.equal((await p.logs('text=Explain')).length, 1, 'the log text search finds the prompt');
    },
  );
});

describe('a database password in a pasted config file (default policy)', () => {
  const PASSWORD = 'hunter2pass';
  const DB_LINE = `db_url = "postgres://admin:${PASSWORD}@db.internal:5432/app"`;
  let p: Product;
  before(async () => {
    p = await startProduct();
  });
  after(async () => {
    await p.close();
  });

  test('alone on its line, the credentials are redacted before they leave', async () => {
    await p.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Why does this fail? ${DB_LINE}` }] });
    const sent = sentText(p);
    assert.ok(!sent.includes(PASSWORD), 'the password reached the provider');
    assert.match(sent, /\[URL_CREDENTIALS(_\d+)?\]/);
  });

  test(
    'next to an email address, the credentials are still redacted',
    async () => {
      const file = `${DB_LINE}\ncontact = "jane.doe@example.com"\n`;
      await p.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Why does this config fail?\n${file}` }] });
      const sent = sentText(p);
      assert.ok(!sent.includes(PASSWORD), 'the password reached the provider');
    },
  );
});

describe('reversible redaction (gdpr, reversible: true) across the cache', () => {
  const A = 'jane.doe@example.com';
  const B = 'bob.roe@example.org';
  let p: Product;
  before(async () => {
    p = await startProduct({ config: { compliance: { policy: 'gdpr', reversible: true } } });
  });
  after(async () => {
    await p.close();
  });

  test('the provider sees a numbered placeholder; the user sees their own value restored', async () => {
    const r = await p.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Send the invoice to ${A} today` }] });
    const sent = sentText(p);
    assert.ok(!sent.includes(A));
    assert.match(sent, /\[EMAIL_1\]/);
    assert.match(r.choices[0].message.content ?? '', new RegExp(A.replace(/\./g, '\\.')));
  });

  test("another user's value hits the same cache entry and gets their own value back, streamed too", async () => {
    const r = await p.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Send the invoice to ${B} today` }] }).withResponse();
    assert.equal(r.response.headers.get('x-smartflow-cache'), 'hit-exact', 'same redacted prompt → same entry');
    const text = r.data.choices[0].message.content ?? '';
    assert.ok(text.includes(B), 'restored with this request’s value');
    assert.ok(!text.includes(A), 'never the first user’s value');
    const s = await p.openai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: `Send the invoice to ${B} today` }] });
    const d = await drain(s);
    assert.ok(d.text.includes(B) && !d.text.includes(A));
    assert.equal(p.sim.requests.length, 1);
  });

  test('neither value is stored anywhere (audit, cache, compliance)', async () => {
    const logs = await p.logs();
    for (const l of logs) assert.ok(!JSON.stringify(l).includes(A) && !JSON.stringify(l).includes(B));
    await p.stop();
    const leaks = scanDataDir(p.dataDir, [A, B]);
    assert.deepEqual(leaks, [], describeLeaks(leaks));
  });
});

describe('every way prompt text leaves the machine is scanned (default policy, AWS key)', () => {
  let p: Product;
  before(async () => {
    p = await startProduct();
  });
  after(async () => {
    await p.close();
  });

  /** Sends one request and returns what the simulator received (as JSON text). */
  async function upstreamOf(path: string, body: unknown, headers: Record<string, string> = {}): Promise<string> {
    const before = p.sim.requests.length;
    const r = await p.api(path, { body, headers });
    assert.equal(r.status, 200, r.text);
    assert.equal(p.sim.requests.length, before + 1);
    return JSON.stringify(p.sim.requests.at(-1)!.body);
  }
  const clean = (sent: string) => {
    assert.ok(!sent.includes(AWS_KEY), `the key reached the provider: ${sent.slice(0, 200)}`);
    assert.match(sent, /\[API_KEY(_\d+)?\]/);
  };

  test('system message', async () => {
    clean(await upstreamOf('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'system', content: `Use key ${AWS_KEY}` }, { role: 'user', content: 'go' }] }));
  });
  test('content parts', async () => {
    clean(await upstreamOf('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: [{ type: 'text', text: `key ${AWS_KEY}` }] }] }));
  });
  test('a tool result', async () => {
    clean(await upstreamOf('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c1', content: `found ${AWS_KEY}` }] }));
  });
  test('the native Anthropic path (messages and system)', async () => {
    const h = { 'anthropic-version': '2023-06-01' };
    clean(await upstreamOf('/anthropic/v1/messages', { model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: `key ${AWS_KEY}` }] }, h));
    clean(await upstreamOf('/anthropic/v1/messages', { model: 'claude-sonnet-4-6', max_tokens: 50, system: `key ${AWS_KEY}`, messages: [{ role: 'user', content: 'hi' }] }, h));
  });
  test(
    'tool-call arguments in an earlier assistant turn',
    async () => {
      clean(await upstreamOf('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: `{"k":"${AWS_KEY}"}` } }] }, { role: 'tool', tool_call_id: 'c1', content: 'ok' }] }));
    },
  );
  test(
    'embeddings input',
    async () => {
      clean(await upstreamOf('/v1/embeddings', { model: 'text-embedding-3-small', input: `key ${AWS_KEY}` }));
    },
  );
});

describe('a secret in the reply is redacted on every chat path', () => {
  let p: Product;
  before(async () => {
    p = await startProduct();
  });
  after(async () => {
    await p.close();
  });
  const reply = `the key is ${AWS_KEY} ok, and a few more words so the reply streams in pieces`;

  test('OpenAI-compatible path', async () => {
    p.sim.script({ reply });
    const r = await p.api('/v1/chat/completions', { body: { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'which key?' }] } });
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.text.includes(AWS_KEY));
  });

  test(
    'native Anthropic path (JSON and stream)',
    async () => {
      const h = { 'anthropic-version': '2023-06-01' };
      p.sim.script({ reply });
      const r = await p.api('/anthropic/v1/messages', { body: { model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'which key?' }] }, headers: h });
      assert.ok(!r.text.includes(AWS_KEY), 'JSON reply carries the key');
      p.sim.script({ reply });
      const s = await p.api('/anthropic/v1/messages', { body: { model: 'claude-sonnet-4-6', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'which key, streamed?' }] }, headers: h });
      assert.ok(!s.text.includes(AWS_KEY), 'stream carries the key');
      const [log] = await p.logs();
      assert.equal(log.compliance_status, 'violated');
    },
  );
});

describe('feedback through the compliance API changes what the pipeline sends (gdpr)', () => {
  const V = 'build-bot@ci.example.com';
  const prompt = `Ask ${V} about the failing build`;
  let p: Product;
  before(async () => {
    p = await startProduct({ config: { compliance: { policy: 'gdpr' } } });
  });
  after(async () => {
    await p.close();
  });

  test('flagged and redacted before; after a false-positive report for its scan, sent as written', async () => {
    await p.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });
    assert.ok(!sentText(p).includes(V));
    const scan = await p.api('/api/compliance/intelligent/scan', { body: { content: prompt } });
    assert.equal(scan.status, 200, scan.text);
    assert.ok(scan.json.scan_id);
    assert.ok(scan.json.findings.some((f: any) => f.type === 'EMAIL'));
    const fb = await p.api('/api/compliance/feedback', { body: { scan_id: scan.json.scan_id, is_false_positive: true, user_id: 'ops', notes: 'service account' } });
    assert.equal(fb.status, 200, fb.text);
    assert.equal(fb.json.success, true);
    await p.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `${prompt} again` }] });
    assert.ok(sentText(p).includes(V), 'the value marked as a false positive is no longer redacted');
    const [log] = await p.logs();
    assert.ok(!(log.compliance?.violations ?? []).some((v: any) => v.type === 'EMAIL'));
    const stats = await p.api('/api/compliance/ml/stats');
    assert.equal(stats.json.false_positives_reported, 1);
  });
});
