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
