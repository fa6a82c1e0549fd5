// Settings validation (src/extension/settings-parse.ts): bad values fall back to defaults with a message
// naming the setting — a bad settings.json never breaks activation — and good values pass through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSettings } from '../../src/extension/settings-parse.js';
import { gatewayConfigFor } from '../../src/extension/gateway-config.js';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/gateway/config.js';

const from = (o: Record<string, unknown>) => (k: string) => o[k];

test('defaults when nothing is set', () => {
  const s = parseSettings(from({}));
  assert.equal(s.mode, 'direct');
  assert.equal(s.localEndpoint.port, 7775);
  assert.equal(s.audit.storePrompts, 'redacted');
  assert.equal(s.compliance.policy, 'enterprise_standard');
  assert.deepEqual(s.problems, []);
});

test('bad values are replaced by defaults and reported, good ones kept', () => {
  const s = parseSettings(
    from({
      mode: 'cloud',
      'gateway.url': 'ftp://nope',
      defaultModel: '  ',
      'cache.similarityThreshold': 7,
      'cache.ttlSeconds': -1,
      'localEndpoint.port': 70000,
      'audit.storePrompts': 'everything',
      'audit.retentionDays': 30,
      'compliance.policy': 'hipaa',
      'providers.baseUrls': { openai: 'http://127.0.0.1:9/v1', bad: 'javascript:alert(1)' },
      'cache.enabled': 'yes',
    }),
  );
  assert.equal(s.mode, 'direct');
  assert.equal(s.gatewayUrl, '');
  assert.equal(s.defaultModel, 'gpt-4o-mini');
  assert.equal(s.cache.similarityThreshold, DEFAULT_CONFIG.cache.similarityThreshold);
  assert.equal(s.cache.ttlSeconds, 604800);
  assert.equal(s.cache.enabled, true);
  assert.equal(s.localEndpoint.port, 7775);
  assert.equal(s.audit.storePrompts, 'redacted');
  assert.equal(s.audit.retentionDays, 30);
  assert.equal(s.compliance.policy, 'hipaa');
  assert.deepEqual(s.providerBaseUrls, { openai: 'http://127.0.0.1:9/v1' });
  for (const key of ['mode', 'gateway.url', 'defaultModel', 'cache.similarityThreshold', 'cache.ttlSeconds', 'localEndpoint.port', 'audit.storePrompts', 'providers.baseUrls.bad', 'cache.enabled']) {
    assert.ok(s.problems.some((p) => p.includes(`smartflow.${key}`)), `no problem reported for ${key}: ${s.problems.join(' / ')}`);
  }
});

test('settings map onto the gateway config the embedded service starts with', () => {
  const s = parseSettings(from({ 'cache.enabled': false, 'localEndpoint.port': 0, 'audit.storePrompts': 'none', 'providers.baseUrls': { openai: 'http://x/v1' } }));
  const cfg = resolveConfig(gatewayConfigFor(s, '/tmp/sf'));
  assert.equal(cfg.dataDir, '/tmp/sf');
  assert.equal(cfg.server.host, '127.0.0.1');
  assert.equal(cfg.server.port, 0);
  assert.equal(cfg.cache.enabled, false);
  assert.equal(cfg.audit.storePrompts, 'none');
  assert.equal(cfg.providers.openai?.baseUrl, 'http://x/v1');
  assert.equal(cfg.compliance.policy, 'enterprise_standard');
});
