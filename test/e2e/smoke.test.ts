// Smoke: the packaged VSIX installs into a real VS Code (code-server), the extension's Smartflow
// activity-bar container appears, its views open, and its commands are in the palette.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPECTED_STORAGE_ENGINE, e2eUnavailableReason, poll, startVsCode } from './harness.js';

const skip = process.env.CI ? false : (e2eUnavailableReason() ?? false);

test('code-server loads the installed Smartflow extension', { skip, timeout: 240_000 }, async (t) => {
  const vsc = await startVsCode({ name: 'smoke', files: { 'hello.txt': 'hello\n' } });
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
    assert.deepEqual(vsc.extensionHostCrashes(), [], 'the extension host did not crash');
  } finally {
    await vsc.close();
  }
});
