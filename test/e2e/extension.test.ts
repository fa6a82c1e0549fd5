// End-to-end scenarios in a real VS Code (code-server) driven by chromium, against the provider simulator
// (and, at the end, a standalone Smartflow gateway). One code-server instance serves the whole file; the
// steps run in order and build on each other (configure → chat → stop → logs → scan → remote mode), as a
// user would. Selectors are the ids of docs/extension-ui.md. Screenshots: test-results/e2e/flow-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import {
  EXPECTED_STORAGE_ENGINE,
  e2eUnavailableReason,
  poll,
  startGatewayProcess,
  startSimulatorProcess,
  startVsCode,
  type GatewayProcess,
  type SimRequestRecord,
  type SimulatorProcess,
  type VsCode,
} from './harness.js';

const skip = process.env.CI ? false : (e2eUnavailableReason() ?? false);

const OPENAI_KEY = 'sk-e2e-wizard-0123456789';
const VIRTUAL_KEY = 'sk-sf-e2e-virtual-key';
const PII_FILE = [
  'Customer record',
  'Name: Jane Roe',
  'Email: jane.roe@example.com',
  'Phone: +1 415-555-0132',
  'SSN: 536-84-2917',
  '',
].join('\n');

const chatCalls = (reqs: SimRequestRecord[]) => reqs.filter((r) => r.method === 'POST' && r.path.endsWith('/chat/completions'));
const lastUserText = (r: SimRequestRecord): string => {
  const msgs = (r.body as { messages?: Array<{ role: string; content: unknown }> }).messages ?? [];
  const u = [...msgs].reverse().find((m) => m.role === 'user');
  return typeof u?.content === 'string' ? u.content : JSON.stringify(u?.content ?? '');
};

/** Records every distinct text length of each assistant turn as it renders (to prove streaming). */
const OBSERVE_STREAM = `(() => {
  const w = window;
  if (w.__sfStream) return;
  w.__sfStream = {};
  const t = document.querySelector('[data-testid="chat-transcript"]');
  new MutationObserver(() => {
    for (const turn of t.querySelectorAll('[data-testid="chat-turn"][data-role="assistant"]')) {
      const id = turn.getAttribute('data-turn-id');
      const len = (turn.querySelector('[data-testid="chat-turn-body"]')?.textContent || '').length;
      const seen = (w.__sfStream[id] ||= []);
      if (seen[seen.length - 1] !== len) seen.push(len);
    }
  }).observe(t, { subtree: true, childList: true, characterData: true });
})()`;

/** Waits until the locator's count satisfies `ok`; the error lists what was there instead. */
async function waitForCount(loc: Locator, ok: (n: number) => boolean, what: string, timeoutMs = 30_000): Promise<number> {
  try {
    return await poll(async () => {
      const n = await loc.count();
      return ok(n) ? n : undefined;
    }, timeoutMs, what);
  } catch (e) {
    const seen = await loc.allInnerTexts().catch(() => []);
    throw new Error(`${(e as Error).message}; found ${seen.length}:\n  ${seen.join('\n  ')}`);
  }
}

/** Clicks Export (CSV or JSON Lines), accepts the save dialog's suggested file and returns its content. */
async function exportLogs(vsc: VsCode, logs: Frame, format: 'csv' | 'jsonl'): Promise<string> {
  await logs.locator(`[data-testid="logs-export-${format}"]`).click();
  const q = vsc.quickInput();
  await q.input.waitFor();
  // The dialog fills in the folder first and the suggested name a moment later.
  const re = new RegExp(`smartflow-logs-\\d{4}-\\d{2}-\\d{2}\\.${format}$`);
  const suggested = await poll(async () => {
    const v = await q.input.inputValue();
    return re.test(v) ? v : undefined;
  }, 15_000, `the save dialog to suggest smartflow-logs-<date>.${format}`).catch(async (e) => {
    await vsc.page.keyboard.press('Escape');
    throw e;
  });
  await q.input.press('Enter');
  const file = join(vsc.dirs.workspace, suggested.split('/').pop()!);
  // Complete when the panel says "Done." (the file is written as a stream; clicking Export replaced any
  // earlier "Done." with "Exporting …").
  await logs.locator('[data-testid="logs-status"]', { hasText: /^Done/ }).first().waitFor({ timeout: 30_000 });
  return poll(async () => {
    try {
      const text = readFileSync(file, 'utf8');
      return text.trim() ? text : undefined;
    } catch {
      return undefined;
    }
  }, 30_000, `the ${format} export at ${file}`);
}

