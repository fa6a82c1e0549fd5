// The `smartflow` CLI driven as a user would: `node bin/smartflow.js …` as child processes against the
// provider simulator, a gateway started by the CLI itself, and the configure wizard in a pseudo-terminal
// (util-linux `script`).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { startSimulator, type Simulator } from '../sim/simulator.js';
import { readConfigFile } from '../../src/gateway/config-file.js';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'smartflow.js');
let sim: Simulator;
let dir: string;
let baseEnv: NodeJS.ProcessEnv;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], o: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...baseEnv, ...(o.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`timed out: smartflow ${args.join(' ')}\n${stdout}\n${stderr}`));
    }, o.timeoutMs ?? 30_000);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
    p.stdin.end(o.input ?? '');
  });
}

/** Collects a child's output and resolves when `pattern` has appeared on stdout. */
function waitOutput(p: ChildProcess, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`no ${pattern} in: ${buf}`)), timeoutMs);
    const on = (c: Buffer) => {
      buf += c.toString();
      if (pattern.test(buf)) {
        clearTimeout(t);
        p.stdout!.off('data', on);
        resolve(buf);
      }
    };
    p.stdout!.on('data', on);
  });
}

before(async () => {
  // Build the CLI bundle from the current sources exactly as `npm run build` does.
  await esbuild.build({
    entryPoints: [join(ROOT, 'src/gateway/cli/main.ts')],
    outfile: join(ROOT, 'dist/cli.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    external: ['vscode', 'better-sqlite3', '@huggingface/transformers', 'onnxruntime-node', 'sharp'],
  });
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), 'sf-cli-'));
  const clean: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SYSTEMROOT']) if (process.env[k]) clean[k] = process.env[k];
  baseEnv = {
    ...clean,
    ...sim.env(),
    SMARTFLOW_CONFIG: join(dir, 'config.yaml'),
    SMARTFLOW_DATA_DIR: join(dir, 'direct-data'),
    SMARTFLOW_LOG_LEVEL: 'error',
  };
});

