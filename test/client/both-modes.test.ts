// Every SmartflowClient method in both modes against real parts: gateway mode talks HTTP over loopback to
// a standalone gateway (startGatewayService with its three listeners); direct mode runs the embedded
// gateway in-process. Both reach the provider simulator, which speaks the providers' wire formats.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../sim/simulator.js';
import { startGatewayService, type GatewayService } from '../../src/gateway/compose.js';
import { DEFAULT_CONFIG } from '../../src/gateway/config.js';
import { silentLogger } from '../../src/gateway/util/logger.js';
import { AuthenticationError, ComplianceError, ProviderError, RateLimitError, SmartflowClient, SmartflowError, type VASLog } from '../../src/gateway/client/index.js';

let sim: Simulator;
let service: GatewayService;
const dirs: string[] = [];
const clients: Record<'gateway' | 'direct', SmartflowClient> = {} as never;
const NO_CONFIG = '/nonexistent/smartflow/config.yaml';

const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sf-client-'));
  dirs.push(d);
  return d;
};

before(async () => {
  sim = await startSimulator();
  const env = { ...sim.env(), SMARTFLOW_LOG_LEVEL: 'error' };
  service = await startGatewayService({
    config: { dataDir: tmp(), server: { ...DEFAULT_CONFIG.server, port: 0 }, compliance: { ...DEFAULT_CONFIG.compliance, policy: 'pci_dss_strict' } },
    env,
    virtualKeys: ['sk-sf-virtual'],
    listen: { main: true, compliance: 0, management: 0 },
    logger: silentLogger,
  });
  const port = (u: string | undefined) => Number(new URL(u!).port);
  clients.gateway = new SmartflowClient(service.url!, {
    apiKey: 'sk-sf-virtual',
    compliancePort: port(service.complianceUrl),
    managementPort: port(service.managementUrl),
    env: {},
    configPath: NO_CONFIG,
  });
  clients.direct = new SmartflowClient({ env, dataDir: tmp(), configPath: NO_CONFIG, directConfig: { compliance: { policy: 'pci_dss_strict' } } });
});

