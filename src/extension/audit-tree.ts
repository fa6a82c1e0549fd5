/**
 * The "Audit Log" tree (days → requests) and the read-only `smartflow-log:` documents that show one
 * record's full JSON. Refreshes (debounced) whenever the backend reports a new record, and when the
 * backend changes (restart, mode switch).
 */
import * as vscode from 'vscode';
import { groupByDay, KIND_ICON, requestLabel, fmtUsd, type DayGroup } from './audit-model.js';
import type { LogRecord } from './backend.js';
import type { GatewayManager } from './gateway-manager.js';
import type { Log } from './log.js';
import { describeError } from './messages.js';

export const LOG_SCHEME = 'smartflow-log';
const TREE_LIMIT = 500;

type Node = { kind: 'day'; group: DayGroup; today: boolean } | { kind: 'record'; record: LogRecord } | { kind: 'message'; text: string; icon: string };

export class AuditTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private unsubscribe: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private groups: DayGroup[] | null = null;

  constructor(
    private readonly manager: GatewayManager,
    private readonly log: Log,
  ) {
    this.disposables.push(manager.onDidChange(() => this.rebind()));
    this.rebind();
  }

  private rebind(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.manager.backend?.onRecord(() => this.refreshSoon()) ?? null;
    this.refresh();
  }

  private refreshSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh();
    }, 250);
  }

  refresh(): void {
    this.groups = null;
    this.emitter.fire(undefined);
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.kind === 'message') {
      const item = new vscode.TreeItem(n.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon(n.icon);
      return item;
    }
    if (n.kind === 'day') {
      const item = new vscode.TreeItem(n.group.day, n.today ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `day:${n.group.day}`;
      item.description = `${n.group.requests} request${n.group.requests === 1 ? '' : 's'} · ${fmtUsd(n.group.costUsd)}`;
      item.iconPath = new vscode.ThemeIcon('calendar');
      item.contextValue = 'smartflow.day';
      item.accessibilityInformation = { label: `${n.group.day}: ${item.description}` };
      return item;
    }
    const l = requestLabel(n.record);
    const item = new vscode.TreeItem(l.label, vscode.TreeItemCollapsibleState.None);
    item.id = `rec:${n.record.request_id}`;
    item.description = l.description;
    item.tooltip = l.tooltip;
    const color = l.kind === 'error' ? 'errorForeground' : l.kind === 'violation' ? 'editorWarning.foreground' : l.kind === 'cached' ? 'charts.blue' : 'charts.green';
    item.iconPath = new vscode.ThemeIcon(KIND_ICON[l.kind], new vscode.ThemeColor(color));
    item.contextValue = `smartflow.record.${l.kind}`;
    item.accessibilityInformation = { label: `${l.label}, ${l.description}, ${l.kind}` };
    item.command = { command: 'smartflow.openLogEntry', title: 'Open Audit Record', arguments: [n.record.request_id] };
    return item;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (n?.kind === 'record' || n?.kind === 'message') return [];
    if (n?.kind === 'day') return n.group.records.map((record) => ({ kind: 'record', record }));
    const backend = this.manager.backend;
    if (!backend) {
      const s = this.manager.state;
      return [{ kind: 'message', text: s === 'starting' ? 'Starting the gateway…' : `Not connected${this.manager.stateDetail ? `: ${this.manager.stateDetail}` : ''}`, icon: s === 'starting' ? 'loading~spin' : 'warning' }];
    }
    const info = backend.info();
    if (!info.storageEngine && backend.mode === 'direct') return [{ kind: 'message', text: `Logs are not being kept: ${info.storageError ?? 'no storage engine'}`, icon: 'warning' }];
    try {
      if (!this.groups) this.groups = groupByDay(await backend.getLogs({ filter: {}, limit: TREE_LIMIT, offset: 0 }));
      if (!this.groups.length) return [{ kind: 'message', text: 'No requests yet. Chat, or point a tool at the local endpoint.', icon: 'info' }];
      const today = this.groups[0]?.day;
      return this.groups.map((group) => ({ kind: 'day', group, today: group.day === today }));
    } catch (e) {
      const d = describeError(e);
      this.log.warn(`audit tree: ${d.message}`);
      return [{ kind: 'message', text: d.message, icon: 'error' }];
    }
  }

  dispose(): void {
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

/** `smartflow-log:/<request_id>.json` → the record as pretty JSON (read-only). */
export class LogDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly manager: GatewayManager) {}

  static uriFor(id: string): vscode.Uri {
    return vscode.Uri.from({ scheme: LOG_SCHEME, path: `/${encodeURIComponent(id)}.json` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = decodeURIComponent(uri.path.replace(/^\//, '').replace(/\.json$/, ''));
    try {
      const backend = await this.manager.ready();
      const rec = await backend.getLog(id);
      if (!rec) return JSON.stringify({ error: `No audit record ${id} (it may have been deleted by retention).` }, null, 2);
      return JSON.stringify(rec, null, 2);
    } catch (e) {
      const d = describeError(e);
      return JSON.stringify({ error: d.message, hint: d.hint }, null, 2);
    }
  }
}
