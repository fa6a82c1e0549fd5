// Smoke: the packaged VSIX installs into a real VS Code (code-server), the extension's Smartflow
// activity-bar container appears, its views open, and its commands are in the palette.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eUnavailableReason, startVsCode } from './harness.js';

const skip = process.env.CI ? false : (e2eUnavailableReason() ?? false);

test('code-server loads the installed Smartflow extension', { skip, timeout: 240_000 }, async () => {
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
  } finally {
    await vsc.close();
  }
});