async function lastAssistant(chat: Frame) {
  return chat.locator('[data-testid="chat-turn"][data-role="assistant"]').last();
}

async function send(chat: Frame, text: string): Promise<void> {
  const input = chat.locator('[data-testid="chat-input"]');
  await input.fill(text);
  await input.press('Enter');
}

/** Sends `text` and waits for the reply to finish in `state`; returns the turn's id and text. */
async function chatRoundTrip(vsc: VsCode, text: string, state = 'done'): Promise<{ id: string; text: string }> {
  const chat = await vsc.webview('chat');
  const before = await chat.locator('[data-testid="chat-turn"][data-role="assistant"]').count();
  await send(chat, text);
  const turns = chat.locator('[data-testid="chat-turn"][data-role="assistant"]');
  await poll(async () => ((await turns.count()) > before ? true : undefined), 30_000, 'the assistant turn to appear');
  const turn = turns.nth(before);
  await poll(
    async () => {
      const s = await turn.getAttribute('data-state');
      if (s === 'error' && state !== 'error') throw new Error(`chat failed: ${await turn.innerText()}`);
      return s === state ? true : undefined;
    },
    60_000,
    `the reply to reach data-state="${state}"`,
  );
  return { id: (await turn.getAttribute('data-turn-id')) ?? '', text: await turn.locator('[data-testid="chat-turn-body"]').innerText() };
}

