// Every non-chat operation walks the model's fallback chain like chat does: a 5xx or 429 from the primary
// provider (after its retries) hands the request to the next target whose provider can do the operation;
// targets whose provider cannot are skipped and named in the routing reason; a 400 is the caller's
// mistake and never falls back. Real HTTP through the gateway to the provider simulator.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../server/harness.js';

// A fresh gateway per test: provider health carries over between requests (an unhealthy primary moves
// behind its fallbacks), which is what one of the tests checks, so tests must not share it.
let h: Harness;
beforeEach(async () => {
  h = await startHarness({
    config: {
      routing: {
        fallbacks: {
          // anthropic cannot rerank: it is skipped on the way to Together.
          'cohere/rerank-english-v3.0': ['anthropic/claude-sonnet-4-5', 'together/Salesforce/Llama-Rank-V1'],
          'dall-e-3': ['gemini/imagen-3.0-generate-002'],
          'whisper-1': ['groq/whisper-large-v3'],
          'tts-1': ['groq/playai-tts'],
        },
      },
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5000 },
      audit: { enabled: true, storePrompts: 'full' },
    },
  });
});
afterEach(async () => {
  await h.close();
});

async function auditRow(requestId: string | null): Promise<any> {
  assert.ok(requestId);
  return (await call(h, `/api/logs/${requestId}`)).json;
}

