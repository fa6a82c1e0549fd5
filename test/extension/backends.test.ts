// Both GatewayBackend implementations against the real thing: the embedded gateway service (direct mode,
// real SQLite audit log, real compliance engine) and the same service over loopback HTTP as a remote
// gateway (gateway mode), with providers answered by the provider simulator on the real wire.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatewayService, type GatewayService } from '../../src/gateway/compose.js';
import { silentLogger } from '../../src/gateway/util/logger.js';
import { startSimulator, type Simulator } from '../sim/simulator.js';
import { EmbeddedBackend, type EmbeddedService } from '../../src/extension/embedded-backend.js';
import { RemoteBackend } from '../../src/extension/remote-backend.js';
import type { GatewayBackend } from '../../src/extension/backend.js';
import { describeError } from '../../src/extension/messages.js';
import { toReplyMeta } from '../../src/extension/chat-model.js';

let sim: Simulator;
let dir: string;
let svc: GatewayService;
let embedded: EmbeddedBackend;
let remote: RemoteBackend;

before(async () => {
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), 'sf-ext-'));
  svc = await startGatewayService({
    config: { dataDir: dir, server: { host: '127.0.0.1', port: 0 }, cache: { enabled: false }, compliance: { policy: 'pci_dss_strict' } } as never,
    env: sim.env(),
    logger: silentLogger,
    listen: { main: true },
  });
  embedded = new EmbeddedBackend(svc as unknown as EmbeddedService, { localEndpointError: null, source: 'extension' });
  remote = new RemoteBackend({ url: svc.url!, virtualKey: svc.token, pollMs: 100 });
});

after(async () => {
  await remote?.close();
  await embedded?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function streamText(b: GatewayBackend, content: string, signal = new AbortController().signal) {
  const s = await b.chatStream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], stream: true }, signal);
  let text = '';
  for await (const c of s) text += c.choices?.[0]?.delta?.content ?? '';
  return { text, meta: await s.meta };
}

for (const [name, get] of [
  ['embedded', () => embedded],
  ['remote', () => remote],
] as const) {
  test(`${name}: streamed chat round trip with usage and provider in the meta`, async () => {
    const b = get();
    const { text, meta } = await streamText(b, `hello from ${name}`);
    assert.match(text, new RegExp(`hello from ${name}`));
    const m = toReplyMeta(meta);
    assert.equal(m.provider, 'openai');
    assert.ok(m.totalTokens > 0, 'usage reported');
    assert.ok(m.requestId.length > 0);
  });

  test(`${name}: Stop aborts the upstream stream promptly`, async () => {
    const b = get();
    sim.script({ match: '/chat/completions', chunkDelayMs: 300, chunks: 20, reply: 'This is a long streamed answer. '.repeat(40) });
    const ac = new AbortController();
    const s = await b.chatStream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a long answer please' }], stream: true }, ac.signal);
    const t0 = Date.now();
    let got = 0;
    await assert.rejects(async () => {
      for await (const c of s) {
        if (c.choices?.[0]?.delta?.content) got++;
        if (got === 1) ac.abort();
      }
    });
    assert.ok(Date.now() - t0 < 2000, 'stopped well before the 6 s the full stream takes');
    assert.equal(got, 1);
  });

  test(`${name}: a prompt the policy blocks says why`, async () => {
    const b = get();
    const err = await streamText(b, 'charge my card 4111 1111 1111 1111 please').then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err, 'the card number was blocked by pci_dss_strict');
    const d = describeError(err);
    assert.equal(d.code, 'compliance_blocked');
    assert.match(d.message, /^Blocked by the .*compliance policy/i);
    assert.ok(!/^Blocked.*Blocked/.test(d.message), `said once: ${d.message}`);
    assert.match(d.message + d.hint, /CREDIT_CARD|card/i);
  });

  test(`${name}: scan finds PII with offsets; feedback and redaction work`, async () => {
    const b = get();
    const addr = `jane.${name}@example.com`;
    const text = `Contact ${addr} or call +1 415 555 0132. SSN 536-22-8417.`;
    const r = await b.scan(text);
    const types = r.findings.map((f) => f.type);
    assert.ok(types.includes('EMAIL'), `found ${types.join(',')}`);
    assert.ok(types.includes('SSN'), `found ${types.join(',')}`);
    const email = r.findings.find((f) => f.type === 'EMAIL')!;
    assert.equal(text.slice(email.start, email.end), addr);
    assert.ok(r.hasViolations);
    assert.ok(r.riskScore > 0 && r.riskScore <= 1);
    assert.ok(['low', 'medium', 'high', 'critical'].includes(r.riskLevel));
    assert.ok(r.scanId, 'scan id for feedback');
    const red = await b.redact(text);
    assert.ok(!red.includes(addr) && !red.includes('536-22-8417'), red);
    // Marking the e-mail as a false positive feeds the engine: the same value is no longer flagged.
    await b.submitFeedback(r.scanId!, true, 'test', r.findings.indexOf(email));
    const again = await b.scan(text);
    assert.ok(!again.findings.some((f) => f.type === 'EMAIL'), 'false positive suppressed on rescan');
    assert.ok(again.findings.some((f) => f.type === 'SSN'), 'other findings still reported');
  });
}