describe('Smartflow in VS Code (code-server + chromium)', { skip, timeout: 600_000 }, () => {
  let sim: SimulatorProcess;
  let vsc: VsCode;
  let gateway: GatewayProcess | undefined;
  let gatewayDir: string | undefined;
  const prompts: string[] = [];

  before(async () => {
    // Every streamed word is its own chunk, 60 ms apart: slow enough to see the text grow.
    sim = await startSimulatorProcess({ chunkDelayMs: 60 });
    // No provider key in the environment: the configure wizard supplies it (SecretStorage).
    vsc = await startVsCode({
      name: 'flow',
      settings: { 'smartflow.providers.baseUrls': { openai: sim.openaiBaseUrl }, 'smartflow.defaultModel': 'gpt-4o-mini' },
      files: { 'pii.txt': PII_FILE, 'notes.md': '# Notes\n' },
    });
  });

  after(async () => {
    await vsc?.close();
    await gateway?.close();
    await sim?.close();
    if (gatewayDir) rmSync(gatewayDir, { recursive: true, force: true });
  });

  test('the configure wizard stores an OpenAI key and tests it against the provider', async () => {
    await vsc.step('configure', async () => {
      await vsc.runCommand('Smartflow: Configure');
      const q = vsc.quickInput();
      await q.row('Direct (embedded gateway)').click();
      // Multi-select of providers: tick OpenAI only, then OK.
      const openai = q.rows.filter({ hasText: /^\s*OpenAI/ }).first();
      await openai.waitFor();
      await vsc.screenshot('configure-providers');
      await openai.locator('.monaco-checkbox, .quick-input-list-checkbox, input[type=checkbox]').first().click();
      await q.input.press('Enter');
      // InputBox "API key for OpenAI" (password).
      await vsc.page.locator('.quick-input-widget').filter({ hasText: /API key for OpenAI/ }).waitFor();
      await q.input.fill(OPENAI_KEY);
      await q.input.press('Enter');
      // Step 3: "Also write ~/.smartflow/config.yaml?" → No.
      await vsc.page.locator('.quick-input-widget').filter({ hasText: /config\.yaml/ }).waitFor({ timeout: 90_000 });
      await q.row(/^\s*No/).click();
      const note = await vsc.waitForNotification(/Smartflow configured/, 60_000);
      await vsc.screenshot('configured');
      assert.match(note, /OpenAI: ok/, `the key was tested with a real list-models call: ${note}`);
    });
    // The simulator saw an authenticated models call (the wizard's test) — the key reached the provider.
    const reqs = await sim.waitForRequests((r) => r.some((x) => x.path.endsWith('/models') && x.hadAuth), 10_000, 'an authenticated /models call');
    assert.ok(reqs.length > 0);
    // Only in SecretStorage: never written into settings.
    const settings = readFileSync(join(vsc.dirs.userData, 'User', 'settings.json'), 'utf8');
    assert.ok(!settings.includes(OPENAI_KEY), 'the API key is not in settings.json');
  });

  test('a chat reply streams in incrementally from the provider', async () => {
    // A reply long enough to outlast any output-side buffering (e.g. PII look-ahead), 40 ms per word.
    const reply = Array.from({ length: 40 }, (_, i) => `alpha${i}`).join(' ');
    await sim.script({ match: '/chat/completions', reply, chunkDelayMs: 40 });
    await vsc.step('chat-stream', async () => {
      await vsc.openSmartflowSidebar();
      const chat = await vsc.webview('chat');
      await chat.evaluate(OBSERVE_STREAM);
      const prompt = 'Please stream an e2e alpha reply back word by word';
      prompts.push(prompt);
      const { id, text } = await chatRoundTrip(vsc, prompt);
      await vsc.screenshot('chat-streamed');
      assert.equal(text.trim(), reply, 'the whole simulator reply is rendered');
      const lengths = (await chat.evaluate(`window.__sfStream[${JSON.stringify(id)}] || []`)) as number[];
      const partial = lengths.filter((n) => n > 0 && n < text.trim().length);
      assert.ok(partial.length >= 3, `text grew in several steps before completing (lengths seen: ${lengths.join(', ')})`);
      const meta = (await lastAssistant(chat)).locator('[data-testid="chat-reply-meta"]');
      assert.equal(await meta.getAttribute('data-provider'), 'openai');
      assert.match((await meta.getAttribute('data-model')) ?? '', /gpt-4o-mini/);
      assert.ok(Number(await meta.getAttribute('data-tokens')) > 0, 'token usage shown');
    });
    const calls = chatCalls(await sim.requests());
    const call = calls.find((r) => lastUserText(r).includes('e2e alpha'));
    assert.ok(call, 'the simulator received the chat request');
    assert.equal((call.body as { stream?: boolean }).stream, true, 'the request was streamed');
    assert.ok(call.hadAuth, 'with the key from the wizard');
    assert.ok(call.completed, 'and the stream ran to its end');
  });

  test('Stop aborts the reply and closes the upstream connection', async () => {
    const words = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
    await sim.script({ match: '/chat/completions', reply: words, chunkDelayMs: 200 });
    await vsc.step('chat-stop', async () => {
      const chat = await vsc.webview('chat');
      const prompt = 'Tell me a very long e2e bravo story';
      prompts.push(prompt);
      const before = await chat.locator('[data-testid="chat-turn"][data-role="assistant"]').count();
      await send(chat, prompt);
      const turn = chat.locator('[data-testid="chat-turn"][data-role="assistant"]').nth(before);
      await turn.locator('[data-testid="chat-turn-body"]', { hasText: 'word2' }).waitFor({ timeout: 30_000 });
      await chat.locator('[data-testid="chat-stop"]').click();
      await poll(async () => ((await turn.getAttribute('data-state')) === 'stopped' ? true : undefined), 30_000, 'the turn to show "stopped"');
      await vsc.screenshot('chat-stopped');
      const shown = await turn.locator('[data-testid="chat-turn-body"]').innerText();
      assert.ok(!shown.includes('word79'), 'the reply was cut short');
      assert.ok(await chat.locator('[data-testid="chat-send"]').isEnabled(), 'the composer is usable again');
    });
    const reqs = await sim.waitForRequests(
      (r) => chatCalls(r).some((x) => lastUserText(x).includes('e2e bravo') && x.closedByClient),
      15_000,
      'the upstream request to be closed by the client',
    );
    const call = chatCalls(reqs).find((x) => lastUserText(x).includes('e2e bravo'))!;
    assert.equal(call.completed, false, 'the simulator never finished writing the stream');
  });

  test('model output with script/HTML payloads is sanitised; code blocks insert at the cursor', async () => {
    const reply = [
      'Payloads: <img src="x" onerror="document.body.dataset.pwned=\'img\'"> and',
      '<script>document.body.dataset.pwned = "script"</script>',
      '[a link](javascript:document.body.dataset.pwned=\'link\') and <iframe src="javascript:alert(1)"></iframe>',
      '',
      '```js',
      'const answer = 42;',
      '```',
      '',
    ].join('\n');
    await sim.script({ match: '/chat/completions', reply, chunkDelayMs: 5 });
    await vsc.step('xss-and-code', async () => {
      // An editor to insert into, with the cursor at the end of its text.
      await vsc.openFile('notes.md');
      await vsc.editorFor('notes.md').locator('.view-lines').click();
      await vsc.page.keyboard.press('Control+End');
      await vsc.openSmartflowSidebar();
      const chat = await vsc.webview('chat');
      // A fresh conversation, so this request carries no earlier prompts (the log search below relies on it).
      await chat.locator('[data-testid="chat-new"]').click();
      await waitForCount(chat.locator('[data-testid="chat-turn"]'), (n) => n === 0, 'an empty transcript after New chat');
      await chatRoundTrip(vsc, 'Show me an e2e delta payload and some code');
      const turn = await lastAssistant(chat);
      const body = turn.locator('[data-testid="chat-turn-body"]');
      await vsc.screenshot('chat-sanitised');
      // Raw HTML may be shown as text or dropped, but never become live elements or attributes.
      const html = await body.innerHTML();
      assert.equal(await body.locator('script, iframe, object, embed').count(), 0, `no script/iframe elements: ${html}`);
      assert.equal(await body.locator('[onerror], [onload], [onclick], [onmouseover]').count(), 0, `no inline event handlers: ${html}`);
      assert.equal(await body.locator('[href^="javascript" i], [src^="javascript" i]').count(), 0, `no javascript: URLs: ${html}`);
      assert.equal(await chat.evaluate('document.body.dataset.pwned ?? null'), null, 'no payload ran');
      // The fenced block is rendered as code with its actions.
      assert.match(await body.locator('pre code').first().innerText(), /const answer = 42;/);
      await turn.locator('[data-testid="code-insert"]').first().click();
      await poll(async () => ((await vsc.editorText('notes.md')).includes('const answer = 42;') ? true : undefined), 15_000, 'the code to be inserted into notes.md');
      assert.match(await vsc.editorText('notes.md'), /# Notes/, 'inserted at the cursor, not replacing the file');
    });
  });

  test('the status view shows the mode, gateway state, storage engine, endpoint and providers', async () => {
    await vsc.step('status-view', async () => {
      await vsc.openSmartflowSidebar();
      await vsc.expandPane('Status');
      const st = await vsc.webview('settings');
      await poll(async () => ((await st.locator('[data-testid="status-state"]').getAttribute('data-value')) === 'ready' ? true : undefined), 30_000, 'status ready');
      await vsc.screenshot('status-view');
      assert.equal(await st.locator('[data-testid="status-mode"]').getAttribute('data-value'), 'direct');
      assert.equal(await st.locator('[data-testid="status-storage"]').getAttribute('data-engine'), EXPECTED_STORAGE_ENGINE);
      assert.match(await st.locator('[data-testid="status-endpoint"]').innerText(), /http:\/\/127\.0\.0\.1:\d+/);
      const openai = st.locator('[data-testid="status-provider"][data-provider="openai"]');
      assert.equal(await openai.getAttribute('data-configured'), 'true', 'OpenAI has the key from the wizard');
    });
  });

  test('the audit log tree lists the requests just made', async () => {
    await vsc.step('log-tree', async () => {
      await vsc.openSmartflowSidebar();
      await vsc.expandPane('Audit Log');
      const rows = vsc.treeItems('Audit Log');
      const today = new Date().toISOString().slice(0, 10);
      const requestRows = rows.filter({ hasText: /gpt-4o-mini/ });
      await waitForCount(requestRows, (n) => n >= 2, 'two gpt-4o-mini request rows in the Audit Log tree');
      const labels = await rows.allInnerTexts();
      await vsc.screenshot('log-tree');
      assert.ok(labels.some((l) => l.includes(today) || /\d{4}-\d{2}-\d{2}/.test(l)), `a day node is shown: ${labels.join(' | ')}`);
      // Opening an entry shows its full record as JSON.
      await requestRows.first().click();
      const doc = vsc.page.locator('.tabs-container .tab').filter({ hasText: /\.json/ }).first();
      await doc.waitFor({ timeout: 30_000 });
      await vsc.page.locator('.editor-group-container.active .monaco-editor .view-lines', { hasText: /gpt-4o-mini/ }).first().waitFor();
      await vsc.screenshot('log-record');
    });
  });

  test('the log browser filters the audit records', async () => {
    await vsc.step('log-browser', async () => {
      await vsc.runCommand('Smartflow: Open Log Browser');
      const logs = await vsc.webview('logs');
      const rows = logs.locator('[data-testid="logs-row"]');
      await waitForCount(rows, (n) => n >= 2, 'at least two rows in the log browser');
      const total = Number(await logs.locator('[data-testid="logs-total-requests"]').getAttribute('data-value'));
      assert.ok(total >= 2, `totals count the requests (${total})`);
      await vsc.screenshot('log-browser');
      // Status filter: only the stopped (cancelled) request is an error.
      await logs.locator('[data-testid="logs-filter-status"]').selectOption('error');
      await logs.locator('[data-testid="logs-apply"]').click();
      await waitForCount(rows, (n) => n === 1, 'exactly one row for status=error');
      assert.equal(Number(await logs.locator('[data-testid="logs-total-requests"]').getAttribute('data-value')), 1, 'totals follow the filter');
      await vsc.screenshot('log-browser-filtered');
      // Text search over the stored (redacted) prompt: the later prompt's word matches only its request
      // (the earlier request cannot contain it, even if prompts are stored with their history).
      await logs.locator('[data-testid="logs-filter-status"]').selectOption('');
      await logs.locator('[data-testid="logs-filter-text"]').fill('e2e bravo');
      await logs.locator('[data-testid="logs-apply"]').click();
      await waitForCount(rows, (n) => n === 1, 'exactly one row after searching "e2e bravo"');
      assert.match(await rows.first().innerText(), /error|cancel/i, 'and it is the stopped request');
      // Reset brings everything back; then a filter that matches nothing (no reply was served from cache).
      await logs.locator('[data-testid="logs-reset"]').click();
      await waitForCount(rows, (n) => n >= 2, 'rows back after reset');
      await logs.locator('[data-testid="logs-filter-cached"]').selectOption('yes');
      await logs.locator('[data-testid="logs-apply"]').click();
      await waitForCount(rows, (n) => n === 0, 'no rows for cached=yes (nothing was cached)');
      await logs.locator('[data-testid="logs-reset"]').click();
      const shown = await waitForCount(rows, (n) => n >= 2, 'rows back after reset');

      // Export through VS Code's save dialog (the simple, in-workbench one in a browser): accept the
      // suggested file in the workspace folder, then read it from disk. JSON Lines: one record a line.
      const jsonl = await exportLogs(vsc, logs, 'jsonl');
      const records = jsonl.trim().split('\n').map((l) => JSON.parse(l) as { request_id?: string; model?: string });
      assert.equal(records.length, shown, 'one JSON line per record shown');
      assert.ok(records.every((r) => typeof r.request_id === 'string' && r.request_id.length > 0), 'each with its request id');
      assert.ok(records.some((r) => r.model === 'gpt-4o-mini'));
      // CSV: a header, and every record (fields with newlines are quoted, so count ids, not lines).
      const csv = await exportLogs(vsc, logs, 'csv');
      assert.match(csv.split('\n')[0], /request_id/, 'a CSV header');
      for (const r of records) assert.ok(csv.includes(r.request_id!), `the CSV has ${r.request_id}`);
    });
  });

  test('chat history is restored after the window reloads', async () => {
    await vsc.step('reload', async () => {
      await vsc.openSmartflowSidebar();
      const before = await (await vsc.webview('chat')).locator('[data-testid="chat-turn"]').allInnerTexts();
      assert.ok(before.length >= 2, `turns before reload: ${before.length}`);
      const reloaded = vsc.page.waitForEvent('load', { timeout: 60_000 });
      await vsc.runCommand('Developer: Reload Window');
      await reloaded;
      await vsc.waitForWorkbench();
      await vsc.openSmartflowSidebar();
      const chat = await vsc.webview('chat');
      const turns = chat.locator('[data-testid="chat-turn"]');
      await waitForCount(turns, (n) => n === before.length, `the ${before.length} turns to be restored`);
      assert.deepEqual(await turns.allInnerTexts(), before, 'the same conversation');
      await vsc.screenshot('reloaded');
    });
  });

  test('Scan Selection for PII lists findings, redacts in place, and one undo restores the text', async () => {
    await vsc.step('scan', async () => {
      await vsc.openFile('pii.txt');
      const editor = vsc.editorFor('pii.txt');
      await editor.locator('.view-lines', { hasText: 'jane.roe@example.com' }).waitFor();
      const original = await vsc.editorText('pii.txt');
      await vsc.selectAllInEditor('pii.txt');
      await vsc.runCommand('Smartflow: Scan Selection for PII');
      const scan = await vsc.webview('scan');
      const findings = scan.locator('[data-testid="scan-finding"]');
      await waitForCount(findings, (n) => n >= 2, 'at least two findings');
      const types = (await findings.evaluateAll((els) => els.map((e) => e.getAttribute('data-type') ?? ''))).map((t) => t.toLowerCase());
      await vsc.screenshot('scan-findings');
      assert.ok(types.some((t) => t.includes('email')), `an email finding: ${types.join(', ')}`);
      assert.ok(types.some((t) => t.includes('ssn') || t.includes('social')), `an SSN finding: ${types.join(', ')}`);
      assert.equal(await scan.locator('[data-testid="scan-summary"]').getAttribute('data-has-violations'), 'true');
      assert.match(await scan.locator('[data-testid="scan-risk-level"]').innerText(), /low|medium|high|critical/i);

      // Jump to the SSN finding: the editor's cursor moves to its line.
      const ssnRow = findings.filter({ has: scan.locator('td', { hasText: /ssn/i }) }).first();
      await ssnRow.locator('[data-testid="scan-finding-jump"]').click();
      await vsc.page.locator('.statusbar-item', { hasText: /Ln 5, Col/ }).first().waitFor({ timeout: 15_000 });
      // Mark the phone finding as a false positive (feeds the compliance feedback).
      const phoneRow = () => findings.filter({ has: scan.locator('td', { hasText: /phone/i }) }).first();
      await phoneRow().locator('[data-testid="scan-finding-false-positive"]').click();
      await poll(async () => ((await phoneRow().getAttribute('data-false-positive')) === 'true' ? true : undefined), 15_000, 'the phone finding to be marked as a false positive');

      await scan.locator('[data-testid="scan-redact"]').click();
      await poll(async () => (!(await vsc.editorText('pii.txt')).includes('jane.roe@example.com') ? true : undefined), 30_000, 'the email to be redacted in the editor');
      const redacted = await vsc.editorText('pii.txt');
      await vsc.screenshot('scan-redacted');
      assert.ok(!redacted.includes('536-84-2917'), 'the SSN is redacted too');
      assert.ok(redacted.includes('Customer record'), 'text without PII is kept');

      // One undo restores the whole original text (the redaction was a single edit).
      await editor.locator('.view-lines').click();
      await vsc.page.keyboard.press('Control+Z');
      await poll(async () => ((await vsc.editorText('pii.txt')) === original ? true : undefined), 15_000, 'one undo to restore the original text');
    });
  });

  test('Ask Smartflow about Selection attaches the selection with file and lines', async (t) => {
    await vsc.step('ask-selection', async () => {
      await vsc.openFile('pii.txt');
      await vsc.selectAllInEditor('pii.txt');
      await vsc.runCommand('Smartflow: Ask Smartflow about Selection');
      await vsc.openSmartflowSidebar();
      const chat = await vsc.webview('chat');
      const chip = chat.locator('[data-testid="chat-context-chip"]').first();
      await chip.waitFor({ timeout: 15_000 });
      assert.match(await chip.innerText(), /pii\.txt:1-\d/);
      await vsc.screenshot('ask-selection');
      await chatRoundTrip(vsc, 'Summarise this e2e echo record');
      const meta = (await lastAssistant(chat)).locator('[data-testid="chat-reply-meta"]');
      t.diagnostic(`PII items redacted from the prompt: ${await meta.getAttribute('data-redacted')}`);
    });
    const call = chatCalls(await sim.requests()).find((r) => lastUserText(r).includes('e2e echo'));
    assert.ok(call, 'the question reached the provider');
    const sent = JSON.stringify((call.body as { messages: unknown }).messages);
    assert.match(sent, /Customer record/, 'with the selected text as context');
    assert.match(sent, /pii\.txt/, 'naming the file');
  });

  test('remote-gateway mode: chat goes through a standalone Smartflow gateway', async () => {
    gatewayDir = mkdtempSync(join(tmpdir(), 'smartflow-e2e-gateway-'));
    gateway = await startGatewayProcess({
      dataDir: gatewayDir,
      env: { OPENAI_BASE_URL: sim.openaiBaseUrl, OPENAI_API_KEY: 'sk-sim-gateway-key' },
      virtualKey: VIRTUAL_KEY,
    });
    await vsc.step('remote-configure', async () => {
      await vsc.runCommand('Smartflow: Configure');
      const q = vsc.quickInput();
      await q.row('Remote Smartflow gateway').click();
      await vsc.page.locator('.quick-input-widget').filter({ hasText: /Gateway URL/ }).waitFor();
      await q.input.fill(gateway!.url);
      await q.input.press('Enter');
      await vsc.page.locator('.quick-input-widget').filter({ hasText: /Virtual key/ }).waitFor();
      await q.input.fill(VIRTUAL_KEY);
      await q.input.press('Enter');
      await vsc.page.locator('.quick-input-widget').filter({ hasText: /config\.yaml/ }).waitFor({ timeout: 60_000 });
      await q.row(/^\s*No/).click();
      const note = await vsc.waitForNotification(/Smartflow configured/, 60_000);
      assert.match(note, /ok/i, `the connection test passed: ${note}`);
    });
    await vsc.step('remote-chat', async () => {
      await vsc.openSmartflowSidebar();
      const before = chatCalls(await sim.requests()).length;
      const { text } = await chatRoundTrip(vsc, 'Remote e2e charlie question');
      await vsc.screenshot('remote-chat');
      assert.match(text, /Echo: Remote e2e charlie question/);
      const calls = chatCalls(await sim.requests());
      assert.ok(calls.length > before, 'the provider was called');
      assert.ok(lastUserText(calls[calls.length - 1]).includes('e2e charlie'));
    });
    // The standalone gateway, not the embedded one, handled it: its own audit log has the request.
    const { openDatabase } = await import('../../src/gateway/storage/sqlite.js');
    const found = await poll(async () => {
      const db = openDatabase(join(gatewayDir!, 'audit.db'), { readonly: true });
      try {
        const n = db.prepare('SELECT COUNT(*) AS n FROM audit_log').get<{ n: number }>()?.n ?? 0;
        return n >= 1 ? n : undefined;
      } finally {
        db.close();
      }
    }, 15_000, "a record in the standalone gateway's audit log");
    assert.ok(found >= 1);
  });

  test('the extension host never crashed during the run', () => {
    assert.deepEqual(vsc.extensionHostCrashes(), [], 'see test-results/e2e/flow-logs-final/*/remoteagent.log');
  });
});
