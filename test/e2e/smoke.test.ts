// Smoke: the packaged VSIX installs into a real VS Code (code-server), the extension's Smartflow
// activity-bar container appears, its views open, its commands are in the palette, activation is fast
// and clean. Then, with the provider key from the environment and the PCI DSS policy: a prompt with a
// card number is blocked with a reason and never reaches the provider, and a clean one is answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPECTED_STORAGE_ENGINE, e2eUnavailableReason, poll, startSimulatorProcess, startVsCode, type SimRequestRecord } from './harness.js';

const skip = process.env.CI ? false : (e2eUnavailableReason() ?? false);

const chatCalls = (reqs: SimRequestRecord[]) => reqs.filter((r) => r.method === 'POST' && r.path.endsWith('/chat/completions'));

test('code-server loads the installed Smartflow extension', { skip, timeout: 240_000 }, async (t) => {
  const sim = await startSimulatorProcess({ logName: 'smoke-simulator' });
  const vsc = await startVsCode({
    name: 'smoke',
    files: { 'hello.txt': 'hello\n' },
    settings: { 'smartflow.providers.baseUrls': { openai: sim.openaiBaseUrl }, 'smartflow.defaultModel': 'gpt-4o-mini', 'smartflow.compliance.policy': 'pci_dss_strict' },
    env: { OPENAI_API_KEY: 'sk-e2e-env-key' },
  }).catch(async (e) => {
    await sim.close();
    throw e;
  });
  try {
    await vsc.step('activity-bar', async () => {
      await vsc.activityBarItem().waitFor({ state: 'visible' });
      await vsc.openSmartflowSidebar();
      // The three views of docs/extension-ui.md are in the container.
      for (const title of ['Chat', 'Audit Log', 'Status']) {
        await vsc.page.locator('.sidebar .pane-header').filter({ hasText: new RegExp(`^\\s*${title}`, 'i') }).first().waitFor();
      }
      await vsc.screenshot('sidebar');
    });

    await vsc.step('chat-webview', async () => {
      const chat = await vsc.webview('chat');
      assert.equal(await chat.locator('[data-testid="chat-input"]').count(), 1, 'the chat view renders its input');
    });

    await vsc.step('palette', async () => {
      const input = await vsc.openQuickInput('>');
      await input.fill('>Smartflow:');
      const rows = vsc.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await rows.filter({ hasText: 'Smartflow: New Chat' }).first().waitFor();
      const labels = await rows.allInnerTexts();
      assert.ok(labels.some((l) => l.includes('Smartflow: New Chat')), `palette lists Smartflow commands: ${labels.join(' | ')}`);
      await vsc.page.keyboard.press('Escape');
    });

    await vsc.step('activation', async () => {
      // The extension logs its activation time and the gateway start (with the storage engine) to its
      // output channel; a failing native module must not break activation.
      const out = await poll(async () => {
        const o = vsc.smartflowOutput();
        return /Gateway ready in \d+/.test(o) ? o : undefined;
      }, 60_000, 'the Smartflow output channel to report "Gateway ready"');
      const activation = Number(out.match(/activated in ([\d.]+) ms/)?.[1]);
      const ready = Number(out.match(/Gateway ready in ([\d.]+) ms/)?.[1]);
      const engine = out.match(/Audit log: (\S+)/)?.[1] ?? 'unknown';
      t.diagnostic(`activation ${activation} ms; embedded gateway ready ${ready} ms after; audit storage ${engine}`);
      assert.ok(activation >= 0 && activation < 1000, `activation is fast (${activation} ms)`);
      // In code-server (Node 24) the storage is node:sqlite, or better-sqlite3 through the Node 24 binding
      // shipped in native/ when setup.sh built one (SMARTFLOW_E2E_NATIVE=1).
      assert.equal(engine, EXPECTED_STORAGE_ENGINE, `the expected storage engine is used:\n${out}`);
      if (EXPECTED_STORAGE_ENGINE === 'better-sqlite3') assert.match(out, /native\/linux-x64-abi\d+\/better_sqlite3\.node/);
      assert.ok(!/\[error\]/.test(out), `no errors in the Smartflow output:\n${out}`);
    });
    await vsc.step('policy-block', async () => {
      await vsc.openSmartflowSidebar();
      const chat = await vsc.webview('chat');
      const assistant = chat.locator('[data-testid="chat-turn"][data-role="assistant"]');
      const input = chat.locator('[data-testid="chat-input"]');
      await input.fill('Please charge my card 4111 1111 1111 1111 for the e2e order');
      await input.press('Enter');
      await assistant.first().waitFor();
      await poll(async () => ((await assistant.first().getAttribute('data-state')) === 'error' ? true : undefined), 30_000, 'the reply to show an error');
      const err = assistant.first().locator('[data-testid="chat-error"]');
      await vsc.screenshot('policy-blocked');
      assert.equal(await err.getAttribute('data-code'), 'compliance_blocked');
      const text = await err.innerText();
      assert.match(text, /CREDIT_CARD|card/i, `says why: ${text}`);
      assert.ok(text.split('\n').filter((l) => l.trim()).length >= 2, `and what to do: ${text}`);
      assert.equal(chatCalls(await sim.requests()).length, 0, 'the blocked prompt never reached the provider');

      // A clean prompt in a new chat (the old one's history still holds the card number) goes through
      // with the key from the extension host's environment.
      await chat.locator('[data-testid="chat-new"]').click();
      await poll(async () => ((await chat.locator('[data-testid="chat-turn"]').count()) === 0 ? true : undefined), 15_000, 'an empty transcript');
      await input.fill('A clean e2e smoke question');
      await input.press('Enter');
      await poll(async () => ((await assistant.first().getAttribute('data-state').catch(() => null)) === 'done' ? true : undefined), 30_000, 'the clean prompt to be answered');
      assert.match(await assistant.first().innerText(), /Echo: A clean e2e smoke question/);
      const calls = chatCalls(await sim.requests());
      assert.equal(calls.length, 1);
      assert.ok(calls[0].hadAuth, 'with the OPENAI_API_KEY of the environment');
    });

    assert.deepEqual(vsc.extensionHostCrashes(), [], 'the extension host did not crash');
  } finally {
    await vsc.close();
    await sim.close();
  }
});
