// Embeddings walk the model's fallback chain like chat does: OpenAI (simulated) answering 500 for
// text-embedding-3-small hands the request to cohere/embed-english-v3.0, the client gets vectors, and
// the audit record names the fallback provider. Without a chain the 502 reaches the client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, call, type Harness } from '../server/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({
    config: {
      routing: { fallbacks: { 'text-embedding-3-small': ['cohere/embed-english-v3.0'] } },
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
      audit: { enabled: true, storePrompts: 'full' },
    },
  });
});
after(async () => {
  await h.close();
});

test('an embeddings model with a fallback chain falls back when its provider fails', async () => {
  h.sim.script({ match: (r) => r.provider === 'openai', status: 500, errorMessage: 'simulated outage', times: 1000 });
  try {
    const r = await call(h, '/v1/embeddings', { body: { model: 'text-embedding-3-small', input: ['first text', 'second text'] } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('x-smartflow-provider'), 'cohere');
    assert.equal(r.json.object, 'list');
    assert.equal(r.json.data.length, 2);
    assert.ok(Array.isArray(r.json.data[0].embedding) && r.json.data[0].embedding.length > 0);
    const seen = h.sim.requests.map((q) => q.provider);
    assert.deepEqual(seen, ['openai', 'openai', 'cohere'], 'retried on OpenAI, then Cohere');
    const log = (await call(h, `/api/logs/${r.headers.get('x-smartflow-request-id')}`)).json;
    assert.equal(log.provider, 'cohere');
    assert.equal(log.routing_strategy, 'fallback');
    assert.match(log.routing_reason ?? '', /cohere/);
    assert.equal(log.metrics.success, true);

    // A model without a chain: the provider's failure is the answer.
    const n = h.sim.requests.length;
    const bad = await call(h, '/v1/embeddings', { body: { model: 'text-embedding-3-large', input: 'x' } });
    assert.equal(bad.status, 502, bad.text);
    assert.ok(h.sim.requests.slice(n).every((q) => q.provider === 'openai'));
  } finally {
    h.sim.reset();
  }
});
