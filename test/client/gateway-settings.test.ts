// The config file's gateway: section (validation with lines, mapping onto GatewayConfig, unknown keys kept),
// `--config` files, and where the client sends compliance / management calls (side ports only on 7775,
// fallback to the main URL only when the side port refuses the connection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_KEYS, checkGatewaySetting, readConfigFile, readGatewaySettingsFile, writeConfigFile } from '../../src/gateway/config-file.js';
import { resolveMode, surfaceUrls } from '../../src/gateway/client/mode.js';
import { DEFAULT_CONFIG } from '../../src/gateway/config.js';
import { ConnectionError, SmartflowClient, SmartflowError } from '../../src/gateway/client/index.js';

function tmp(): { dir: string; file: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sf-gwsec-'));
  return { dir, file: join(dir, 'config.yaml'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('gateway: section maps snake_case keys onto GatewayConfig', () => {
  const t = tmp();
  try {
    writeFileSync(
      t.file,
      `mode: direct
gateway:
  host: 127.0.0.2
  port: 0
  compliance_port: off
  management_port: 9123
  virtual_keys: [sk-sf-a, sk-sf-b]
  compliance:
    policy: strict_team
    reversible: true
    custom_policies:
      strict_team: { extends: hipaa, block: [EMAIL, SSN] }
  cache: { enabled: true, semantic: false, similarity_threshold: 0.93, ttl_seconds: 600 }
  audit: { store_prompts: full, retention_days: 0 }
  routing:
    fallbacks: { gpt-4o: [anthropic/claude-sonnet-4-6], gemini-2.5-flash: "gpt-4o-mini, gpt-4o" }
    fallback_on: [429, 503]
  retry: { max_retries: 4 }
  timeouts: { headers_ms: 5000 }
`,
    );
    const r = readConfigFile(t.file);
    assert.equal(r.error, undefined);
    assert.deepEqual(r.gateway?.errors, []);
    assert.deepEqual(r.gateway?.unknownKeys, []);
    const s = r.gateway!.settings;
    assert.deepEqual(s.listen, { compliance: false, management: 9123 });
    assert.deepEqual(s.virtualKeys, ['sk-sf-a', 'sk-sf-b']);
    const c = s.config as Record<string, Record<string, unknown>>;
    assert.deepEqual(c.server, { host: '127.0.0.2', port: 0 });
    assert.equal(c.compliance.policy, 'strict_team', 'a custom policy defined next to it is accepted');
    assert.equal(c.compliance.reversible, true);
    assert.deepEqual(c.cache, { enabled: true, semantic: false, similarityThreshold: 0.93, ttlSeconds: 600 });
    assert.deepEqual(c.audit, { storePrompts: 'full', retentionDays: 0 });
    assert.deepEqual(c.routing, { fallbacks: { 'gpt-4o': ['anthropic/claude-sonnet-4-6'], 'gemini-2.5-flash': ['gpt-4o-mini', 'gpt-4o'] }, fallbackOn: [429, 503] });
    assert.deepEqual(c.retry, { maxRetries: 4 });
    assert.deepEqual(c.timeouts, { headersMs: 5000 });
  } finally {
    t.done();
  }
});

test('malformed gateway values: one error per key with its line; the rest of the file still works', () => {
  const t = tmp();
  try {
    writeFileSync(
      t.file,
      [
        'mode: bogus', // a bad top-level key does not lose the gateway settings
        'gateway:',
        '  compliance:',
        '    policy: hipaa_typo',
        '    reversible: "yes"',
        '    custom_policies:',
        '      mine: { block: [NOT_A_TYPE] }',
        '  cache:',
        '    enabled: false',
        '    ttl_seconds: -5',
        '    colour: blue',
        '  audit: { retention_days: 2.5 }',
        '  port: 70000',
        '',
      ].join('\n'),
    );
    const r = readConfigFile(t.file);
    assert.match(r.error!.message, /"mode" must be/);
    const g = r.gateway!;
    const byKey = new Map(g.errors.map((e) => [/"gateway\.([a-z_.]+)"/.exec(e.message)![1], e]));
    assert.deepEqual([...byKey.keys()].sort(), ['audit.retention_days', 'cache.ttl_seconds', 'compliance.custom_policies', 'compliance.policy', 'compliance.reversible', 'port'].sort());
    assert.equal(byKey.get('compliance.policy')!.line, 4);
    assert.match(byKey.get('compliance.policy')!.message, /unknown policy "hipaa_typo" \(use one of: enterprise_standard, .*hipaa/);
    assert.equal(byKey.get('compliance.reversible')!.line, 5);
    assert.match(byKey.get('compliance.custom_policies')!.message, /unknown type\(s\) NOT_A_TYPE/);
    assert.equal(byKey.get('cache.ttl_seconds')!.line, 10);
    assert.equal(byKey.get('audit.retention_days')!.line, 12);
    assert.equal(byKey.get('port')!.line, 13);
    for (const e of g.errors) assert.match(e.message, new RegExp(`^${t.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+`));
    assert.deepEqual(g.unknownKeys, [{ key: 'gateway.cache.colour', line: 11 }]);
    // Only the valid values are used; bad ones keep their defaults.
    assert.deepEqual(g.settings.config, { cache: { enabled: false } });
    // The section must be a mapping.
    writeFileSync(t.file, 'gateway: [1, 2]\n');
    assert.match(readConfigFile(t.file).gateway!.errors[0].message, /config\.yaml:1: "gateway" must be a mapping/);
  } finally {
    t.done();
  }
});

test('unknown keys in the gateway section survive configure writes', () => {
  const t = tmp();
  try {
    writeFileSync(t.file, 'gateway:\n  # keep this comment\n  future_setting: { a: 1 }\n  cache:\n    enabled: true\n');
    writeConfigFile(t.file, [[['gateway', 'routing', 'fallbacks', 'gemini-2.5-flash'], ['gpt-4o']], [['gateway', 'cache', 'semantic'], false]]);
    const text = readFileSync(t.file, 'utf8');
    assert.match(text, /# keep this comment/);
    assert.match(text, /future_setting:/);
    const r = readConfigFile(t.file);
    assert.deepEqual((r.gateway!.settings.config.routing as { fallbacks: unknown }).fallbacks, { 'gemini-2.5-flash': ['gpt-4o'] });
    assert.deepEqual(r.gateway!.settings.config.cache, { enabled: true, semantic: false });
    assert.deepEqual(r.gateway!.unknownKeys.map((u) => u.key), ['gateway.future_setting']);
  } finally {
    t.done();
  }
});

test('checkGatewaySetting validates single values (configure --set)', () => {
  assert.deepEqual(checkGatewaySetting('cache.ttl_seconds', 60), { ok: true, value: 60 });
  assert.equal(checkGatewaySetting('cache.ttl_seconds', '60').ok, false);
  assert.equal(checkGatewaySetting('audit.store_prompts', 'redacted').ok, true);
  assert.equal(checkGatewaySetting('compliance.policy', 'gdpr').ok, true);
  const bad = checkGatewaySetting('compliance.policy', 'gdrp');
  assert.ok(!bad.ok && /unknown policy "gdrp"/.test(bad.message));
  const unknown = checkGatewaySetting('cache.colour', 'blue');
  assert.ok(!unknown.ok && /not a gateway setting/.test(unknown.message));
  assert.deepEqual(checkGatewaySetting('compliance_port', 'off'), { ok: true, value: false });
});

test('a --config file: top-level settings, or a whole config.yaml with gateway:', () => {
  const t = tmp();
  try {
    const flat = join(t.dir, 'flat.yaml');
    writeFileSync(flat, 'compliance:\n  policy: gdpr\ncache:\n  semantic: nope\n');
    const a = readGatewaySettingsFile(flat);
    assert.equal(a.error, undefined);
    assert.deepEqual(a.section.settings.config, { compliance: { policy: 'gdpr' } });
    assert.equal(a.section.errors[0].line, 4);
    assert.match(a.section.errors[0].message, /"cache\.semantic" must be true or false/);
    const nested = join(t.dir, 'nested.yaml');
    writeFileSync(nested, 'mode: direct\ngateway:\n  audit: { store_prompts: none }\n');
    assert.deepEqual(readGatewaySettingsFile(nested).section.settings.config, { audit: { storePrompts: 'none' } });
    assert.match(readGatewaySettingsFile(join(t.dir, 'missing.yaml')).error!.message, /no such file/);
    writeFileSync(flat, 'cache: [\n');
    assert.match(readGatewaySettingsFile(flat).error!.message, /flat\.yaml:\d+.*not valid YAML/);
  } finally {
    t.done();
  }
});

test('side URLs: 7777/7778 only next to port 7775; otherwise the main URL unless ports/URLs are given', () => {
  const r = (o: Parameters<typeof resolveMode>[0] = {}) => resolveMode({ env: {}, configPath: '/nonexistent/config.yaml', ...o });
  assert.deepEqual(surfaceUrls('http://gw.example:7775', r()), { complianceUrl: 'http://gw.example:7777', managementUrl: 'http://gw.example:7778' });
  assert.deepEqual(surfaceUrls('http://127.0.0.1:40123', r()), { complianceUrl: 'http://127.0.0.1:40123', managementUrl: 'http://127.0.0.1:40123' });
  assert.deepEqual(surfaceUrls('https://gw.example', r()), { complianceUrl: 'https://gw.example', managementUrl: 'https://gw.example' });
  assert.deepEqual(surfaceUrls('http://127.0.0.1:40123', r({ managementPort: 9001 })), { complianceUrl: 'http://127.0.0.1:40123', managementUrl: 'http://127.0.0.1:9001' });
  assert.deepEqual(surfaceUrls('http://gw.example:7775', r({ complianceUrl: 'https://scan.example/' })), { complianceUrl: 'https://scan.example', managementUrl: 'http://gw.example:7778' });
  // Ports from the config file count as explicit.
  const t = tmp();
  try {
    writeFileSync(t.file, 'compliance_port: 9002\n');
    assert.deepEqual(surfaceUrls('http://127.0.0.1:40123', resolveMode({ env: {}, configPath: t.file })), { complianceUrl: 'http://127.0.0.1:9002', managementUrl: 'http://127.0.0.1:40123' });
  } finally {
    t.done();
  }
  const c = new SmartflowClient('http://127.0.0.1:40123/v1', { env: {}, configPath: '/nonexistent/config.yaml' });
  assert.equal(c.managementUrl, 'http://127.0.0.1:40123');
  assert.equal(c.complianceUrl, 'http://127.0.0.1:40123');
});

async function listen(handler: (req: IncomingMessage, body: string) => { status: number; body: string; type?: string }): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push(req.url ?? '');
      const r = handler(req, body);
      res.writeHead(r.status, { 'content-type': r.type ?? 'application/json' });
      res.end(r.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

test('fallback to the main URL only when the side port refuses the connection, never when another service answers', async () => {
  const stats = { hits: 2, misses: 2, hit_rate: 0.5, entries: 4 };
  const main = await listen(() => ({ status: 200, body: JSON.stringify(stats) }));
  const foreign = await listen(() => ({ status: 404, body: '<html>not smartflow</html>', type: 'text/html' }));
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const deadPort = (dead.address() as AddressInfo).port;
  await new Promise((r) => dead.close(r));
  try {
    // Refused: the call goes to the main URL, and stays there.
    await using a = new SmartflowClient(main.url, { managementPort: deadPort, env: {}, configPath: '/nonexistent/config.yaml' });
    assert.equal((await a.getCacheStats()).hits, 2);
    assert.equal((await a.getCacheStats()).entries, 4);
    assert.deepEqual(main.seen, ['/api/cache/stats', '/api/cache/stats']);
    // Another service answers on the side port: its answer stands (an error), the main URL is not tried.
    main.seen.length = 0;
    await using b = new SmartflowClient(main.url, { managementPort: Number(new URL(foreign.url).port), env: {}, configPath: '/nonexistent/config.yaml' });
    await assert.rejects(b.getCacheStats(), (e: unknown) => e instanceof SmartflowError && e.status === 404);
    assert.deepEqual(foreign.seen, ['/api/cache/stats']);
    assert.deepEqual(main.seen, [], 'no silent retry against the main URL');
    // A side port that accepts and then drops the connection is not "nothing there": no fallback either.
    const rude = createNetServer((sock) => sock.destroy());
    await new Promise<void>((r) => rude.listen(0, '127.0.0.1', r));
    try {
      await using d = new SmartflowClient(main.url, { managementPort: (rude.address() as AddressInfo).port, env: {}, configPath: '/nonexistent/config.yaml' });
      await assert.rejects(d.getCacheStats(), (e: unknown) => e instanceof ConnectionError && e.code !== 'ECONNREFUSED');
      assert.deepEqual(main.seen, []);
    } finally {
      await new Promise((r) => rude.close(r));
    }
    // No explicit port and a main port other than 7775: management calls go straight to the main URL.
    await using c = new SmartflowClient(main.url, { env: {}, configPath: '/nonexistent/config.yaml' });
    assert.equal((await c.getCacheStats()).hit_rate, 0.5);
    assert.deepEqual(main.seen, ['/api/cache/stats']);
  } finally {
    await new Promise((r) => main.server.close(r));
    await new Promise((r) => foreign.server.close(r));
  }
});

test('every GatewayConfig setting has a gateway: key, and docs/cli.md documents every key', () => {
  const mapped = new Set(GATEWAY_KEYS.map((k) => k.to));
  for (const [section, fields] of Object.entries(DEFAULT_CONFIG)) {
    if (section === 'providers') continue; // the top-level providers: section covers these
    for (const field of Object.keys(fields as object)) assert.ok(mapped.has(`${section}.${field}`), `${section}.${field} has no key in the gateway: section`);
  }
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'cli.md'), 'utf8');
  const block = /```yaml\ngateway:\n([\s\S]*?)```/.exec(doc)![1];
  for (const k of GATEWAY_KEYS) {
    const parts = k.key.split('.');
    const leaf = parts[parts.length - 1];
    assert.match(block, new RegExp(`^ {${2 * parts.length}}${leaf}:`, 'm'), `docs/cli.md documents gateway.${k.key}`);
  }
});

test('direct mode reports bad gateway: values (with the line); gateway mode does not use them', () => {
  const t = tmp();
  try {
    writeFileSync(t.file, 'gateway:\n  cache:\n    ttl_seconds: soon\n');
    const direct: string[] = [];
    const d = new SmartflowClient({ env: {}, configPath: t.file, onWarning: (w) => direct.push(w) });
    assert.equal(d.mode, 'direct');
    assert.equal(direct.length, 1);
    assert.match(direct[0], /config\.yaml:3: "gateway\.cache\.ttl_seconds" must be a whole number/);
    const remote: string[] = [];
    const g = new SmartflowClient('http://127.0.0.1:7775', { env: {}, configPath: t.file, onWarning: (w) => remote.push(w) });
    assert.equal(g.mode, 'gateway');
    assert.deepEqual(remote, []);
  } finally {
    t.done();
  }
});
