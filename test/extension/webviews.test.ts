// The real chat, scan and status webview bundles (src/webview/chat/main.ts, bundled with esbuild as for the extension) run
// in jsdom against a fake host: the ready handshake, Enter vs Shift+Enter, streamed deltas rendered as
// sanitised markdown (payloads never execute), code-block actions and the reply footer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';

// The slice of the DOM the test touches (the root tsconfig has no DOM lib; jsdom has no types here).
interface El {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  value: string;
  disabled: boolean;
  options: { length: number };
  attributes: ArrayLike<{ name: string; value: string }>;
  getAttribute(name: string): string | null;
  querySelector(sel: string): El | null;
  click(): void;
  dispatchEvent(e: unknown): boolean;
}
interface Win {
  document: { body: El; querySelector(sel: string): El | null; querySelectorAll(sel: string): ArrayLike<El> };
  eval(code: string): unknown;
  acquireVsCodeApi?: () => unknown;
  MessageEvent: new (type: string, init: { data: unknown }) => unknown;
  KeyboardEvent: new (type: string, init: Record<string, unknown>) => unknown;
  pwned?: unknown;
  close(): void;
  dispatchEvent(e: unknown): boolean;
}
const { JSDOM } = require('jsdom') as { JSDOM: new (html: string, opts?: Record<string, unknown>) => { window: Win } };