after(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('--help everywhere, usage errors exit 2', async () => {
  const main = await run(['--help']);
  assert.equal(main.code, 0);
  for (const c of ['gateway', 'configure', 'status', 'chat', 'logs', 'scan']) assert.match(main.stdout, new RegExp(`\\n  ${c} `));
  for (const c of ['gateway', 'configure', 'status', 'chat', 'logs', 'scan']) {
    const r = await run([c, '--help']);
    assert.equal(r.code, 0, c);
    assert.match(r.stdout, new RegExp(`^Usage: smartflow ${c}`), c);
  }
  const none = await run([]);
  assert.equal(none.code, 2);
  const unknown = await run(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const badFlag = await run(['logs', '--bogus']);
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /unknown option --bogus[\s\S]*smartflow logs --help/);
  const badPort = await run(['gateway', '--port', 'abc']);
  assert.equal(badPort.code, 2);
});

test('direct mode: chat streams through the embedded gateway; status lists providers', async () => {
  const r = await run(['chat', 'Hello, which mode am I using?']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Echo: Hello, which mode am I using?\n');
  assert.ok(sim.requests.some((q) => q.path.endsWith('/chat/completions') && (q.body as { stream?: boolean }).stream === true));
  const piped = await run(['chat', '-', '--no-stream', '--model', 'claude-sonnet-4-6'], { input: 'from stdin' });
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.stdout, 'Echo: from stdin\n');
  assert.match(piped.stderr, /anthropic/);
  const st = await run(['status']);
  assert.equal(st.code, 0, st.stdout + st.stderr);
  assert.match(st.stdout, /Mode: +direct mode \(embedded gateway, chosen by default/);
  assert.match(st.stdout, /✓ provider openai: reachable/);
  assert.match(st.stdout, /Cache: +\d+ hits/);
  const logs = await run(['logs', '--json']);
  assert.equal(logs.code, 0, logs.stderr);
  const parsed = JSON.parse(logs.stdout) as Array<{ provider: string }>;
  assert.ok(parsed.length >= 2 && parsed.some((l) => l.provider === 'anthropic'));
});

test('scan: exit 0 clean, 3 with findings (line:col), 1 for a missing file; stdin with -', async () => {
  writeFileSync(join(dir, 'clean.txt'), 'Nothing to see here.\n');
  writeFileSync(join(dir, 'leaky.txt'), 'line one\ncontact: jane.roe@example.com\ncard 4111 1111 1111 1111\n');
  const clean = await run(['scan', 'clean.txt']);
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.stdout, /no PII or secrets found/);
  const leaky = await run(['scan', 'leaky.txt']);
  assert.equal(leaky.code, 3, leaky.stderr);
  assert.match(leaky.stdout, /leaky\.txt:2:10 +EMAIL/);
  assert.match(leaky.stdout, /leaky\.txt:3:6 +CREDIT_CARD/);
  assert.ok(!leaky.stdout.includes('4111 1111 1111 1111'), 'raw values are not printed');
  const red = await run(['scan', '--redact', 'leaky.txt']);
  assert.equal(red.code, 3);
  assert.ok(!red.stdout.includes('4111 1111 1111 1111') && red.stdout.startsWith('line one\n'));
  const stdin = await run(['scan', '-', '--json'], { input: 'my card is 4111111111111111' });
  assert.equal(stdin.code, 3);
  assert.equal(JSON.parse(stdin.stdout).file, '<stdin>');
  const missing = await run(['scan', 'nope.txt']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read nope\.txt: no such file/);
  assert.equal((await run(['scan'])).code, 2);
});

describe('gateway mode against `smartflow gateway`', () => {
  let gw: ChildProcess;
  let url = '';
  let token = '';
  let gwData = '';
  let banner = '';

  before(async () => {
    gwData = join(dir, 'gw-data');
    gw = spawn(process.execPath, [BIN, 'gateway', '--port', '0', '--data-dir', gwData, '--virtual-key', 'sk-sf-cli-test'], { cwd: dir, env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    banner = await waitOutput(gw, /Press Ctrl\+C to stop/);
    url = /OpenAI-compatible API +(\S+)\/v1/.exec(banner)![1];
    const tokenFile = /Bearer token file +(\S+)/.exec(banner)![1];
    token = readFileSync(tokenFile, 'utf8').trim();
    const ports = { compliance: new URL(/Compliance API +(\S+)/.exec(banner)![1]).port, management: new URL(/Management API +(\S+)/.exec(banner)![1]).port };
    // Point clients at this gateway through the config file (its side ports are ephemeral here).
    writeFileSync(join(dir, 'gw-config.yaml'), `mode: gateway\ngateway_url: ${url}\ncompliance_port: ${ports.compliance}\nmanagement_port: ${ports.management}\n`, { mode: 0o600 });
  });

  after(async () => {
    if (gw.exitCode === null) {
      gw.kill('SIGKILL');
      await new Promise((r) => gw.once('close', r));
    }
  });

  const gwEnv = () => ({ SMARTFLOW_CONFIG: join(dir, 'gw-config.yaml'), SMARTFLOW_API_KEY: 'sk-sf-cli-test' });

  test('the banner says where it listens, where the token is and the storage engine — never the token', async () => {
    assert.match(banner, /OpenAI-compatible API +http:\/\/127\.0\.0\.1:\d+\/v1/);
    assert.match(banner, /Audit log +SQLite \((better-sqlite3|node:sqlite)\)/);
    assert.equal(statSync(join(gwData, 'token')).mode & 0o777, 0o600);
    assert.ok(!banner.includes(token), 'token not printed');
  });

  test('chat, status, logs through the gateway (config file + SMARTFLOW_API_KEY)', async () => {
    const c = await run(['chat', 'hello gateway'], { env: gwEnv() });
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout, 'Echo: hello gateway\n');
    const st = await run(['status'], { env: gwEnv() });
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, new RegExp(`gateway mode \\(${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, chosen by config.yaml\\)`));
    assert.match(st.stdout, /✓ gateway .*: ok/);
    assert.match(st.stdout, /✓ provider openai: healthy/);
    // logs: the record shows up (audit writes are asynchronous, so allow a moment)
    let out = '';
    for (let i = 0; i < 20 && !out.includes('openai/'); i++) out = (await run(['logs', '--provider', 'openai'], { env: gwEnv() })).stdout;
    assert.match(out, /^TIME \(UTC\) +PROVIDER\/MODEL/);
    assert.match(out, /openai\/gpt-4o/);
    // --gateway-url wins over the config file; the wrong key is an authentication error
    const bad = await run(['chat', 'x', '--gateway-url', url], { env: { SMARTFLOW_API_KEY: 'wrong' } });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Check the API key/);
    // the gateway's own bearer token works too
    const tok = await run(['chat', 'with the token', '--gateway-url', url], { env: { SMARTFLOW_API_KEY: token } });
    assert.equal(tok.stdout, 'Echo: with the token\n');
  });

  test('status against a gateway that is not running exits 1 with guidance', async () => {
    const st = await run(['status', '--gateway-url', 'http://127.0.0.1:9', '--timeout', '3']);
    assert.equal(st.code, 1);
    assert.match(st.stdout, /✗ gateway http:\/\/127\.0\.0\.1:9: .*cannot connect/);
  });

  test('SIGTERM closes the gateway cleanly (exit 0)', async () => {
    const closed = new Promise<number | null>((r) => gw.once('close', (code) => r(code)));
    let err = '';
    gw.stderr!.on('data', (c) => (err += c));
    gw.kill('SIGTERM');
    assert.equal(await closed, 0);
    assert.match(err, /Gateway stopped/);
  });
});