after(async () => {
  await clients.gateway?.close();
  await clients.direct?.close();
  await service?.close();
  await sim?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Audit writes are asynchronous (never on the request path): poll until the record is visible. */
async function waitForLog(sf: SmartflowClient, requestId: string): Promise<VASLog> {
  const t = Date.now();
  for (;;) {
    const logs = await sf.getLogs({ limit: 200 });
    const hit = logs.find((l) => l.request_id === requestId);
    if (hit) return hit;
    if (Date.now() - t > 5000) throw new Error(`log ${requestId} never appeared`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const mode of ['gateway', 'direct'] as const) {
  describe(`${mode} mode`, () => {
    const sf = () => clients[mode];

    test('mode is reported', () => {
      assert.equal(sf().mode, mode);
      assert.equal(sf().isGatewayMode(), mode === 'gateway');
    });

    test('chat / chatCompletions: content, usage, provider, then an exact cache hit', async () => {
      const text = `What is REST, asked in ${mode} mode?`;
      assert.equal(await sf().chat(text, { systemPrompt: 'Be brief.' }), `Echo: ${text}`);
      const msgs = [{ role: 'user', content: `cache me ${mode}` }];
      const a = await sf().chatCompletions(msgs, { model: 'gpt-4o-mini', temperature: 0 });
      assert.equal(a.content, `Echo: cache me ${mode}`);
      assert.equal(a.provider, 'openai');
      assert.equal(a.cached, false);
      assert.equal(a.cacheHitType, null);
      assert.ok(a.usage.total_tokens > 0 && a.usage.total_tokens === a.usage.prompt_tokens + a.usage.completion_tokens);
      assert.ok(a.id && a.model.startsWith('gpt-4o-mini'));
      assert.equal(a.choices[0].message.role, 'assistant');
      const b = await sf().chatCompletions(msgs, { model: 'gpt-4o-mini', temperature: 0 });
      assert.equal(b.cached, true);
      assert.equal(b.cacheHitType, 'exact');
      assert.equal(b.content, a.content);
      // the log record carries the same request id
      const log = await waitForLog(sf(), a.requestId!);
      assert.equal(log.provider, 'openai');
      assert.ok(log.tokens_used > 0);
    });

    // Long enough that the response scanner (which holds back a tail to catch values split across
    // chunks) lets text through before the end.
    const long = (tag: string) => `${tag} ${mode}: ` + Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');

    test('streamChat yields the deltas of the reply, in order', async () => {
      const parts: string[] = [];
      for await (const d of sf().streamChat(long('stream this'), { model: 'gpt-4o', cache: 'off' })) parts.push(d);
      assert.ok(parts.length > 5, `several deltas (${parts.length})`);
      assert.equal(parts.join(''), `Echo: ${long('stream this')}`);
    });

    test('streamChat is abortable with an AbortSignal', async () => {
      sim.script({ match: '/chat/completions', chunks: 40, chunkDelayMs: 100 });
      const ac = new AbortController();
      const t = performance.now();
      let got = 0;
      await assert.rejects(
        (async () => {
          for await (const _d of sf().streamChat(long('a long story'), { signal: ac.signal, cache: 'off' })) {
            got++;
            if (got === 2) ac.abort();
          }
        })(),
        (e: unknown) => e instanceof SmartflowError && e.code === 'aborted',
      );
      assert.ok(performance.now() - t < 2500, 'stopped long before the 4 s stream would end');
    });

    test('a stream the provider cuts off raises ProviderError (never a silent short answer)', async () => {
      sim.script({ match: '/chat/completions', fault: 'truncate' });
      let text = '';
      await assert.rejects(
        (async () => {
          for await (const d of sf().streamChat(long('cut me off'), { cache: 'off' })) text += d;
        })(),
        (e: unknown) => e instanceof ProviderError && e.code === 'stream_truncated',
      );
      assert.ok(`Echo: ${long('cut me off')}`.startsWith(text), 'what arrived before the cut is a prefix of the answer');
    });

    test('leaving a stream early stops it (break)', async () => {
      sim.script({ match: '/chat/completions', chunks: 30, chunkDelayMs: 50 });
      let n = 0;
      for await (const _d of sf().streamChat(long('break early'), { cache: 'off' })) if (++n === 1) break;
      assert.equal(n, 1);
    });

    test('claudeMessage goes through the native Anthropic path', async () => {
      const r = await sf().claudeMessage(`Hi Claude from ${mode}`, { model: 'claude-sonnet-4-6', system: 'Be nice', maxTokens: 200 });
      assert.equal(r, `Echo: Hi Claude from ${mode}`);
      const req = sim.requests.filter((q) => q.wire === 'anthropic').at(-1)!;
      assert.equal((req.body as { system?: string }).system, 'Be nice');
    });

    test('embeddings, rerank, images, transcription, speech, models', async () => {
      const e = await sf().embeddings(['first document', 'second document']);
      assert.equal(e.data.length, 2);
      assert.ok(Array.isArray(e.data[0].embedding) && (e.data[0].embedding as number[]).length > 0);
      const rr = await sf().rerank('return policy', ['We accept returns within 30 days.', 'Contact support.'], { model: 'cohere/rerank-english-v3.0', topN: 1 });
      assert.equal(rr.results.length, 1);
      assert.equal(rr.results[0].index, 0);
      const img = await sf().imageGeneration('A city at sunrise', { size: '1024x1024' });
      assert.ok(img.data[0].url || img.data[0].b64_json);
      const tr = await sf().audioTranscription(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), { filename: 'clip.mp3' });
      assert.equal(typeof (typeof tr === 'string' ? tr : tr.text), 'string');
      const audio = await sf().textToSpeech('Hello, this is Smartflow.', { voice: 'nova' });
      assert.ok(audio instanceof Uint8Array && audio.length > 0);
      const models = await sf().listModels();
      assert.ok(models.length > 0 && models.every((m) => typeof m.id === 'string'));
    });

    test('compliance: check, intelligent scan + feedback, redact, learning and ML stats', async () => {
      const c = await sf().checkCompliance('My email is jane.roe@example.com and my card is 4111 1111 1111 1111');
      assert.equal(c.has_violations, true);
      assert.ok(c.pii_detected.includes('EMAIL') && c.pii_detected.includes('CREDIT_CARD'), c.pii_detected.join(','));
      assert.ok(c.redacted_content && !c.redacted_content.includes('4111 1111 1111 1111'));
      const clean = await sf().checkCompliance('The weather is nice today.');
      assert.equal(clean.has_violations, false);
      const s = await sf().intelligentScan('Please send payment to card 4111-1111-1111-1111', { userId: `u-${mode}`, orgId: 'acme' });
      assert.equal(s.has_violations, true);
      assert.ok(s.risk_score > 0 && s.risk_score <= 1);
      assert.ok(['Allow', 'AllowAndLog', 'Review', 'Block'].includes(s.recommended_action));
      assert.ok(s.scan_id);
      const fb = await sf().submitComplianceFeedback(s.scan_id!, true, { userId: 'admin', notes: 'test number' });
      assert.equal(fb.success, true);
      const red = await sf().redactPii('Call me at 555-867-5309, email john@example.com');
      assert.ok(!red.includes('john@example.com'), red);
      const sum = await sf().getLearningSummary();
      assert.ok(sum.total_users >= 1 && sum.config_learning_days > 0);
      const st = await sf().getLearningStatus(`u-${mode}`);
      assert.ok(st.days_tracked >= 0 && st.progress_percent >= 0);
      const ml = await sf().getMlStats();
      assert.ok(ml.total_patterns > 0);
      const base = await sf().getOrgBaseline('acme');
      assert.equal(typeof base.violation_rate, 'number');
      assert.equal(typeof (await sf().getOrgSummary()), 'object');
      assert.ok(Object.keys(await sf().getIntelligentHealth()).length > 0);
    });

    test('a blocked prompt raises ComplianceError (403) and never reaches the provider', async () => {
      const before = sim.requests.length;
      await assert.rejects(sf().chat(`charge 4111 1111 1111 1111 now (${mode})`), (e: unknown) => e instanceof ComplianceError && e.status === 403);
      assert.equal(sim.requests.length, before);
    });

    test('provider errors map to ProviderError with the provider message', async () => {
      sim.script({ match: '/chat/completions', status: 400, errorMessage: 'model is overloaded today' });
      await assert.rejects(sf().chat(`fail please ${mode}`, { cache: 'off' }), (e: unknown) => e instanceof SmartflowError && /overloaded today/.test(e.message) && e.status === 400);
      sim.script({ match: '/chat/completions', status: 500, errorMessage: 'upstream melted', times: 5 });
      await assert.rejects(sf().chat(`fail 500 ${mode}`, { cache: 'off' }), (e: unknown) => e instanceof ProviderError && /upstream melted/.test(e.message));
      sim.reset(); // drop any scripted 500s the retries did not use
      await assert.rejects(sf().chat('x', { model: 'no-such-model-xyz' }), ProviderError);
    });

    test('provider 429 beyond the retry budget → RateLimitError with retryAfter', async () => {
      sim.script({ match: '/chat/completions', status: 429, retryAfter: '120', errorMessage: 'slow down', times: 5 });
      await assert.rejects(sf().chat(`rate me ${mode}`, { cache: 'off' }), (e: unknown) => e instanceof RateLimitError && e.status === 429 && e.retryAfter === 120);
      sim.reset();
    });

    test('monitoring: cache stats, provider health, comprehensive health, health', async () => {
      const cs = await sf().getCacheStats();
      assert.ok(cs.hits >= 1 && cs.misses >= 1, JSON.stringify(cs));
      assert.ok(cs.hit_rate > 0 && cs.hit_rate < 1);
      const ph = await sf().getProviderHealth();
      const openai = ph.find((p) => p.provider === 'openai');
      assert.ok(openai && openai.requests_total >= 1 && ['healthy', 'degraded', 'unhealthy'].includes(openai.status));
      const h = await sf().healthComprehensive();
      assert.ok(['healthy', 'degraded', 'unhealthy'].includes(h.status));
      assert.ok(h.version);
      assert.equal((await sf().health()).status, 'ok');
    });

    test('logs and analytics', async () => {
      const a = await sf().chatCompletions([{ role: 'user', content: `log me ${mode}` }], { userId: 'alice', cache: 'off' });
      const rec = await waitForLog(sf(), a.requestId!);
      assert.equal(rec.user_id, 'alice');
      assert.equal(rec.cached, false);
      const onlyAlice = await sf().getLogs({ userId: 'alice', limit: 50 });
      assert.ok(onlyAlice.length >= 1 && onlyAlice.every((l) => l.user_id === 'alice'));
      const anth = await sf().getLogs({ provider: 'anthropic' });
      assert.ok(anth.length >= 1 && anth.every((l) => l.provider === 'anthropic'));
      const page1 = await sf().getLogs({ limit: 2, offset: 0 });
      const page2 = await sf().getLogs({ limit: 2, offset: 2 });
      assert.equal(page1.length, 2);
      assert.ok(!page2.some((l) => page1.some((p) => p.request_id === l.request_id)), 'offset pages do not overlap');
      const an = (await sf().getAnalytics()) as { totals: { requests: number } };
      assert.ok(an.totals.requests >= 5);
    });

    test('routing status and forceProvider', async () => {
      const f = await sf().forceProvider('anthropic', 60);
      assert.equal(f.forced_provider, 'anthropic');
      const s = await sf().getRoutingStatus();
      assert.equal(s.forced_provider, 'anthropic');
      assert.ok(s.forced_until);
      await sf().forceProvider('openai', 1);
    });

    test('chatbotQuery answers from the audit store', async () => {
      const cache = await sf().chatbotQuery("show me today's cache stats");
      assert.equal(cache.intent, 'cache_stats');
      const overall = await sf().getCacheStats();
      assert.match(cache.response, new RegExp(`${overall.hits} hits`));
      const spend = await sf().chatbotQuery('what did we spend on OpenAI today?');
      assert.equal(spend.intent, 'spend');
      const logs = (await sf().getLogs({ provider: 'openai', limit: 1000, days: 1 })).filter((l) => Date.parse(l.timestamp) >= Date.parse(spend.period!.start));
      const expected = logs.reduce((s, l) => s + l.cost, 0);
      const got = (spend.data.by_provider as Record<string, { cost_usd: number; requests: number }>).openai;
      assert.equal(got.requests, logs.length);
      assert.ok(Math.abs(got.cost_usd - expected) < 1e-6, `${got.cost_usd} vs ${expected}`);
      assert.match(spend.response, /Spend on openai today: \$/);
      const errs = await sf().chatbotQuery('which provider had the most errors this week?');
      assert.equal(errs.intent, 'provider_errors');
      assert.match(errs.response, /openai had the most errors this week/);
      const none = await sf().chatbotQuery('what did we spend on OpenAI yesterday?');
      assert.match(none.response, /Spend on openai yesterday: \$0\.00 across 0 requests/);
      const unknown = await sf().chatbotQuery('tell me a joke');
      assert.equal(unknown.intent, 'unknown');
    });

    test('chatbotQuery with a model phrases the answer through the model', async () => {
      sim.script({ match: '/chat/completions', reply: 'You spent very little on OpenAI today.' });
      const r = await sf().chatbotQuery('what did we spend on OpenAI today?', { model: 'gpt-4o-mini' });
      assert.equal(r.response, 'You spent very little on OpenAI today.');
      const sent = sim.requests.filter((q) => q.path.endsWith('/chat/completions')).at(-1)!;
      assert.match(JSON.stringify(sent.body), /Aggregates:/);
    });
  });
}

test('direct-mode client shares nothing with the gateway-mode one (separate stores)', async () => {
  const g = await clients.gateway.getLogs({ limit: 1000 });
  const d = await clients.direct.getLogs({ limit: 1000 });
  assert.ok(g.length > 0 && d.length > 0);
  assert.ok(!g.some((l) => d.some((x) => x.request_id === l.request_id)));
});

test('a closed client refuses further calls with a clear error', async () => {
  const c = new SmartflowClient(service.url!, { apiKey: 'sk-sf-virtual', env: {}, configPath: NO_CONFIG });
  await c.close();
  await assert.rejects(c.chat('x'), /closed; create a new one/);
});

test('embedded: a client on an already running gateway service shares its stores and leaves it running', async () => {
  const c = new SmartflowClient({ embedded: service, env: {}, configPath: NO_CONFIG });
  assert.equal(c.mode, 'direct');
  assert.equal(c.settings.source, 'option');
  const r = await c.chatCompletions([{ role: 'user', content: 'embedded hello' }], { cache: 'off' });
  assert.equal(r.content, 'Echo: embedded hello');
  // the record lands in the service's own audit log, visible to the gateway-mode client too
  await waitForLog(clients.gateway, r.requestId!);
  await c.close();
  assert.equal(await clients.gateway.chat('still serving'), 'Echo: still serving');
});

test('authentication: a wrong virtual key (gateway mode) and a missing provider key (direct mode)', async () => {
  const wrong = new SmartflowClient(service.url!, { apiKey: 'sk-sf-wrong', env: {}, configPath: NO_CONFIG });
  await assert.rejects(wrong.chat('x'), (e: unknown) => e instanceof AuthenticationError && e.status === 401);
  await wrong.close();
  const env = { ...sim.env(), SMARTFLOW_LOG_LEVEL: 'error', OPENAI_API_KEY: '' };
  const nokey = new SmartflowClient({ env, dataDir: tmp(), configPath: NO_CONFIG });
  await assert.rejects(nokey.chat('x', { model: 'gpt-4o' }), (e: unknown) => e instanceof AuthenticationError && e.code === 'missing_api_key' && /OPENAI_API_KEY/.test(e.message));
  await nokey.close();
});