async function bundle(view = 'chat'): Promise<string> {
  const r = await build({ entryPoints: [`src/webview/${view}/main.ts`], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022', logLevel: 'silent' });
  return r.outputFiles[0].text;
}

function boot(code: string, view = 'chat') {
  const dom = new JSDOM(`<!DOCTYPE html><body data-view="${view}" data-ready="false"><div id="app"></div></body>`, { runScripts: 'dangerously', pretendToBeVisual: true });
  const w = dom.window;
  const posted: Array<Record<string, unknown>> = [];
  w.acquireVsCodeApi = () => ({ postMessage: (m: Record<string, unknown>) => posted.push(JSON.parse(JSON.stringify(m))), getState: () => undefined, setState: () => undefined });
  w.eval(code);
  const send = (data: unknown) => w.dispatchEvent(new w.MessageEvent('message', { data }));
  const $ = (sel: string) => w.document.querySelector(sel);
  const $$ = (sel: string) => Array.from(w.document.querySelectorAll(sel));
  return { w, posted, send, $, $$ };
}

const frame = () => new Promise((r) => setTimeout(r, 40));

test('chat webview: handshake, keyboard, streaming, sanitising, code actions, footer', async () => {
  const { w, posted, send, $, $$ } = boot(await bundle());
  assert.deepEqual(posted[0], { type: 'ready' }, 'ready is the first message');
  assert.equal(w.document.body.dataset.ready, 'false');
  send({ type: 'chat/state', turns: [], models: [{ id: 'gpt-4o-mini' }, { id: 'claude-x', provider: 'anthropic' }], selectedModel: 'gpt-4o-mini', busy: false, modelsError: null });
  assert.equal(w.document.body.dataset.ready, 'true');
  const select = $('[data-testid="chat-model-select"]')!;
  assert.equal(select.options.length, 2);
  assert.equal(select.getAttribute('aria-label'), 'Model');

  const input = $('[data-testid="chat-input"]')!;
  input.value = 'line one';
  input.dispatchEvent(new w.KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true }));
  assert.equal(posted.filter((m) => m.type === 'chat/send').length, 0, 'Shift+Enter does not send');
  input.dispatchEvent(new w.KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  const sent = posted.filter((m) => m.type === 'chat/send');
  assert.equal(sent.length, 1, 'Enter sends');
  assert.equal(sent[0].text, 'line one');
  assert.equal(sent[0].model, 'gpt-4o-mini');
  assert.equal(input.value, '', 'the input is cleared');

  send({ type: 'chat/turn', turn: { id: 'u1', role: 'user', text: '<b>user html stays text</b>' } });
  send({ type: 'chat/turn', turn: { id: 'a1', role: 'assistant', text: '', pending: true, model: 'gpt-4o-mini' } });
  send({ type: 'chat/busy', busy: true });
  assert.equal($('[data-testid="chat-stop"]')!.disabled, false);
  assert.equal($('[data-testid="chat-send"]')!.disabled, true);
  const deltas = ['Here ', 'is <img src=x onerror="window.pwned=1"> ', '[x](javascript:window.pwned=2)\n\n', '```ts\nconst a = "<script>window.pwned=3</script>";\n```\n', '<script>window.pwned=4</script>'];
  for (const d of deltas) {
    send({ type: 'chat/delta', turnId: 'a1', text: d });
    await frame();
  }
  const reply = $('[data-turn-id="a1"]')!;
  assert.equal(reply.dataset.state, 'pending');
  assert.equal($$('[data-testid="code-copy"]')!.length, 0, 'code actions only once the reply is complete');
  send({
    type: 'chat/done',
    turnId: 'a1',
    stopped: false,
    meta: { requestId: 'req-1', provider: 'openai', model: 'gpt-4o-mini', promptTokens: 5, completionTokens: 7, totalTokens: 12, costUsd: 0.0001, latencyMs: 321, cached: true, cacheHitType: 'semantic', redactedByType: { EMAIL: 2, PHONE: 1 } },
  });
  send({ type: 'chat/busy', busy: false });
  await frame();
  assert.equal(reply.dataset.state, 'done');
  assert.equal(w.document.querySelectorAll('script').length, 0, 'no script element reached the DOM (the bundle runs via eval)');
  for (const el of Array.from(w.document.querySelectorAll('[data-turn-id] *'))) {
    for (const a of Array.from(el.attributes)) {
      assert.ok(!/^on/i.test(a.name), `kept ${a.name}`);
      assert.ok(!/javascript:/i.test(a.value), `kept ${a.name}=${a.value}`);
    }
  }
  assert.match($('[data-turn-id="u1"]')!.textContent ?? '', /<b>user html stays text<\/b>/);
  const meta = reply.querySelector('[data-testid="chat-reply-meta"]')!;
  assert.equal(meta.dataset.provider, 'openai');
  assert.equal(meta.dataset.cached, 'semantic');
  assert.equal(meta.dataset.redacted, '3');
  assert.match(meta.textContent ?? '', /12 tokens.*321 ms.*cache hit: semantic.*EMAIL ×2, PHONE ×1/);
  $('[data-testid="code-copy"]')!.click();
  $('[data-testid="code-open"]')!.click();
  const copy = posted.find((m) => m.type === 'code/copy');
  assert.equal(copy?.code, 'const a = "<script>window.pwned=3</script>";\n', 'the code is passed as text');
  assert.equal(posted.find((m) => m.type === 'code/open')?.language, 'ts');

  // A blocked prompt shows why and what to do.
  send({ type: 'chat/turn', turn: { id: 'a2', role: 'assistant', text: '', pending: true } });
  send({ type: 'chat/error', turnId: 'a2', error: { code: 'compliance_blocked', message: 'Blocked: CREDIT_CARD', hint: 'Remove the card number.' } });
  const err = $('[data-turn-id="a2"] [data-testid="chat-error"]')!;
  assert.equal(err.dataset.code, 'compliance_blocked');
  assert.equal(err.getAttribute('role'), 'alert');
  assert.match(err.textContent ?? '', /CREDIT_CARD.*Remove the card number/);

  // Attached selection travels with the next prompt; New chat asks the host.
  send({ type: 'chat/context', context: { file: 'src/a.ts', startLine: 2, endLine: 4, languageId: 'typescript', text: 'x' } });
  assert.equal($$('[data-testid="chat-context-chip"]')!.length, 1);
  $('[data-testid="chat-send"]')!.click();
  const withCtx = posted.filter((m) => m.type === 'chat/send').pop()!;
  assert.deepEqual((withCtx.contexts as unknown[]).length, 1);
  $('[data-testid="chat-new"]')!.click();
  assert.equal(posted[posted.length - 1].type, 'chat/new');

  await new Promise((r) => setTimeout(r, 50));
  assert.equal(w.pwned, undefined, 'no payload executed');
  w.close();
});

test('scan webview: summary, findings and actions post typed messages', async () => {
  const { w, posted, send, $, $$ } = boot(await bundle('scan'), 'scan');
  assert.deepEqual(posted[0], { type: 'ready' });
  const finding = (index: number, type: string, line: number) => ({ index, type, start: 0, end: 4, line, column: 1, confidence: 0.9, recognizer: type.toLowerCase(), masked: '<b>m</b>', falsePositive: false });
  send({
    type: 'scan/result',
    scan: { file: 'pii.txt', scope: 'whole file', scanId: 's1', hasViolations: true, riskScore: 0.72, riskLevel: 'high', recommendedAction: 'Review', explanation: 'Found 2', findings: [finding(0, 'EMAIL', 3), finding(1, 'SSN', 5)], processingTimeUs: 1234, mode: 'direct' },
  });
  assert.equal(w.document.body.dataset.ready, 'true');
  assert.equal($('[data-testid="scan-summary"]')!.dataset.hasViolations, 'true');
  assert.equal($('[data-testid="scan-risk-score"]')!.textContent, '0.72');
  assert.equal($('[data-testid="scan-risk-level"]')!.dataset.level, 'high');
  assert.equal($('[data-testid="scan-action"]')!.textContent, 'Review');
  const rows = $$('[data-testid="scan-finding"]')!;
  assert.deepEqual(rows.map((r) => r.dataset.type), ['EMAIL', 'SSN']);
  assert.equal(w.document.querySelectorAll('[data-testid="scan-findings"] b').length, 0, 'masked values are text');
  (rows[1].querySelector('[data-testid="scan-finding-jump"]')!).click();
  assert.deepEqual(posted[posted.length - 1], { type: 'scan/jump', index: 1 });
  assert.equal(rows[1].querySelector('[data-testid="scan-finding-jump"]')!.getAttribute('aria-label'), 'Go to SSN finding at line 5');
  (rows[0].querySelector('[data-testid="scan-finding-false-positive"]')!).click();
  const fp = posted[posted.length - 1];
  assert.equal(fp.type, 'scan/falsePositive');
  assert.equal(fp.index, 0);
  send({ type: 'scan/finding', index: 0, falsePositive: true });
  assert.equal($$('[data-testid="scan-finding"]')![0].dataset.falsePositive, 'true');
  $('[data-testid="scan-redact"]')!.click();
  assert.deepEqual(posted[posted.length - 1], { type: 'scan/redact' });
  send({ type: 'scan/notice', message: 'Redacted 1 finding(s).' });
  assert.match($('[data-testid="scan-notice"]')!.textContent ?? '', /Redacted 1/);
  send({ type: 'scan/result', scan: { file: 'a', scope: 'line 1', scanId: null, hasViolations: false, riskScore: 0, riskLevel: 'low', recommendedAction: 'Allow', explanation: 'none', findings: [], processingTimeUs: null, mode: 'gateway' } });
  assert.ok($('[data-testid="scan-empty"]')!);
  assert.equal($('[data-testid="scan-redact"]')!.disabled, true);
  w.close();
});

test('status webview: storage engine or "logs are not being kept", endpoint and providers', async () => {
  const { w, posted, send, $, $$ } = boot(await bundle('settings'), 'settings');
  assert.deepEqual(posted[0], { type: 'ready' });
  const status = {
    mode: 'direct', state: 'ready', stateDetail: null, gatewayUrl: null, storage: { engine: null, error: 'no SQLite engine could be loaded' },
    localEndpoint: 'http://127.0.0.1:7775', localEndpointError: null,
    providers: [{ id: 'openai', displayName: 'OpenAI', configured: true, health: 'healthy', latencyMs: 12, successRate: 1, requests: 3 }],
    cache: { enabled: true, hitRate: 0.25, hits: 1, misses: 3, entries: 4 }, activationMs: 2.5,
    settings: { defaultModel: 'gpt-4o-mini', policy: 'hipaa', storePrompts: 'redacted', retentionDays: 90 },
  };
  send({ type: 'status/state', status });
  assert.equal(w.document.body.dataset.ready, 'true');
  assert.match($('[data-testid="status-storage"]')!.textContent ?? '', /logs are not being kept \(no SQLite engine could be loaded\)/);
  assert.equal($('[data-testid="status-endpoint"]')!.textContent, 'http://127.0.0.1:7775');
  assert.equal($$('[data-testid="status-provider"]')![0].dataset.health, 'healthy');
  assert.match($('[data-testid="status-cache"]')!.textContent ?? '', /25\.0% hit rate/);
  send({ type: 'status/state', status: { ...status, storage: { engine: 'better-sqlite3', error: null } } });
  assert.equal($('[data-testid="status-storage"]')!.dataset.engine, 'better-sqlite3');
  $('[data-testid="status-restart"]')!.click();
  assert.deepEqual(posted[posted.length - 1], { type: 'status/restart' });
  w.close();
});
