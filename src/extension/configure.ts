/**
 * "Smartflow: Configure": a QuickPick/InputBox wizard. Direct mode: pick providers, enter keys (kept in
 * SecretStorage only), test each with a real request (list models through the gateway). Remote mode:
 * gateway URL + virtual key + a connection test. Optionally writes the same setup to
 * ~/.smartflow/config.yaml (mode, URL, default model; keys only when the user asks for it).
 */
import * as vscode from 'vscode';
import { configFilePath, writeConfigFile } from '../gateway/config-file.js';
import type { GatewayManager } from './gateway-manager.js';
import type { Log } from './log.js';
import { testResultLine } from './messages.js';
import { RemoteBackend } from './remote-backend.js';
import { readSettings, updateSetting, WIZARD_PROVIDERS, type Secrets } from './settings.js';

const TITLE = 'Smartflow: Configure';

async function waitReady(manager: GatewayManager): Promise<void> {
  // The settings/secrets change schedules a restart; wait for it to begin, then for it to finish.
  await new Promise((r) => setTimeout(r, 600));
  await manager.ready(60_000).catch(() => undefined);
}

export async function runConfigureWizard(manager: GatewayManager, secrets: Secrets, log: Log): Promise<boolean> {
  const current = readSettings();
  const modePick = await vscode.window.showQuickPick(
    [
      { label: 'Direct (embedded gateway)', description: current.mode === 'direct' ? 'current' : '', detail: 'Smartflow runs inside VS Code and calls providers with your keys.', value: 'direct' as const },
      { label: 'Remote Smartflow gateway', description: current.mode === 'gateway' ? 'current' : '', detail: 'Send requests to a Smartflow gateway (URL + virtual key).', value: 'gateway' as const },
    ],
    { title: `${TITLE} (1/3)`, placeHolder: 'Where should requests go?', ignoreFocusOut: true },
  );
  if (!modePick) return false;
  const lines: string[] = [];
  const fileUpdates: Record<string, unknown> = { mode: modePick.value };
  let fileKeys: Record<string, string> = {};

  if (modePick.value === 'gateway') {
    const url = await vscode.window.showInputBox({
      title: `${TITLE} (2/3)`,
      prompt: 'Gateway URL',
      placeHolder: 'https://smartflow.example.com',
      value: current.gatewayUrl,
      ignoreFocusOut: true,
      validateInput: (v) => (/^https?:\/\/[^\s/]+/i.test(v.trim()) ? null : 'Enter an http:// or https:// URL'),
    });
    if (url === undefined) return false;
    const existing = await secrets.virtualKey();
    const key = await vscode.window.showInputBox({
      title: `${TITLE} (2/3)`,
      prompt: existing ? 'Virtual key (leave empty to keep the stored one)' : 'Virtual key (sk-sf-…)',
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) return false;
    const vk = key.trim() || existing || '';
    const test = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Smartflow: testing the gateway connection…' }, async () => {
      const rb = new RemoteBackend({ url: url.trim(), virtualKey: vk || undefined, timeoutMs: 10_000 });
      try {
        const models = await rb.listModels();
        return { ok: true as const, models: models.length };
      } catch (error) {
        return { ok: false as const, error };
      } finally {
        await rb.close();
      }
    });
    lines.push(testResultLine(`Gateway ${url.trim()}`, test));
    if (!test.ok) {
      const go = await vscode.window.showWarningMessage(`${lines[0]}\nSave these settings anyway?`, { modal: true }, 'Save anyway');
      if (go !== 'Save anyway') return false;
    }
    if (key.trim()) await secrets.setVirtualKey(key.trim());
    await updateSetting('gateway.url', url.trim());
    await updateSetting('mode', 'gateway');
    fileUpdates.gateway_url = url.trim();
    if (vk) fileKeys = { __virtual: vk };
  } else {
    const stored = await secrets.providerKeys();
    const picks = await vscode.window.showQuickPick(
      WIZARD_PROVIDERS.map((p) => ({ label: p.label, description: stored[p.id] ? 'key stored' : p.needsKey ? '' : 'no key needed', picked: !!stored[p.id] || current.enabledProviders.includes(p.id), id: p.id, needsKey: p.needsKey })),
      { title: `${TITLE} (2/3)`, placeHolder: 'Which providers do you use? (Space to select, Enter to confirm)', canPickMany: true, ignoreFocusOut: true },
    );
    if (!picks) return false;
    for (const p of picks) {
      if (!p.needsKey) continue;
      const key = await vscode.window.showInputBox({
        title: `${TITLE} (2/3)`,
        prompt: `API key for ${p.label}${stored[p.id] ? ' (leave empty to keep the stored key)' : ''}`,
        password: true,
        ignoreFocusOut: true,
      });
      if (key === undefined) return false;
      if (key.trim()) await secrets.setProviderKey(p.id, key.trim());
    }
    await updateSetting('providers.enabled', picks.map((p) => p.id));
    if (current.mode !== 'direct') await updateSetting('mode', 'direct');
    // Test each provider through the restarted embedded gateway: a real list-models call.
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Smartflow: testing providers…' }, async () => {
      await waitReady(manager);
      const backend = manager.backend;
      for (const p of picks) {
        if (!backend) {
          lines.push(testResultLine(p.label, { ok: false, error: Object.assign(new Error(manager.stateDetail ?? 'the gateway did not start'), { code: 'not_ready' }) }));
          continue;
        }
        try {
          const models = await backend.listModels();
          // The gateway lists models across providers and skips one that fails: count this one's.
          const mine = models.filter((m) => (m.provider ?? m.owned_by) === p.id || m.id.startsWith(`${p.id}/`));
          if (mine.length) lines.push(testResultLine(p.label, { ok: true, models: mine.length }));
          else {
            const why = Object.assign(new Error(`${p.label} listed no models: the key may be wrong or the provider unreachable (details in "Smartflow: Show Output")`), { code: p.needsKey ? 'missing_api_key' : 'upstream_unreachable' });
            lines.push(testResultLine(p.label, { ok: false, error: why }));
          }
        } catch (error) {
          lines.push(testResultLine(p.label, { ok: false, error }));
        }
      }
    });
    const keys = await secrets.providerKeys();
    fileKeys = Object.fromEntries(picks.filter((p) => keys[p.id]).map((p) => [p.id, keys[p.id]]));
  }

  const share = await vscode.window.showQuickPick(
    [
      { label: 'No', detail: 'Keep the setup in VS Code only.', value: 'no' },
      { label: 'Yes', detail: `Also write mode/URL/default model to ${configFilePath()} (for the CLI and SDK).`, value: 'yes' },
      { label: 'Yes, including keys', detail: 'Also store the keys in that file (permissions 0600).', value: 'keys' },
    ],
    { title: `${TITLE} (3/3)`, placeHolder: 'Also write ~/.smartflow/config.yaml?', ignoreFocusOut: true },
  );
  if (share && share.value !== 'no') {
    try {
      fileUpdates.default_model = current.defaultModel;
      if (share.value === 'keys') {
        if (fileKeys.__virtual) fileUpdates.api_key = fileKeys.__virtual;
        const prov: Record<string, { api_key: string }> = {};
        for (const [id, k] of Object.entries(fileKeys)) if (id !== '__virtual') prov[id] = { api_key: k };
        if (Object.keys(prov).length) fileUpdates.providers = prov;
      }
      writeConfigFile(configFilePath(), fileUpdates);
      lines.push(`Wrote ${configFilePath()}`);
    } catch (e) {
      lines.push(`Could not write ${configFilePath()}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  log.info(`Configure: ${lines.join(' | ')}`);
  void vscode.window.showInformationMessage(`Smartflow configured: ${lines.join('; ') || modePick.label}`);
  return true;
}