test('audit log through both backends: records, filters, details, analytics, export, onRecord', async () => {
  let notified = 0;
  const off = embedded.onRecord(() => notified++);
  await streamText(embedded, 'audit me please');
  await (svc.audit as unknown as { flushed(): Promise<void> }).flushed();
  for (const b of [embedded, remote]) {
    const rows = await b.getLogs({ filter: {}, limit: 50, offset: 0 });
    assert.ok(rows.length >= 3, `${b.mode}: ${rows.length} rows`);
    assert.ok(rows.some((r) => r.compliance_status === 'violated' || (r as { error?: unknown }).error), `${b.mode}: the blocked prompt was logged`);
    const one = await b.getLog(rows[0].request_id);
    assert.equal(one?.request_id, rows[0].request_id);
    assert.equal(await b.getLog('no-such-id'), null);
    const ok = await b.getLogs({ filter: { status: 'ok' }, limit: 50, offset: 0 });
    const errs = await b.getLogs({ filter: { status: 'error' }, limit: 50, offset: 0 });
    assert.equal(ok.length + errs.length, rows.length, `${b.mode}: ok + error = all`);
    // "compliant" cannot be expressed in the store's SQL: filtered (and paged) after reading.
    const compliant = await b.getLogs({ filter: { compliance: 'compliant' }, limit: 50, offset: 0 });
    const violated = await b.getLogs({ filter: { compliance: 'violated' }, limit: 50, offset: 0 });
    assert.ok(compliant.every((r) => r.compliance_status === 'compliant') && violated.every((r) => r.compliance_status === 'violated'));
    assert.equal(compliant.length + violated.length, rows.filter((r) => r.compliance_status).length, `${b.mode}: compliance filters partition the rows`);
    if (compliant.length > 1) {
      const second = await b.getLogs({ filter: { compliance: 'compliant' }, limit: 1, offset: 1 });
      assert.equal(second[0]?.request_id, compliant[1].request_id, `${b.mode}: paging after post-filtering`);
    }
    const paged = await b.getLogs({ filter: {}, limit: 1, offset: 1 });
    assert.equal(paged[0]?.request_id, rows[1].request_id, `${b.mode}: offset paging`);
    const a = await b.analytics({});
    assert.equal(a.requests, rows.length, `${b.mode}: analytics totals`);
    assert.ok(a.byModel.some((m) => m.name === 'gpt-4o-mini'));
    let jsonl = '';
    for await (const c of b.exportLogs({}, 'jsonl')) jsonl += c;
    const lines = jsonl.trim().split('\n');
    assert.equal(lines.length, rows.length, `${b.mode}: export lines`);
    assert.equal(JSON.parse(lines[0]).request_id, rows[0].request_id);
    let csv = '';
    for await (const c of b.exportLogs({}, 'csv')) csv += c;
    assert.equal(csv.trim().split('\n').length, rows.length + 1, `${b.mode}: csv header + rows`);
    const provs = await b.providers();
    assert.ok(provs.some((p) => p.id === 'openai' && p.configured), `${b.mode}: providers`);
  }
  assert.ok(notified >= 1, 'onRecord fired for the new record');
  off();
  // Remote mode learns about new records by polling.
  let remoteNotified = 0;
  const off2 = remote.onRecord(() => remoteNotified++);
  await new Promise((r) => setTimeout(r, 250));
  await streamText(remote, 'one more');
  await (svc.audit as unknown as { flushed(): Promise<void> }).flushed();
  const t0 = Date.now();
  while (!remoteNotified && Date.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 50));
  off2();
  assert.ok(remoteNotified >= 1, 'remote onRecord fired');
  assert.equal(embedded.info().storageEngine !== null, true);
  assert.equal(remote.info().mode, 'gateway');
});

test('the API exported from activate(): chat, scan and a SmartflowClient on the local endpoint', async () => {
  const { createApi } = await import('../../src/extension/api.js');
  const manager = {
    backend: embedded,
    settings: { mode: 'direct', defaultModel: 'gpt-4o-mini' },
    ready: async () => embedded,
    onDidChange: () => ({ dispose() {} }),
  };
  const secrets = { virtualKey: async () => undefined };
  const api = createApi(manager as never, secrets as never, '9.9.9');
  assert.equal(api.version, '9.9.9');
  assert.equal(api.mode(), 'direct');
  assert.equal(api.gatewayUrl(), svc.url);
  assert.equal(api.localToken(), svc.token);
  const r = await api.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'api hello' }] });
  assert.match(r.content, /api hello/);
  assert.equal(r.provider, 'openai');
  assert.ok((await api.scan('mail me at a.b@example.org')).findings.some((f) => f.type === 'EMAIL'));
  // The SDK client, over loopback HTTP to the extension's local endpoint, with the reference's method names.
  const client = await api.smartflowClient();
  assert.equal(client.isGatewayMode(), true);
  const reply = await client.chat('sdk hello', { model: 'gpt-4o-mini' });
  assert.match(String(reply), /sdk hello/);
  assert.equal(await api.smartflowClient(), client, 'cached while the URL and key are the same');
  await client.close();
});
