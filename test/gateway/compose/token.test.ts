// The composition root's token and data-dir rules: SMARTFLOW_LOCAL_TOKEN wins; otherwise a token is
// generated once, stored 0600 in <dataDir>/token and reused on the next start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDataDir, loadOrCreateToken, startGatewayService } from '../../../src/gateway/compose.js';
import { silentLogger } from '../../../src/gateway/util/logger.js';

test('token file is created with mode 0600 and reused on restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-token-'));
  try {
    const a = loadOrCreateToken(dir, {});
    assert.equal(a.source, 'generated');
    assert.ok(a.token.length >= 40);
    const st = statSync(join(dir, 'token'));
    if (process.platform !== 'win32') assert.equal(st.mode & 0o777, 0o600);
    const b = loadOrCreateToken(dir, {});
    assert.equal(b.source, 'file');
    assert.equal(b.token, a.token);
    assert.equal(readFileSync(join(dir, 'token'), 'utf8').trim(), a.token);
    const c = loadOrCreateToken(dir, { SMARTFLOW_LOCAL_TOKEN: 'from-env' });
    assert.deepEqual([c.token, c.source], ['from-env', 'env']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a started service uses the stored token across restarts and rejects others', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-svc-'));
  const cfg = { dataDir: dir, server: { host: '127.0.0.1', port: 0, maxBodyBytes: 1 << 20 }, cache: { enabled: false }, compliance: { enabled: false }, audit: { enabled: false } } as never;
  try {
    const s1 = await startGatewayService({ config: cfg, env: {}, logger: silentLogger });
    const t1 = s1.token;
    assert.equal(s1.tokenPath, join(dir, 'token'));
    assert.equal((await fetch(`${s1.url}/v1/models`, { headers: { authorization: `Bearer ${t1}` } })).status, 200);
    assert.equal((await fetch(`${s1.url}/v1/models`, { headers: { authorization: 'Bearer other' } })).status, 401);
    await s1.close();
    const s2 = await startGatewayService({ config: cfg, env: {}, logger: silentLogger, virtualKeys: ['vk-1'] });
    assert.equal(s2.token, t1);
    assert.equal((await fetch(`${s2.url}/v1/models`, { headers: { authorization: 'Bearer vk-1' } })).status, 200);
    await s2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('default data dir per platform', () => {
  assert.equal(defaultDataDir({ XDG_DATA_HOME: '/x/data' }, 'linux', '/home/u'), join('/x/data', 'smartflow'));
  assert.equal(defaultDataDir({}, 'linux', '/home/u'), join('/home/u', '.local', 'share', 'smartflow'));
  assert.equal(defaultDataDir({}, 'darwin', '/Users/u'), join('/Users/u', 'Library', 'Application Support', 'Smartflow'));
  assert.equal(defaultDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u'), join('C:\\Users\\u\\AppData\\Roaming', 'Smartflow'));
});

test('direct mode: no listener, the gateway still works in-process', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-direct-'));
  try {
    const s = await startGatewayService({ config: { dataDir: dir, cache: { enabled: false }, compliance: { enabled: false }, audit: { enabled: false } } as never, env: {}, listen: { main: false }, logger: silentLogger });
    assert.equal(s.url, undefined);
    assert.ok(s.gateway.providers().some((p) => p.id === 'openai'));
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('management and compliance surfaces serve only their routes; virtual keys can be replaced', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-surf-'));
  try {
    const s = await startGatewayService({
      config: { dataDir: dir, server: { host: '127.0.0.1', port: 0 }, cache: { enabled: false }, audit: { enabled: false } },
      env: {},
      token: 't0',
      listen: { main: true, management: 0, compliance: 0 },
      logger: silentLogger,
    });
    try {
      const auth = { authorization: 'Bearer t0' };
      assert.ok(s.managementUrl && s.complianceUrl);
      assert.equal((await fetch(`${s.managementUrl}/api/routing/status`, { headers: auth })).status, 200);
      assert.equal((await fetch(`${s.managementUrl}/v1/models`, { headers: auth })).status, 404, 'no OpenAI API on the management port');
      assert.equal((await fetch(`${s.managementUrl}/health`)).status, 200);
      const scan = await fetch(`${s.complianceUrl}/api/compliance/intelligent/scan`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ content: 'my ssn is 123-45-6789' }) });
      assert.equal(scan.status, 200);
      assert.equal((await fetch(`${s.complianceUrl}/api/routing/status`, { headers: auth })).status, 404, 'no management routes on the compliance port');
      // The main port serves everything.
      assert.equal((await fetch(`${s.url}/api/routing/status`, { headers: auth })).status, 200);
      s.setVirtualKeys(['vk-new']);
      assert.equal((await fetch(`${s.url}/api/routing/status`, { headers: { authorization: 'Bearer vk-new' } })).status, 200);
      assert.equal((await fetch(`${s.url}/api/routing/status`, { headers: auth })).status, 200, 'local token still valid');
      s.setVirtualKeys([]);
      assert.equal((await fetch(`${s.url}/api/routing/status`, { headers: { authorization: 'Bearer vk-new' } })).status, 401);
    } finally {
      await s.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a layer that fails to start is reported and the gateway still serves', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-fail-'));
  try {
    // An unknown compliance policy makes the engine refuse to start.
    const s = await startGatewayService({
      config: { dataDir: dir, server: { host: '127.0.0.1', port: 0 }, compliance: { enabled: true, policy: 'no-such-policy' }, cache: { enabled: false }, audit: { enabled: false } },
      env: {},
      token: 't1',
      logger: silentLogger,
    });
    try {
      assert.equal(s.compliance, undefined);
      assert.match(s.layers.compliance.error ?? '', /no-such-policy/);
      assert.match(s.storage.error ?? '', /disabled/);
      assert.equal((await fetch(`${s.url}/v1/models`, { headers: { authorization: 'Bearer t1' } })).status, 200);
      const hc = (await (await fetch(`${s.url}/api/health/comprehensive`, { headers: { authorization: 'Bearer t1' } })).json()) as { storage: { compliance: { error: string } } };
      assert.match(hc.storage.compliance.error, /no-such-policy/);
    } finally {
      await s.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
