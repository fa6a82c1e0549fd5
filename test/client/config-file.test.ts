// ~/.smartflow/config.yaml: read/validate with line numbers, write preserving unknown keys and comments,
// 0600 permissions, and the client's mode priority order (option → env → file → direct).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFilePath, readConfigFile, writeConfigFile } from '../../src/gateway/config-file.js';
import { resolveMode } from '../../src/gateway/client/mode.js';
import { SmartflowClient } from '../../src/gateway/client/index.js';

function tmp(): { dir: string; file: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sf-cfg-'));
  return { dir, file: join(dir, 'sub', 'config.yaml'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('config path: SMARTFLOW_CONFIG overrides ~/.smartflow/config.yaml', () => {
  assert.equal(configFilePath({ SMARTFLOW_CONFIG: '/x/y.yaml' }), '/x/y.yaml');
  assert.equal(configFilePath({ HOME: '/home/u' }), join('/home/u', '.smartflow', 'config.yaml'));
});

test('missing file is not an error', () => {
  const t = tmp();
  try {
    const r = readConfigFile(t.file);
    assert.equal(r.exists, false);
    assert.equal(r.config, null);
    assert.equal(r.error, undefined);
  } finally {
    t.done();
  }
});

test('write creates the file 0600, keeps unknown keys and comments on update', () => {
  const t = tmp();
  try {
    writeConfigFile(t.file, { mode: 'direct', 'providers.openai.api_key': 'sk-test-123456789' });
    assert.equal(statSync(t.file).mode & 0o777, 0o600);
    assert.equal(statSync(join(t.dir, 'sub')).mode & 0o777, 0o700);
    // A user edits the file by hand: a comment and keys we do not know.
    const text = readFileSync(t.file, 'utf8') + '# my team settings\nteam_notes: keep me\nproviders_extra:\n  nested: [1, 2]\n';
    writeFileSync(t.file, text, { mode: 0o644 });
    writeConfigFile(t.file, { mode: 'gateway', gateway_url: 'http://127.0.0.1:7775', 'providers.openai.base_url': 'http://sim:1' });
    const after = readFileSync(t.file, 'utf8');
    assert.match(after, /# my team settings/);
    assert.match(after, /team_notes: keep me/);
    assert.equal(statSync(t.file).mode & 0o777, 0o600, 'rewrite restores 0600');
    const r = readConfigFile(t.file);
    assert.equal(r.error, undefined);
    assert.equal(r.config?.mode, 'gateway');
    assert.equal(r.config?.gateway_url, 'http://127.0.0.1:7775');
    assert.equal(r.config?.providers?.openai?.api_key, 'sk-test-123456789');
    assert.equal(r.config?.providers?.openai?.base_url, 'http://sim:1');
    assert.deepEqual((r.config as Record<string, unknown>).providers_extra, { nested: [1, 2] });
    // null removes a key
    writeConfigFile(t.file, { 'providers.openai.api_key': null });
    assert.equal(readConfigFile(t.file).config?.providers?.openai?.api_key, undefined);
    assert.match(readFileSync(t.file, 'utf8'), /team_notes: keep me/);
  } finally {
    t.done();
  }
});

test('malformed YAML: error names the line; write refuses to clobber it', () => {
  const t = tmp();
  try {
    writeConfigFile(t.file, { mode: 'direct' });
    writeFileSync(t.file, 'mode: direct\ngateway_url: "http://x\ndefault_model: gpt-4o\n');
    const r = readConfigFile(t.file);
    assert.ok(r.error, 'an error is reported');
    assert.equal(r.config, null);
    assert.ok(r.error!.line! >= 2, `line reported: ${r.error!.line}`);
    assert.match(r.error!.message, new RegExp(`${t.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+`));
    assert.throws(() => writeConfigFile(t.file, { mode: 'gateway' }), /not valid YAML, so it was not changed/);
  } finally {
    t.done();
  }
});

test('wrong types are reported with the line of the key', () => {
  const t = tmp();
  try {
    writeConfigFile(t.file, {});
    writeFileSync(t.file, 'default_model: gpt-4o\n\nmanagement_port: "lots"\n');
    const r = readConfigFile(t.file);
    assert.equal(r.error?.line, 3);
    assert.match(r.error!.message, /management_port.*port number/);
    writeFileSync(t.file, 'mode: turbo\n');
    assert.match(readConfigFile(t.file).error!.message, /:1: "mode" must be "gateway" or "direct"/);
  } finally {
    t.done();
  }
});

test('mode priority: explicit URL → SMARTFLOW_GATEWAY_URL → config file → direct', () => {
  const t = tmp();
  try {
    writeConfigFile(t.file, { mode: 'gateway', gateway_url: 'http://file-gw:7775', api_key: 'sk-sf-file' });
    const env = { SMARTFLOW_GATEWAY_URL: 'http://env-gw:7775' };
    let m = resolveMode({ baseUrl: 'http://opt-gw:7775', env, configPath: t.file });
    assert.deepEqual([m.mode, m.source, m.baseUrl], ['gateway', 'option', 'http://opt-gw:7775']);
    m = resolveMode({ env, configPath: t.file });
    assert.deepEqual([m.mode, m.source, m.baseUrl], ['gateway', 'env', 'http://env-gw:7775']);
    m = resolveMode({ env: {}, configPath: t.file });
    assert.deepEqual([m.mode, m.source, m.baseUrl, m.apiKey], ['gateway', 'config', 'http://file-gw:7775', 'sk-sf-file']);
    writeConfigFile(t.file, { mode: 'direct', 'providers.openai.api_key': 'sk-direct' });
    m = resolveMode({ env: {}, configPath: t.file });
    assert.deepEqual([m.mode, m.source, m.providerKeys.openai], ['direct', 'config', 'sk-direct']);
    m = resolveMode({ env: {}, configPath: join(t.dir, 'none.yaml') });
    assert.deepEqual([m.mode, m.source], ['direct', 'default']);
  } finally {
    t.done();
  }
});

test('a malformed config file: the client still starts from the other sources and warns with the line', async () => {
  const t = tmp();
  try {
    writeConfigFile(t.file, {});
    writeFileSync(t.file, 'mode: gateway\n  gateway_url: [oops\n');
    const warnings: string[] = [];
    const c = new SmartflowClient({ env: { SMARTFLOW_GATEWAY_URL: 'http://127.0.0.1:1' }, configPath: t.file, onWarning: (w) => warnings.push(w) });
    assert.equal(c.mode, 'gateway');
    assert.equal(c.baseUrl, 'http://127.0.0.1:1');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /config\.yaml:\d+/);
    assert.ok(c.settings.configError);
    await c.close();
    const d = new SmartflowClient({ env: {}, configPath: t.file });
    assert.equal(d.mode, 'direct');
    assert.equal(d.isGatewayMode(), false);
    await d.close();
  } finally {
    t.done();
  }
});

test('gateway mode derives compliance/management URLs from the ports (reference defaults 7777/7778)', async () => {
  const c = new SmartflowClient('http://gw.example:7775/v1', { env: {} });
  assert.equal(c.baseUrl, 'http://gw.example:7775');
  assert.equal(c.complianceUrl, 'http://gw.example:7777');
  assert.equal(c.managementUrl, 'http://gw.example:7778');
  assert.equal(c.settings.timeoutMs, 30_000);
  assert.equal(c.settings.bridgePort, 3500);
  await c.close();
  const d = new SmartflowClient({ baseUrl: 'https://gw.example', managementPort: 9001, compliancePort: 9002, timeout: 5, env: {} });
  assert.equal(d.managementUrl, 'https://gw.example:9001');
  assert.equal(d.complianceUrl, 'https://gw.example:9002');
  assert.equal(d.settings.timeoutMs, 5000);
  await d.close();
  assert.throws(() => new SmartflowClient('ftp://nope', { env: {} }), /must start with http/);
});
