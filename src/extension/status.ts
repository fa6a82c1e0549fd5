/**
 * Status: the status bar item (mode + cache hit rate) and the settings/status webview view
 * (`smartflow.status`): each provider's state, the storage engine in use (or that logs are not being
 * kept), the local endpoint address, cache numbers and the effective settings.
 */
import * as vscode from 'vscode';
import type { ProviderStateView, SettingsWebviewMessage, StatusView } from '../webview/protocol.js';
import { assertNever } from '../webview/protocol.js';
import type { GatewayManager } from './gateway-manager.js';
import type { Log } from './log.js';
import { WebviewChannel } from './webview-host.js';

export async function buildStatus(manager: GatewayManager, activationMs: number | null): Promise<StatusView> {
  const s = manager.settings;
  const b = manager.backend;
  const info = b?.info() ?? null;
  let providers: ProviderStateView[] = [];
  let cache: StatusView['cache'] = null;
  if (b) {
    try {
      providers = (await b.providers())
        .filter((p) => p.configured || p.health)
        .map((p) => ({
          id: p.id,
          displayName: p.displayName,
          configured: p.configured,
          health: p.health?.status ?? 'unknown',
          latencyMs: p.health ? Math.round(p.health.latency_ms) : null,
          successRate: p.health ? p.health.success_rate : null,
          requests: p.health?.requests_total ?? 0,
        }));
    } catch {
      providers = [];
    }
    try {
      const c = await b.cacheStats();
      if (c) cache = { enabled: true, hitRate: c.hit_rate, hits: c.hits, misses: c.misses, entries: c.entries };
    } catch {
      cache = null;
    }
  }
  return {
    mode: s.mode,
    state: manager.state,
    stateDetail: manager.stateDetail,
    gatewayUrl: s.mode === 'gateway' ? s.gatewayUrl || null : null,
    storage: { engine: info?.storageEngine ?? null, error: info?.storageError ?? (b ? null : 'the gateway is not running') },
    localEndpoint: s.mode === 'direct' ? (info?.url ?? null) : null,
    localEndpointError: info?.localEndpointError ?? null,
    providers,
    cache: cache ?? (s.cache.enabled ? null : { enabled: false, hitRate: 0, hits: 0, misses: 0, entries: 0 }),
    activationMs,
    settings: { defaultModel: s.defaultModel, policy: s.compliance.policy, storePrompts: s.audit.storePrompts, retentionDays: s.audit.retentionDays },
  };
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('smartflow.status', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private timer: ReturnType<typeof setInterval>;

  constructor(private readonly manager: GatewayManager) {
    this.item.name = 'Smartflow';
    this.item.command = 'smartflow.showStatus';
    this.disposables.push(manager.onDidChange(() => void this.update()));
    this.timer = setInterval(() => void this.update(), 15_000);
    void this.update();
    this.item.show();
  }

  async update(): Promise<void> {
    const m = this.manager;
    const mode = m.settings.mode;
    let rate: number | null = null;
    if (m.backend) {
      try {
        rate = (await m.backend.cacheStats())?.hit_rate ?? null;
      } catch {
        rate = null;
      }
    }
    const icon = m.state === 'starting' ? '$(loading~spin)' : m.state === 'error' ? '$(warning)' : mode === 'gateway' ? '$(cloud)' : '$(server-process)';
    const cache = rate === null ? '' : ` · cache ${Math.round(rate * 100)}%`;
    this.item.text = `${icon} Smartflow: ${mode}${cache}`;
    this.item.tooltip = `Smartflow — ${mode === 'gateway' ? `remote gateway ${m.settings.gatewayUrl}` : 'embedded gateway'}; ${m.state}${m.stateDetail ? `: ${m.stateDetail}` : ''}${rate === null ? '' : `; cache hit rate ${(rate * 100).toFixed(1)}%`}. Click for status.`;
    this.item.accessibilityInformation = { label: `Smartflow status: ${mode}, ${m.state}${rate === null ? '' : `, cache hit rate ${Math.round(rate * 100)}%`}` };
    this.item.backgroundColor = m.state === 'error' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

export class StatusViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'smartflow.status';
  private channel: WebviewChannel<'settings'> | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly manager: GatewayManager,
    private readonly log: Log,
    private readonly activationMs: () => number | null,
  ) {
    this.disposables.push(manager.onDidChange(() => void this.push()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.channel?.dispose();
    this.channel = new WebviewChannel(view.webview, 'settings', this.context.extensionUri, 'Smartflow Status', this.log, (m) => this.onMessage(m), () => void this.push());
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => {
      if (view.visible) void this.push();
    }, 10_000);
    view.onDidDispose(() => {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      this.channel?.dispose();
      this.channel = null;
    });
  }

  async push(): Promise<void> {
    if (!this.channel) return;
    this.channel.post({ type: 'status/state', status: await buildStatus(this.manager, this.activationMs()) });
  }

  private async onMessage(m: SettingsWebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        return;
      case 'status/refresh':
        return this.push();
      case 'status/configure':
        await vscode.commands.executeCommand('smartflow.configure');
        return;
      case 'status/restart':
        await this.manager.start();
        return;
      case 'status/openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:smartflow.smartflow-vscode smartflow');
        return;
      case 'status/showOutput':
        this.log.channel.show();
        return;
      default:
        assertNever(m);
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.channel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
