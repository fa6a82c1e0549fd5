/**
 * The log browser webview panel: a paged, filtered table over the audit store with totals and charts,
 * a details view, and export to CSV / JSON Lines (save dialog, streamed to disk with progress and
 * cancellation). Refreshes when new records arrive.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { LogFilter, LogsWebviewMessage } from '../webview/protocol.js';
import { assertNever } from '../webview/protocol.js';
import { chartsOf, toLogRow, totalsOf } from './audit-model.js';
import type { GatewayManager } from './gateway-manager.js';
import type { Log } from './log.js';
import { describeError } from './messages.js';
import { WebviewChannel, webviewOptions } from './webview-host.js';

export class LogBrowser implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private channel: WebviewChannel<'logs'> | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly manager: GatewayManager,
    private readonly log: Log,
  ) {
    this.disposables.push(manager.onDidChange(() => this.rebind()));
  }

  private rebind(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (!this.panel) return;
    this.unsubscribe =
      this.manager.backend?.onRecord(() => {
        if (this.timer) return;
        this.timer = setTimeout(() => {
          this.timer = null;
          this.channel?.post({ type: 'logs/changed' });
        }, 500);
      }) ?? null;
    this.channel?.post({ type: 'logs/changed' });
  }

  open(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel('smartflow.logs', 'Smartflow: Log Browser', vscode.ViewColumn.Active, {
      ...webviewOptions(this.context.extensionUri),
      retainContextWhenHidden: true,
    });
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'icon.png');
    this.panel = panel;
    this.channel = new WebviewChannel(panel.webview, 'logs', this.context.extensionUri, 'Smartflow: Log Browser', this.log, (m) => this.onMessage(m), () => undefined);
    panel.onDidDispose(() => {
      this.unsubscribe?.();
      this.unsubscribe = null;
      this.channel?.dispose();
      this.channel = null;
      this.panel = null;
    });
    this.rebind();
  }

  private async onMessage(m: LogsWebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        return;
      case 'logs/query':
        return this.query(m.requestId, m.filter, m.page, m.pageSize);
      case 'logs/details':
        return this.details(m.requestId, m.id);
      case 'logs/export':
        return this.export(m.requestId, m.format, m.filter);
      default:
        assertNever(m);
    }
  }

  private async query(requestId: string, filter: LogFilter, page: number, pageSize: number): Promise<void> {
    try {
      const backend = await this.manager.ready();
      const [rows, summary, all] = await Promise.all([
        backend.getLogs({ filter, limit: pageSize + 1, offset: page * pageSize }),
        backend.analytics(filter),
        // Values for the provider/model pickers come from the unfiltered analytics.
        backend.analytics({}).catch(() => null),
      ]);
      this.channel?.post({
        type: 'logs/page',
        requestId,
        rows: rows.slice(0, pageSize).map(toLogRow),
        page,
        pageSize,
        hasMore: rows.length > pageSize,
        totals: totalsOf(summary),
        charts: chartsOf(summary),
        providers: (all ?? summary).byProvider.map((p) => p.name).sort(),
        models: (all ?? summary).byModel.map((p) => p.name).sort(),
      });
    } catch (e) {
      const d = describeError(e);
      this.channel?.post({ type: 'logs/error', requestId, message: `${d.message} ${d.hint}` });
    }
  }

  private async details(requestId: string, id: string): Promise<void> {
    try {
      const backend = await this.manager.ready();
      this.channel?.post({ type: 'logs/details', requestId, record: (await backend.getLog(id)) as Record<string, unknown> | null });
    } catch (e) {
      const d = describeError(e);
      this.channel?.post({ type: 'logs/error', requestId, message: `${d.message} ${d.hint}` });
    }
  }

  private async export(requestId: string, format: 'csv' | 'jsonl', filter: LogFilter): Promise<void> {
    const ext = format === 'csv' ? 'csv' : 'jsonl';
    const target = await vscode.window.showSaveDialog({
      title: 'Export Smartflow audit log',
      saveLabel: 'Export',
      defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()), `smartflow-logs-${new Date().toISOString().slice(0, 10)}.${ext}`),
      filters: format === 'csv' ? { CSV: ['csv'] } : { 'JSON Lines': ['jsonl', 'ndjson'] },
    });
    if (!target) {
      this.channel?.post({ type: 'result', requestId, ok: false, error: 'Export cancelled.' });
      return;
    }
    try {
      const backend = await this.manager.ready();
      const bytes = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Smartflow: exporting audit log (${format.toUpperCase()})`, cancellable: true },
        async (progress, token) => {
          const out = createWriteStream(target.fsPath, { encoding: 'utf8' });
          let n = 0;
          let lines = 0;
          let lastReport = 0;
          try {
            for await (const chunk of backend.exportLogs(filter, format)) {
              if (token.isCancellationRequested) throw Object.assign(new Error('Export cancelled; the partial file was kept.'), { code: 'aborted' });
              n += Buffer.byteLength(chunk);
              for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) lines++;
              // Backpressure: a million rows must not pile up in memory.
              if (!out.write(chunk)) await once(out, 'drain');
              if (lines - lastReport >= 1000) {
                lastReport = lines;
                progress.report({ message: `${lines.toLocaleString('en-US')} rows` });
              }
            }
          } finally {
            out.end();
            await once(out, 'close');
          }
          return { n, lines };
        },
      );
      this.log.info(`Exported audit log to ${target.fsPath}`, { bytes: bytes.n, lines: bytes.lines, format });
      this.channel?.post({ type: 'result', requestId, ok: true });
      void vscode.window.showInformationMessage(`Smartflow: exported ${bytes.lines.toLocaleString('en-US')} lines to ${target.fsPath}`, 'Open').then((p) => {
        if (p) void vscode.window.showTextDocument(target);
      });
    } catch (e) {
      const d = describeError(e);
      this.channel?.post({ type: 'result', requestId, ok: false, error: `${d.message}` });
      void vscode.window.showErrorMessage(`Smartflow: export failed: ${d.message} ${d.code === 'aborted' ? '' : d.hint}`);
    }
  }

  dispose(): void {
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
