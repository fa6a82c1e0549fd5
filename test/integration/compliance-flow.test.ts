// Compliance across every layer, as a user meets it: a prompt with an email, a phone number and an AWS key
// goes through the gateway on its embedded defaults (official `openai` client → loopback HTTP → pipeline →
// simulator). We check what reached the provider, what the audit log says (over HTTP), and that no SQLite
// file the gateway wrote holds the secret, the provider keys or the local token. A blocking policy must
// stop a card number before any byte leaves, with an OpenAI-shaped 403 the client surfaces.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startProduct, scanDataDir, describeLeaks, TEST_KEYS, type Product } from './helpers.js';

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
    { todo: 'BUG: pipeline/text.ts auditPrompt redacts "user: <text>"; the role label makes the first capitalised word a PERSON' },
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
    { todo: 'BUG: the email recognizer claims "hunter2pass@db.internal" and wins the overlap (compliance/detect.ts), so EMAIL (log-only) replaces URL_CREDENTIALS and the password is sent' },
    async () => {
      const file = `${DB_LINE}\ncontact = "jane.doe@example.com"\n`;
      await p.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Why does this config fail?\n${file}` }] });
      const sent = sentText(p);
      assert.ok(!sent.includes(PASSWORD), 'the password reached the provider');
    },
  );
});