test('gateway --show-token prints the token; a busy port is a clear error', async () => {
  const data = join(dir, 'show-data');
  const p = spawn(process.execPath, [BIN, 'gateway', '--port', '0', '--data-dir', data, '--show-token', '--compliance-port', 'off', '--management-port', 'off'], { env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = await waitOutput(p, /Press Ctrl\+C/);
  const token = readFileSync(join(data, 'token'), 'utf8').trim();
  assert.match(out, new RegExp(`Bearer token +${token}`));
  assert.ok(!/Compliance API/.test(out));
  const port = new URL(/OpenAI-compatible API +(\S+)\/v1/.exec(out)![1]).port;
  const busy = await run(['gateway', '--port', port, '--data-dir', join(dir, 'busy'), '--compliance-port', 'off', '--management-port', 'off']);
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, /already in use/);
  const closed = new Promise((r) => p.once('close', r));
  p.kill('SIGINT');
  assert.equal(await closed, 0);
});

test('configure with flags: writes 0600, warns about keys, keeps other keys; --show masks', async () => {
  const cfg = join(dir, 'flags-config.yaml');
  writeFileSync(cfg, '# mine\ncustom_setting: 42\n');
  const env = { SMARTFLOW_CONFIG: cfg };
  const r = await run(['configure', '--mode', 'direct', '--provider-key', 'openai=sk-flag-1234567890', '--provider-url', 'ollama=http://localhost:11434', '--default-model', 'gpt-4o-mini'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /0600/);
  assert.equal(statSync(cfg).mode & 0o777, 0o600);
  const text = readFileSync(cfg, 'utf8');
  assert.match(text, /# mine/);
  assert.match(text, /custom_setting: 42/);
  assert.match(text, /api_key: sk-flag-1234567890/);
  const show = await run(['configure', '--show'], { env });
  assert.equal(show.code, 0);
  assert.ok(!show.stdout.includes('sk-flag-1234567890'), 'key masked');
  assert.match(show.stdout, /providers\.openai: api_key sk-f…90/);
  const usage = await run(['configure', '--mode', 'gateway'], { env });
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--mode gateway needs --gateway-url/);
  const noTty = await run(['configure'], { env });
  assert.equal(noTty.code, 2);
  assert.match(noTty.stderr, /no terminal for the wizard/);
});

test('configure wizard in a pseudo-terminal (keys are not echoed)', async () => {
  const cfg = join(dir, 'wizard-config.yaml');
  const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} configure`;
  const p = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...baseEnv, SMARTFLOW_CONFIG: cfg, OPENAI_API_KEY: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (c) => (out += c));
  const answer = async (prompt: RegExp, text: string) => {
    const t = Date.now();
    while (!prompt.test(out)) {
      if (Date.now() - t > 20_000) throw new Error(`wizard never asked ${prompt}; output so far:\n${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    out = out.replace(prompt, '<answered>');
    p.stdin.write(text + '\r');
  };
  const closed = new Promise<number | null>((r) => p.once('close', r));
  await answer(/call providers directly\? \(gateway\/direct\) \[direct\]: /, 'sideways');
  await answer(/call providers directly\? \(gateway\/direct\) \[direct\]: /, 'direct');
  await answer(/OpenAI API key: /, 'sk-wizard-secret-987654');
  await answer(/Anthropic API key[^:]*: /, '');
  await answer(/Google Gemini API key[^:]*: /, '');
  await answer(/Default model \[gpt-4o\]: /, 'gpt-4o-mini');
  await answer(/compliance, cache and audit settings now\? \(y\/n\) \[n\]: /, '');
  p.stdin.end();
  assert.equal(await closed, 0, out);
  assert.match(out, /Please answer "gateway" or "direct"/);
  assert.ok(!out.includes('sk-wizard-secret-987654'), 'the key was not echoed');
  assert.match(out, /Saved /);
  const text = readFileSync(cfg, 'utf8');
  assert.match(text, /mode: direct/);
  assert.match(text, /api_key: sk-wizard-secret-987654/);
  assert.match(text, /default_model: gpt-4o-mini/);
  assert.ok(!/anthropic/.test(text), 'skipped providers are not written');
  assert.ok(!/gateway:/.test(text), 'no gateway settings unless asked for');
  assert.equal(statSync(cfg).mode & 0o777, 0o600);
});

test('configure wizard: the gateway settings questions (validated, re-asked)', async () => {
  const cfg = join(dir, 'wizard-gw.yaml');
  writeFileSync(cfg, 'gateway:\n  audit:\n    retention_days: 45\n');
  const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} configure`;
  const p = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...baseEnv, SMARTFLOW_CONFIG: cfg, OPENAI_API_KEY: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (c) => (out += c));
  const answer = async (prompt: RegExp, text: string) => {
    const t = Date.now();
    while (!prompt.test(out)) {
      if (Date.now() - t > 20_000) throw new Error(`wizard never asked ${prompt}; output so far:\n${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    out = out.replace(prompt, '<answered>');
    p.stdin.write(text + '\r');
  };
  const closed = new Promise<number | null>((r) => p.once('close', r));
  await answer(/\(gateway\/direct\) \[direct\]: /, 'direct');
  await answer(/OpenAI API key[^:]*: /, '');
  await answer(/Anthropic API key[^:]*: /, '');
  await answer(/Google Gemini API key[^:]*: /, '');
  await answer(/Default model \[gpt-4o\]: /, '');
  await answer(/settings now\? \(y\/n\) \[n\]: /, 'y');
  await answer(/Compliance policy \([^)]*hipaa[^)]*\) \[enterprise_standard\]: /, 'hipa');
  await answer(/Compliance policy \([^)]*\) \[enterprise_standard\]: /, 'hipaa');
  await answer(/Reversible redaction[^\[]*\[n\]: /, 'y');
  await answer(/Response cache[^\[]*\[on\]: /, 'exact');
  await answer(/keep of prompts\? \(none\/redacted\/full\) \[redacted\]: /, 'none');
  await answer(/how many days\? \(0 = forever\) \[45\]: /, '');
  p.stdin.end();
  assert.equal(await closed, 0, out);
  assert.match(out, /Please answer one of: enterprise_standard, /);
  const r = readConfigFile(cfg);
  assert.deepEqual(r.gateway?.errors, []);
  assert.deepEqual(r.gateway?.settings.config, {
    compliance: { policy: 'hipaa', reversible: true },
    cache: { enabled: true, semantic: false },
    audit: { storePrompts: 'none', retentionDays: 45 },
  });
});

