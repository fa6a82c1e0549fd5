/**
 * Extension entry: registers views, commands and providers synchronously (cheap), measures and logs the
 * activation time, then starts the gateway in the background. Nothing here can fail activation: the
 * gateway manager turns start-up failures into a visible state, and every command handler reports its
 * own errors.
 */
import * as vscode from 'vscode';
import { createApi, type SmartflowApi } from './api.js';
import { AuditTreeProvider, LOG_SCHEME, LogDocumentProvider } from './audit-tree.js';
import { ChatViewProvider } from './chat-view.js';
import { GatewayManager, type StartService } from './gateway-manager.js';
import { gatewayModule } from './gateway-module.js';
import { Log } from './log.js';
import { LogBrowser } from './log-browser.js';
import { describeError } from './messages.js';
import { ScanController } from './scan.js';
import { Secrets } from './settings.js';
import { StatusBar, StatusViewProvider } from './status.js';

let manager: GatewayManager | null = null;

export function activate(context: vscode.ExtensionContext): SmartflowApi {
  const t0 = performance.now();
  const log = new Log();
  context.subscriptions.push(log);
  const secrets = new Secrets(context.secrets);
  // The gateway is a separate bundle (dist/gateway.js): loaded only when the gateway starts, after activation.
  const mgr = new GatewayManager(context, secrets, log, async () => {
    return gatewayModule().startGatewayService as unknown as StartService;
  });
  manager = mgr;
  context.subscriptions.push(mgr);

  const safe =
    <A extends unknown[]>(name: string, fn: (...args: A) => unknown) =>
    async (...args: A): Promise<void> => {
      try {
        await fn(...args);
      } catch (e) {
        const d = describeError(e);
        log.error(`${name} failed`, e);
        void vscode.window.showErrorMessage(`Smartflow: ${d.message} ${d.hint}`);
      }
    };

  const chat = new ChatViewProvider(context, mgr, log);
  const scan = new ScanController(context, mgr, log);
  const tree = new AuditTreeProvider(mgr, log);
  const browser = new LogBrowser(context, mgr, log);
  let activationMs: number | null = null;
  const statusView = new StatusViewProvider(context, mgr, log, () => activationMs);
  const statusBar = new StatusBar(mgr);
  context.subscriptions.push(chat, scan, tree, browser, statusView, statusBar);

  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, chat, { webviewOptions: { retainContextWhenHidden: true } }),
    vscode.window.registerWebviewViewProvider(StatusViewProvider.viewId, statusView),
    vscode.window.registerTreeDataProvider('smartflow.auditLog', tree),
    vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, new LogDocumentProvider(mgr)),
    vscode.commands.registerCommand('smartflow.newChat', safe('New chat', () => chat.newChat())),
    vscode.commands.registerCommand(
      'smartflow.askAboutSelection',
      safe('Ask about selection', async () => {
        const ed = vscode.window.activeTextEditor;
        if (!ed) {
          void vscode.window.showWarningMessage('Smartflow: select some code in an editor first.');
          return;
        }
        await chat.attachSelection(ed);
      }),
    ),
    vscode.commands.registerCommand('smartflow.scanSelection', safe('Scan selection', () => scan.scanSelection())),
    vscode.commands.registerCommand('smartflow.redactSelection', safe('Redact selection', () => scan.redactSelection())),
    vscode.commands.registerCommand('smartflow.clearScanHighlights', () => scan.clearHighlights()),
    vscode.commands.registerCommand('smartflow.openLogBrowser', safe('Open log browser', () => browser.open())),
    vscode.commands.registerCommand('smartflow.refreshLogs', () => tree.refresh()),
    vscode.commands.registerCommand(
      'smartflow.openLogEntry',
      safe('Open audit record', async (id: unknown) => {
        if (typeof id !== 'string' || !id) return;
        const doc = await vscode.workspace.openTextDocument(LogDocumentProvider.uriFor(id));
        await vscode.languages.setTextDocumentLanguage(doc, 'json');
        await vscode.window.showTextDocument(doc, { preview: true });
      }),
    ),
    vscode.commands.registerCommand(
      'smartflow.configure',
      safe('Configure', async () => {
        // Loaded on first use (it pulls in the YAML and HTTP clients).
        const { runConfigureWizard } = await import('./configure.js');
        await runConfigureWizard(mgr, secrets, log);
      }),
    ),
    vscode.commands.registerCommand(
      'smartflow.showStatus',
      safe('Show status', async () => {
        await vscode.commands.executeCommand(`${StatusViewProvider.viewId}.focus`);
        await statusView.push();
      }),
    ),
    vscode.commands.registerCommand('smartflow.restartGateway', safe('Restart gateway', () => mgr.start())),
    vscode.commands.registerCommand('smartflow.showOutput', () => log.channel.show()),
  );

  const problems = mgr.settings.problems;
  if (problems.length) {
    void vscode.window.showWarningMessage(`Smartflow: ${problems[0]}${problems.length > 1 ? ` (+${problems.length - 1} more in the output)` : ''}`, 'Open Settings').then((p) => {
      if (p) void vscode.commands.executeCommand('workbench.action.openSettings', 'smartflow');
    });
  }

  activationMs = performance.now() - t0;
  log.info(`Smartflow activated in ${activationMs.toFixed(1)} ms (mode: ${mgr.settings.mode}); starting the gateway in the background`);
  // Start after activation returns so the editor never waits for the gateway.
  setTimeout(() => void mgr.start(), 0);
  return createApi(mgr, secrets, String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0'));
}

export async function deactivate(): Promise<void> {
  await manager?.stop();
  manager = null;
}
