// Pure parts of routing and retries with an injected clock: retry-after parsing, backoff bounds,
// provider health verdicts, the fallback plan, force_provider and its expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRetryAfter, retryDelay, isRetryableStatus } from '../../../src/gateway/upstream/retry.js';
import { HealthTracker } from '../../../src/gateway/routing/health.js';
import { Router } from '../../../src/gateway/routing/router.js';
import { resolveModel } from '../../../src/gateway/routing/resolve.js';
import { DEFAULT_CONFIG } from '../../../src/gateway/config.js';
import type { Clock } from '../../../src/gateway/types.js';

function fakeClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let wall = start;
  let mono = 0;
  return { now: () => mono, wallNow: () => wall, advance: (ms) => ((wall += ms), (mono += ms)) };
}

test('retry-after: delta seconds, fractional seconds, HTTP date, garbage', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('3', now), 3000);
  assert.equal(parseRetryAfter('0.5', now), 500);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now), 10_000);
  assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0, 'a date in the past means now');
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
  assert.equal(parseRetryAfter(['2', '9'], now), 2000);
});

test('backoff: full jitter under base*2^n, capped; retry-after wins but is bounded', () => {
  const cfg = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };
  assert.equal(retryDelay(0, cfg, undefined, () => 0.999999), 99);
  assert.equal(retryDelay(2, cfg, undefined, () => 0.5), 200);
  assert.equal(retryDelay(10, cfg, undefined, () => 0.999999), 999, 'capped at maxDelayMs');
  assert.equal(retryDelay(0, cfg, undefined, () => 0), 0);
  assert.equal(retryDelay(0, cfg, 1500, () => 0.5), 1500);
  assert.equal(retryDelay(0, cfg, 60_000, () => 0.5), 5000);
  assert.ok(isRetryableStatus(429) && isRetryableStatus(503) && !isRetryableStatus(400) && !isRetryableStatus(401));
});

test('health: healthy → degraded → unhealthy, recovery, counts and rates', () => {
  const clock = fakeClock();
  const h = new HealthTracker(clock);
  h.success('openai', 100);
  h.success('openai', 200);
  let s = h.snapshot().find((x) => x.provider === 'openai')!;
  assert.equal(s.status, 'healthy');
  assert.equal(s.requests_total, 2);
  assert.ok(s.latency_ms > 100 && s.latency_ms < 200, 'EWMA between samples');
  h.failure('openai');
  assert.equal(h.status('openai'), 'degraded');
  h.failure('openai');
  h.failure('openai');
  assert.equal(h.status('openai'), 'unhealthy');
  s = h.snapshot().find((x) => x.provider === 'openai')!;
  assert.equal(s.error_rate, 0.6);
  assert.equal(s.success_rate, 0.4);
  // Without new traffic the consecutive-failure verdict cools down, but the error rate still shows.
  clock.advance(60_000);
  assert.equal(h.status('openai'), 'unhealthy', '60% errors in the window');
  for (let i = 0; i < 20; i++) h.success('openai', 100);
  assert.equal(h.status('openai'), 'degraded', '3/25 errors');
  for (let i = 0; i < 30; i++) h.success('openai', 100);
  assert.equal(h.status('openai'), 'healthy', 'failures aged out of the window');
  // Neutral outcomes count as requests but not as errors.
  h.neutral('anthropic');
  assert.deepEqual([h.status('anthropic'), h.snapshot().find((x) => x.provider === 'anthropic')!.requests_total], ['healthy', 1]);
  // Providers with no traffic are listed as healthy with zero requests.
  assert.equal(h.snapshot(['gemini']).find((x) => x.provider === 'gemini')!.requests_total, 0);
});

test('router: plan = primary + fallback chain; unhealthy primary goes last; force + expiry', () => {
  const clock = fakeClock();
  const health = new HealthTracker(clock);
  const cfg = { ...DEFAULT_CONFIG.routing, fallbacks: { 'gpt-4o': ['anthropic/claude-haiku-4-5', 'gemini-2.0-flash', 'not-a-model'] } };
  const r = new Router(cfg, (m) => resolveModel(m), health, clock, (id) => ['openai', 'anthropic', 'gemini'].includes(id));
  let p = r.plan('gpt-4o');
  assert.deepEqual(p.targets.map((t) => `${t.provider}/${t.model}`), ['openai/gpt-4o', 'anthropic/claude-haiku-4-5', 'gemini/gemini-2.0-flash']);
  assert.equal(p.strategy, 'fallback');
  assert.equal(r.plan('gpt-4o-mini').strategy, 'direct');
  for (let i = 0; i < 3; i++) health.failure('openai');
  p = r.plan('gpt-4o');
  assert.deepEqual(p.targets.map((t) => t.provider), ['anthropic', 'gemini', 'openai']);
  assert.equal(p.targets[2].reason, 'unhealthy-primary');

  const st = r.force('anthropic', 10);
  assert.equal(st.forced_provider, 'anthropic');
  assert.equal(r.plan('gpt-4o').targets[0].provider, 'anthropic');
  assert.equal(r.plan('gpt-4o').targets[0].model, 'claude-haiku-4-5', 'the chain’s model on the forced provider');
  assert.equal(r.plan('gpt-4o-mini').targets[0].provider, 'anthropic', 'no chain entry: same model name on the forced provider');
  clock.advance(10_001);
  assert.equal(r.status().forced_provider, null, 'expired');
  assert.throws(() => r.force('nope', 5), /Unknown provider/);
  assert.throws(() => r.force('openai', -1), /duration_seconds/);
  r.failed('openai', 'gpt-4o', 'boom');
  assert.equal(r.status().last_failure?.message, 'boom');
});