test('provider key and base URL from the config file (no provider env vars)', async () => {
  const cfg = join(dir, 'providers.yaml');
  const set = await run(['configure', '--mode', 'direct', '--provider-key', 'openai=sk-from-file-123456', '--provider-url', `openai=${sim.baseUrlFor('openai')}`], { env: { SMARTFLOW_CONFIG: cfg } });
  assert.equal(set.code, 0, set.stderr);
  const env: NodeJS.ProcessEnv = { SMARTFLOW_CONFIG: cfg, SMARTFLOW_DATA_DIR: join(dir, 'file-keys') };
  for (const k of Object.keys(sim.env())) env[k] = ''; // drop every provider variable
  const r = await run(['chat', 'keys from the file'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Echo: keys from the file\n');
  const req = sim.requests.filter((q) => q.path.endsWith('/chat/completions')).at(-1)!;
  assert.match(JSON.stringify(req.body), /keys from the file/);
  assert.equal(req.apiKey, 'sk-from-file-123456', 'the key from the file was used');
});

test('a malformed config file: commands warn with the line and still run', async () => {
  const cfg = join(dir, 'broken.yaml');
  writeFileSync(cfg, 'mode: direct\ndefault_model: [unclosed\n');
  const r = await run(['chat', 'still works'], { env: { SMARTFLOW_CONFIG: cfg } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Echo: still works\n');
  assert.match(r.stderr, /warning: .*broken\.yaml:\d+(:\d+)?: not valid YAML/);
});
