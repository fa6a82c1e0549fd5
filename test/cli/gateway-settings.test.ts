// `smartflow gateway` settings driven as a user would: the gateway: section of config.yaml, --config FILE,
// the flags (which win), the banner, a malformed value (warning with key and line, the gateway still
// starts), `smartflow configure` writing those settings, and status/logs when no gateway is running.
// The effective settings are checked over loopback HTTP through the SDK client, not just in the banner.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { startSimulator, type Simulator } from '../sim/simulator.js';
import { SmartflowClient } from '../../src/gateway/client/index.js';
import { DEFAULT_CONFIG } from '../../src/gateway/config.js';

const ROOT = join(__dirname, '..', '..');
let sim: Simulator;
let dir: string;
let buildDir: string;
let runner: string;
let baseEnv: NodeJS.ProcessEnv;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [runner, ...args], { cwd: dir, env: { ...baseEnv, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`timed out: smartflow ${args.join(' ')}\n${stdout}\n${stderr}`));
    }, 30_000);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
    p.stdin.end('');
  });
}

interface Gw {
  proc: ChildProcess;
  banner: string;
  stderr: string;
  url: string;
  token: string;
  stop(): Promise<number | null>;
}

/** Starts `smartflow gateway …` and waits for its banner. */
async function startGateway(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Gw> {
  const proc = spawn(process.execPath, [runner, 'gateway', '--port', '0', ...args], { cwd: dir, env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let banner = '';
  let stderr = '';
  proc.stderr!.on('data', (c) => (stderr += c));
  const closed = new Promise<number | null>((r) => proc.once('close', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no banner:\n${banner}\n${stderr}`)), 20_000);
    proc.stdout!.on('data', (c) => {
      banner += c;
      if (/Press Ctrl\+C to stop/.test(banner)) {
        clearTimeout(t);
        resolve();
      }
    });
    void closed.then((code) => reject(new Error(`gateway exited ${code}:\n${banner}\n${stderr}`)));
  });
  const url = /OpenAI-compatible API +(\S+)\/v1/.exec(banner)![1];
  const token = readFileSync(/Bearer token file +(\S+)/.exec(banner)![1], 'utf8').trim();
  return {
    proc,
    banner,
    get stderr() {
      return stderr;
    },
    url,
    token,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return closed;
    },
  };
}

before(async () => {
  // Our own bundle (not dist/cli.js, which another test file builds concurrently), placed under
  // node_modules/.cache so better-sqlite3 resolves exactly as it does for dist/cli.js.
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  buildDir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'sf-cli-test-'));
  await esbuild.build({
    entryPoints: [join(ROOT, 'src/gateway/cli/main.ts')],
    outfile: join(buildDir, 'cli.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    external: ['vscode', 'better-sqlite3', '@huggingface/transformers', 'onnxruntime-node', 'sharp'],
  });
  runner = join(buildDir, 'smartflow.js');
  writeFileSync(runner, `require(${JSON.stringify(join(buildDir, 'cli.js'))}).main(process.argv.slice(2)).then((c) => (process.exitCode = c));\n`);
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), 'sf-gwset-'));
  const clean: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SYSTEMROOT']) if (process.env[k]) clean[k] = process.env[k];
  baseEnv = { ...clean, ...sim.env(), SMARTFLOW_CONFIG: join(dir, 'config.yaml'), SMARTFLOW_LOG_LEVEL: 'error' };
});

after(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

test('--help lists the settings flags', async () => {
  const r = await run(['gateway', '--help']);
  assert.equal(r.code, 0);
  for (const f of ['--policy NAME', '--reversible', '--no-cache', '--no-semantic-cache', '--store-prompts', '--retention-days', '--fallback MODEL=M1,M2', '--config FILE']) {
    assert.ok(r.stdout.includes(f), `help mentions ${f}`);
  }
  const bad = await run(['gateway', '--store-prompts', 'some']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--store-prompts must be none, redacted or full/);
  const badPolicy = await run(['gateway', '--policy', 'hipa']);
  assert.equal(badPolicy.code, 2);
  assert.match(badPolicy.stderr, /unknown compliance policy "hipa". Use one of: .*hipaa/);
  const badFallback = await run(['gateway', '--fallback', 'gpt-4o']);
  assert.equal(badFallback.code, 2);
});

test('config.yaml gateway: section applies, flags beat it, the banner shows the effective settings', async () => {
  const cfg = join(dir, 'section.yaml');
  writeFileSync(
    cfg,
    [
      'mode: direct',
      'gateway:',
      '  compliance:',
      '    policy: hipaa',
      '  cache:',
      '    semantic: false',
      '    ttl_seconds: 3600',
      '  audit:',
      '    store_prompts: none',
      '    retention_days: 30',
      '  routing:',
      '    fallbacks:',
      '      gpt-4o: [anthropic/claude-sonnet-4-6]',
      '',
    ].join('\n'),
  );
  const gw = await startGateway(['--data-dir', join(dir, 'd1'), '--policy', 'gdpr', '--reversible', '--retention-days', '7', '--fallback', 'gpt-4o-mini=gpt-4o,claude-haiku-4-5'], { SMARTFLOW_CONFIG: cfg });
  try {
    assert.match(gw.banner, /Compliance +on — policy gdpr, reversible redaction/, 'the flag beat the file');
    assert.match(gw.banner, /Cache +on — exact match only \(semantic off\), TTL 1h/, 'the file applied');
    assert.match(gw.banner, /Audit log +SQLite \((better-sqlite3|node:sqlite)\) in .* — prompts not stored, kept 7 days/);
    assert.match(gw.banner, /Fallbacks +gpt-4o → anthropic\/claude-sonnet-4-6; gpt-4o-mini → gpt-4o → claude-haiku-4-5/);
    assert.match(gw.banner, /Settings from +defaults \+ .*section\.yaml \(gateway:\) \+ flags/);
    // The settings reached the running layers (over HTTP, through the SDK client; the side ports are
    // ephemeral and the main port is not 7775, so the client uses the main URL for every API).
    await using c = new SmartflowClient(gw.url, { apiKey: gw.token, env: {} });
    assert.equal(c.managementUrl, gw.url);
    assert.equal(c.complianceUrl, gw.url);
    assert.equal((await c.getOrgSummary()).policy, 'gdpr');
    const routing = (await c.getRoutingStatus()) as unknown as { fallback_chains: Record<string, string[]> };
    assert.deepEqual(routing.fallback_chains['gpt-4o'], ['anthropic/claude-sonnet-4-6']);
    assert.deepEqual(routing.fallback_chains['gpt-4o-mini'], ['gpt-4o', 'claude-haiku-4-5']);
    // Exact cache still on: the same request twice is a hit.
    await c.chatCompletions([{ role: 'user', content: 'cache me please' }], { temperature: 0 });
    const second = await c.chatCompletions([{ role: 'user', content: 'cache me please' }], { temperature: 0 });
    assert.equal(second.cacheHitType, 'exact');
  } finally {
    assert.equal(await gw.stop(), 0);
  }
});

test('--no-cache and --no-compliance turn the layers off', async () => {
  const gw = await startGateway(['--data-dir', join(dir, 'd2'), '--no-cache', '--no-compliance'], { SMARTFLOW_CONFIG: join(dir, 'none.yaml') });
  try {
    assert.match(gw.banner, /Cache +off \(disabled in settings\)/);
    assert.match(gw.banner, /Compliance +off \(disabled in settings\)/);
    assert.match(gw.banner, /Settings from +defaults \+ flags\n/);
    await using c = new SmartflowClient(gw.url, { apiKey: gw.token, env: {} });
    await c.chatCompletions([{ role: 'user', content: 'not cached' }], { temperature: 0 });
    const again = await c.chatCompletions([{ role: 'user', content: 'not cached' }], { temperature: 0 });
    assert.equal(again.cached, false);
  } finally {
    await gw.stop();
  }
});

test('a malformed value: warning naming the key and line; the gateway starts with that default', async () => {
  const cfg = join(dir, 'bad-value.yaml');
  writeFileSync(cfg, 'gateway:\n  compliance:\n    policy: hipaa\n  cache:\n    similarity_threshold: 1.5\n  audit:\n    store_prompts: everything\n  typo_key: 1\n');
  const gw = await startGateway(['--data-dir', join(dir, 'd3')], { SMARTFLOW_CONFIG: cfg });
  try {
    assert.match(gw.stderr, /warning: .*bad-value\.yaml:5: "gateway\.cache\.similarity_threshold" must be a number from 0 to 1; got 1\.5\. Using the default instead\./);
    assert.match(gw.stderr, /warning: .*bad-value\.yaml:7: "gateway\.audit\.store_prompts" must be "none", "redacted" or "full"/);
    assert.match(gw.stderr, /warning: .*bad-value\.yaml:8: unknown gateway setting "gateway\.typo_key"/);
    assert.match(gw.banner, /policy hipaa/, 'the valid keys still apply');
    assert.ok(gw.banner.includes(`similarity ≥ ${DEFAULT_CONFIG.cache.similarityThreshold})`), 'the bad one keeps its default');
    assert.match(gw.banner, /prompts stored redacted/);
  } finally {
    await gw.stop();
  }
  // Not YAML at all: a warning with the line, and the gateway starts from the defaults.
  writeFileSync(cfg, 'gateway:\n  compliance: [unclosed\n');
  const gw2 = await startGateway(['--data-dir', join(dir, 'd3')], { SMARTFLOW_CONFIG: cfg });
  try {
    assert.match(gw2.stderr, /warning: .*bad-value\.yaml:\d+(:\d+)?: not valid YAML/);
    assert.match(gw2.banner, /policy enterprise_standard/);
    assert.match(gw2.banner, /Settings from +defaults\n/);
  } finally {
    await gw2.stop();
  }
});

test('--config FILE replaces the config.yaml section; a missing file is an error', async () => {
  const cfg = join(dir, 'ignored.yaml');
  writeFileSync(cfg, 'gateway:\n  compliance:\n    policy: hipaa\n');
  const own = join(dir, 'gateway-settings.yaml');
  writeFileSync(own, 'compliance:\n  policy: pci_dss_strict\ncache:\n  enabled: false\n');
  const gw = await startGateway(['--data-dir', join(dir, 'd4'), '--config', own], { SMARTFLOW_CONFIG: cfg });
  try {
    assert.match(gw.banner, /policy pci_dss_strict/);
    assert.match(gw.banner, /Cache +off \(disabled in settings\)/);
    assert.match(gw.banner, /Settings from +defaults \+ .*gateway-settings\.yaml\n/);
  } finally {
    await gw.stop();
  }
  const missing = await run(['gateway', '--port', '0', '--config', 'nope.yaml']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /--config .*nope\.yaml: no such file/);
});

test('configure writes the gateway settings; the gateway and direct mode use them', async () => {
  const cfg = join(dir, 'configured.yaml');
  writeFileSync(cfg, '# my notes\nteam: blue\n');
  const env = { SMARTFLOW_CONFIG: cfg };
  const w = await run(['configure', '--policy', 'hipaa', '--no-semantic-cache', '--store-prompts', 'none', '--retention-days', '14', '--fallback', 'gemini-2.5-flash=gpt-4o-mini', '--set', 'gateway.cache.ttl_seconds=7200'], env);
  assert.equal(w.code, 0, w.stderr);
  const text = readFileSync(cfg, 'utf8');
  assert.match(text, /# my notes/);
  assert.match(text, /team: blue/);
  assert.match(text, /gemini-2\.5-flash:\n\s+- gpt-4o-mini/, 'a model name with dots stays one key');
  const show = await run(['configure', '--show'], env);
  assert.match(show.stdout, /gateway\.compliance\.policy: "hipaa"/);
  assert.match(show.stdout, /gateway\.cache\.ttl_seconds: 7200/);
  // Bad values are refused before anything is written.
  const bad = await run(['configure', '--set', 'gateway.cache.ttl_seconds=soon'], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /"gateway\.cache\.ttl_seconds" must be a whole number/);
  assert.equal((await run(['configure', '--policy', 'nope'], env)).code, 2);
  assert.equal(readFileSync(cfg, 'utf8'), text, 'file unchanged by the refused updates');

  const gw = await startGateway(['--data-dir', join(dir, 'd5')], env);
  try {
    assert.match(gw.banner, /policy hipaa/);
    assert.match(gw.banner, /exact match only \(semantic off\), TTL 2h/);
    assert.match(gw.banner, /prompts not stored, kept 14 days/);
    assert.match(gw.banner, /gemini-2\.5-flash → gpt-4o-mini/);
  } finally {
    await gw.stop();
  }
  // Direct mode's embedded gateway reads the same section.
  await using d = new SmartflowClient({ env: { ...sim.env(), SMARTFLOW_CONFIG: cfg }, configPath: cfg, dataDir: join(dir, 'd6') });
  assert.equal(d.mode, 'direct');
  assert.equal((await d.getOrgSummary()).policy, 'hipaa');
  // --unset removes a gateway key again.
  assert.equal((await run(['configure', '--unset', 'gateway.compliance.policy'], env)).code, 0);
  assert.ok(!/policy: hipaa/.test(readFileSync(cfg, 'utf8')));
});

test('status and logs with no gateway running: what happened, how to start one, exit 1', async () => {
  // A port nothing listens on (bound, then released).
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  const env = { SMARTFLOW_GATEWAY_URL: `http://127.0.0.1:${port}` };
  const st = await run(['status'], env);
  assert.equal(st.code, 1);
  assert.match(st.stderr, new RegExp(`No Smartflow gateway is running at http://127\\.0\\.0\\.1:${port}: nothing accepted the connection \\(ECONNREFUSED\\); the URL comes from SMARTFLOW_GATEWAY_URL`));
  assert.match(st.stderr, new RegExp(`Start one in another terminal: +smartflow gateway --port ${port}\\n`));
  assert.match(st.stderr, /unset SMARTFLOW_GATEWAY_URL/);
  const logs = await run(['logs'], env);
  assert.equal(logs.code, 1);
  assert.match(logs.stderr, /smartflow logs: cannot read the audit log\.\nNo Smartflow gateway is running/);
  assert.match(logs.stderr, new RegExp(`smartflow gateway --port ${port}`));
  // A remote host gets different advice (no "start one here").
  const remote = await run(['status', '--gateway-url', 'http://gateway.invalid:7775', '--timeout', '3']);
  assert.equal(remote.code, 1);
  assert.match(remote.stderr, /cannot be reached[\s\S]*Check that it is running and reachable/);
});
