/**
 * The one module that reads the extension's settings (`workspace.getConfiguration('smartflow')`) and
 * secrets (SecretStorage: provider keys and the remote gateway's virtual key). Everything else asks
 * this module; nothing else touches `getConfiguration` or `context.secrets`.
 *
 * A bad value in settings.json never throws here: it is replaced by its default and reported in
 * `problems`, which activation shows once.
 */
import * as vscode from 'vscode';
import { parseSettings, WIZARD_PROVIDERS, type SmartflowSettings } from './settings-parse.js';

export { WIZARD_PROVIDERS, type SmartflowSettings, type StorePrompts } from './settings-parse.js';

const SECRET_PREFIX = 'smartflow.key.';
const VIRTUAL_KEY = 'smartflow.virtualKey';

/** Current settings from `workspace.getConfiguration('smartflow')`, validated. */
export function readSettings(): SmartflowSettings {
  const c = vscode.workspace.getConfiguration('smartflow');
  return parseSettings((key) => c.get<unknown>(key));
}

export async function updateSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('smartflow').update(key, value, vscode.ConfigurationTarget.Global);
}

/** Provider keys and the virtual key, kept only in SecretStorage. */
export class Secrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  async providerKeys(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const p of WIZARD_PROVIDERS) {
      const k = await this.storage.get(SECRET_PREFIX + p.id);
      if (k) out[p.id] = k;
    }
    return out;
  }

  async providerKey(id: string): Promise<string | undefined> {
    return this.storage.get(SECRET_PREFIX + id);
  }

  async setProviderKey(id: string, key: string): Promise<void> {
    if (key) await this.storage.store(SECRET_PREFIX + id, key);
    else await this.storage.delete(SECRET_PREFIX + id);
  }

  async virtualKey(): Promise<string | undefined> {
    return this.storage.get(VIRTUAL_KEY);
  }

  async setVirtualKey(key: string): Promise<void> {
    if (key) await this.storage.store(VIRTUAL_KEY, key);
    else await this.storage.delete(VIRTUAL_KEY);
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.storage.onDidChange((e) => {
      if (e.key.startsWith(SECRET_PREFIX) || e.key === VIRTUAL_KEY) listener();
    });
  }
}
