// The HTTP edge over real loopback: auth, Host checks, body limits, malformed input, headers,
// management endpoints. Raw HTTP where the wire matters (Host header, bad JSON, oversized bodies).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startHarness, call, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({ config: { server: { maxBodyBytes: 4096 } } });
});
after(async () => {
  await h.close();
});

function rawRequest(path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const u = new URL(h.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: body === undefined ? 'GET' : 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('/health answers without a token and carries a request id', async () => {
  const r = await fetch(`${h.url}/health`);
  assert.equal(r.status, 200);
  assert.equal(((await r.json()) as { status: string }).status, "ok");
  assert.match(r.headers.get('x-smartflow-request-id') ?? '', /^[0-9a-f-]{36}$/);
});

test('a Host header that is not a loopback name is rejected (DNS rebinding)', async () => {
  const r = await rawRequest('/v1/models', { host: 'evil.example.com', authorization: `Bearer ${h.token}` });
  assert.equal(r.status, 403);
  const body = JSON.parse(r.text);
  assert.equal(body.error.code, 'forbidden_host');
  assert.equal(body.error.type, 'permission_error');
  // Even /health is not served to a foreign Host.
  assert.equal((await rawRequest('/health', { host: 'attacker.test:7775' })).status, 403);
  // Loopback names are fine.
  for (const host of ['localhost:1234', '127.0.0.1', '[::1]:80', '127.1.2.3']) {
    assert.equal((await rawRequest('/health', { host })).status, 200, host);
  }
});

test('no token / wrong token → 401 OpenAI-shaped; x-api-key is accepted', async () => {
  const none = await fetch(`${h.url}/v1/models`);
  assert.equal(none.status, 401);
  const body = (await none.json()) as { error: Record<string, unknown> };
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'type']);
  assert.equal(body.error.type, 'authentication_error');
  assert.equal((await call(h, '/v1/models', { headers: { authorization: 'Bearer nope' } })).status, 401);
  const viaKey = await fetch(`${h.url}/v1/models`, { headers: { 'x-api-key': h.token } });
  assert.equal(viaKey.status, 200);
});

test('malformed JSON → 400 invalid_request, the server keeps serving', async () => {
  const r = await call(h, '/v1/chat/completions', { raw: '{"model": "gpt-4o", "messages": [', headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'invalid_request');
  assert.match(r.json.error.message, /not valid JSON/);
  const ok = await call(h, '/v1/chat/completions', { body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'still alive?' }] } });
  assert.equal(ok.status, 200);
});

test('missing / wrong fields → 400 naming the field', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ messages: [{ role: 'user', content: 'x' }] }, /"model"/],
    [{ model: 'gpt-4o' }, /"messages"/],
    [{ model: 'gpt-4o', messages: [{ role: 'wizard', content: 'x' }] }, /messages\[0\]\.role/],
    [{ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], temperature: 'hot' }, /temperature/],
    [[1, 2, 3], /JSON object/],
  ];
  for (const [body, re] of cases) {
    const r = await call(h, '/v1/chat/completions', { body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(r.json.error.message, re);
  }
});

test('body over the limit → 413', async () => {
  const big = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(10_000) }] });
  const r = await call(h, '/v1/chat/completions', { raw: big, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 'payload_too_large');
});

test('unknown route → 404; unknown model → 400 with accepted patterns', async () => {
  assert.equal((await call(h, '/v1/nothing-here')).status, 404);
  const r = await call(h, '/v1/chat/completions', { body: { model: 'llama-from-nowhere', messages: [{ role: 'user', content: 'x' }] } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'unknown_model');
  assert.match(r.json.error.message, /gpt-\*/);
});

test('a prefix whose protocol is not built fails naming the prefix', async () => {
  const r = await call(h, '/v1/chat/completions', { body: { model: 'vertex_ai/gemini-pro', messages: [{ role: 'user', content: 'x' }] } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'unsupported_provider');
  assert.match(r.json.error.message, /vertex_ai/);
});

test('user and conversation headers, request id header on errors too', async () => {
  const r = await call(h, '/v1/chat/completions', { body: { model: 'gpt-4o', messages: [] }, headers: { 'x-user-id': 'u1' } });
  assert.equal(r.status, 400);
  assert.match(r.headers.get('x-smartflow-request-id') ?? '', /^[0-9a-f-]{36}$/);
  assert.ok(r.headers.get('x-smartflow-gateway-ms'));
});

test('never crashes on garbage: random bytes, wrong content types, odd methods', async () => {
  const garbage = new Uint8Array(300).map((_, i) => (i * 37) % 256);
  assert.equal((await call(h, '/v1/chat/completions', { raw: garbage, headers: { 'content-type': 'application/octet-stream' } })).status, 400);
  assert.equal((await call(h, '/v1/embeddings', { raw: 'null', headers: { 'content-type': 'application/json' } })).status, 400);
  assert.equal((await call(h, '/v1/audio/transcriptions', { raw: 'not multipart', headers: { 'content-type': 'text/plain' } })).status, 400);
  assert.ok([404, 405].includes((await call(h, '/v1/chat/completions', { method: 'DELETE' })).status));
  assert.equal((await call(h, '/health')).status, 200);
});

test('management: provider health, routing status, force provider, metrics, comprehensive health', async () => {
  await call(h, '/v1/chat/completions', { body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'warm up' }] } });
  const ph = await call(h, '/api/providers/health');
  assert.equal(ph.status, 200);
  const openai = ph.json.find((p: { provider: string }) => p.provider === 'openai');
  assert.ok(openai, 'openai is listed');
  for (const k of ['provider', 'status', 'latency_ms', 'success_rate', 'error_rate', 'requests_total', 'last_updated']) assert.ok(k in openai, k);
  assert.ok(openai.requests_total >= 1);

  const forced = await call(h, '/api/routing/force', { body: { provider: 'anthropic', duration_seconds: 60 } });
  assert.equal(forced.status, 200);
  assert.equal(forced.json.forced_provider, 'anthropic');
  const st = await call(h, '/api/routing/status');
  assert.equal(st.json.active_provider, 'anthropic');
  assert.ok(st.json.forced_until);
  assert.equal((await call(h, '/api/routing/force', { body: { provider: 'nope', duration_seconds: 5 } })).status, 400);
  assert.equal((await call(h, '/api/routing/force', { body: { provider: 'anthropic', duration_seconds: 0 } })).json.forced_provider, null);

  const m = await call(h, '/metrics');
  assert.equal(m.status, 200);
  assert.match(m.headers.get('content-type') ?? '', /text\/plain/);
  assert.match(m.text, /smartflow_requests_total\{op="chat",provider="openai",status="200"/);
  assert.match(m.text, /smartflow_request_duration_ms_bucket/);
  assert.match(m.text, /smartflow_tokens_total\{provider="openai",type="prompt"\} \d+/);

  const hc = await call(h, '/api/health/comprehensive');
  for (const k of ['status', 'uptime_seconds', 'version', 'providers', 'cache', 'timestamp']) assert.ok(k in hc.json, k);
  assert.equal(hc.json.status, 'healthy');
});