function multipartAudio(model: string): { raw: Uint8Array; headers: Record<string, string> } {
  const boundary = 'sfboundary42';
  const parts = [
    `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\n${model}\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="clip.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
  ];
  const raw = Buffer.concat([Buffer.from(parts.join('')), Buffer.alloc(128, 7), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { raw, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const OPS: Array<{
  op: string;
  primary: string;
  fallback: string;
  send(): Promise<Awaited<ReturnType<typeof call>>>;
  check(r: Awaited<ReturnType<typeof call>>): void;
}> = [
  {
    op: 'rerank',
    primary: 'cohere',
    fallback: 'together',
    send: () => call(h, '/v1/rerank', { body: { model: 'cohere/rerank-english-v3.0', query: 'red apples', documents: ['blue sky', 'red apples are sweet'], return_documents: true } }),
    check: (r) => {
      assert.equal(r.json.results[0].index, 1, 'the relevant document ranks first');
      assert.equal(r.json.results[0].document.text, 'red apples are sweet');
    },
  },
  {
    op: 'images',
    primary: 'openai',
    fallback: 'gemini',
    send: () => call(h, '/v1/images/generations', { body: { model: 'dall-e-3', prompt: 'a lighthouse', n: 1 } }),
    check: (r) => assert.equal(r.json.data.length, 1),
  },
  {
    op: 'transcription',
    primary: 'openai',
    fallback: 'groq',
    send: () => {
      const m = multipartAudio('whisper-1');
      return call(h, '/v1/audio/transcriptions', { raw: m.raw, headers: m.headers, method: 'POST' });
    },
    check: (r) => assert.match(r.json.text, /clip\.wav \(128 bytes\)/),
  },
  {
    op: 'speech',
    primary: 'openai',
    fallback: 'groq',
    send: () => call(h, '/v1/audio/speech', { body: { model: 'tts-1', input: 'hello there', voice: 'alloy' } }),
    check: (r) => assert.equal(r.text, 'SIMAUDIO:alloy:hello there'),
  },
];

for (const o of OPS) {
  test(`${o.op}: a 5xx from ${o.primary} falls back to ${o.fallback}`, async () => {
    h.sim.script({ match: (r) => r.provider === o.primary, status: 503, errorMessage: 'simulated outage', times: 100 });
    const before = h.svc.gateway.providerHealth().find((x) => x.provider === o.primary)?.requests_total ?? 0;
    const r = await o.send();
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('x-smartflow-provider'), o.fallback);
    o.check(r);
    assert.deepEqual(
      h.sim.requests.map((q) => q.provider),
      [o.primary, o.primary, o.fallback],
      'one retry on the primary, then the fallback; no request to a provider that cannot do the operation',
    );
    const log = await auditRow(r.headers.get('x-smartflow-request-id'));
    assert.equal(log.provider, o.fallback);
    assert.equal(log.routing_strategy, 'fallback');
    assert.match(log.routing_reason, new RegExp(`provider:${o.fallback} \\(fallback\\)`));
    if (o.op === 'rerank') assert.match(log.routing_reason, /skipped anthropic\/claude-sonnet-4-5 \(no rerank\)/);
    assert.equal(log.metrics.success, true);
    const health = h.svc.gateway.providerHealth();
    const ph = health.find((x) => x.provider === o.primary)!;
    assert.ok(ph.requests_total >= before + 2, 'the primary\'s failures count in its health');
    assert.ok(ph.error_rate > 0);
    assert.ok(health.find((x) => x.provider === o.fallback)!.success_rate > 0);
    assert.equal(h.svc.gateway.routingStatus().last_failure?.provider, o.primary);

    // Health feeds routing: once the primary has failed 3 times in a row it is unhealthy, and the next
    // request goes to the fallback first.
    assert.equal((await o.send()).status, 200);
    assert.equal(h.svc.gateway.providerHealth().find((x) => x.provider === o.primary)!.status, 'unhealthy');
    const n = h.sim.requests.length;
    const again = await o.send();
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(h.sim.requests.slice(n).map((q) => q.provider), [o.fallback]);
    assert.match((await auditRow(again.headers.get('x-smartflow-request-id'))).routing_reason, /fallback/);
  });

  test(`${o.op}: a 429 from ${o.primary} falls back too`, async () => {
    h.sim.script({ match: (r) => r.provider === o.primary, status: 429, retryAfter: '0', errorMessage: 'slow down', times: 100 });
    const r = await o.send();
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('x-smartflow-provider'), o.fallback);
    assert.deepEqual(h.sim.requests.map((q) => q.provider), [o.primary, o.primary, o.fallback]);
  });

  test(`${o.op}: a 400 from ${o.primary} does not fall back`, async () => {
    h.sim.script({ match: (r) => r.provider === o.primary, status: 400, errorMessage: 'bad parameter (simulated)', times: 100 });
    const r = await o.send();
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.error.message, /bad parameter \(simulated\)/);
    assert.deepEqual(h.sim.requests.map((q) => q.provider), [o.primary], 'neither retried nor handed over');
    const log = await auditRow(r.headers.get('x-smartflow-request-id'));
    assert.equal(log.provider, o.primary);
    assert.equal(log.metrics.success, false);
  });
}

test('a primary that cannot do the operation is skipped when its chain has one that can', async () => {
  const h2 = await startHarness({ config: { routing: { fallbacks: { 'gpt-4o': ['cohere/rerank-english-v3.0'] } } } });
  try {

    const r = await call(h2, '/v1/rerank', { body: { model: 'gpt-4o', query: 'q', documents: ['a', 'q b'] } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('x-smartflow-provider'), 'cohere');
    assert.deepEqual(h2.sim.requests.map((q) => q.provider), ['cohere']);
    // Without a capable target the 400 names the provider and the chain.
    const bad = await call(h2, '/v1/audio/speech', { body: { model: 'gpt-4o', input: 'x', voice: 'alloy' } });
    assert.equal(bad.status, 200, 'gpt-4o resolves to OpenAI, which speaks');
    const none = await call(h2, '/v1/embeddings', { body: { model: 'anthropic/claude-sonnet-4-5', input: 'x' } });
    assert.equal(none.status, 400);
    assert.equal(none.json.error.code, 'unsupported_operation');
    assert.match(none.json.error.message, /Anthropic does not support embeddings/);
  } finally {
    await h2.close();
  }
});
