/**
 * Host side of one webview: sets safe options (scripts on, `localResourceRoots` limited to dist/webview
 * and media), writes the CSP'd HTML, validates every inbound message with `parseInbound`, and holds
 * outbound messages until the webview's `ready` (the handshake). Every listener it registers is
 * disposed with it.
 */
import * as vscode from 'vscode';
import { parseInbound, type InboundByView, type OutboundByView, type ViewKind } from '../webview/protocol.js';
import { buildHtml } from './webview-html.js';
import type { Log } from './log.js';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class WebviewChannel<V extends ViewKind> implements vscode.Disposable {
  private ready = false;
  private queue: OutboundByView[V][] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly webview: vscode.Webview,
    private readonly view: V,
    extensionUri: vscode.Uri,
    title: string,
    private readonly log: Log,
    private readonly onMessage: (msg: InboundByView[V]) => void | Promise<void>,
    private readonly onReady: () => void,
  ) {
    webview.options = webviewOptions(extensionUri);
    webview.html = buildHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${view}.js`)).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css')).toString(),
      view,
      title,
    });
    this.disposables.push(webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
  }

  private receive(raw: unknown): void {
    const r = parseInbound(this.view, raw);
    if (!r.ok) {
      this.log.warn(`${this.view} webview: dropped an invalid message (${r.error})`);
      return;
    }
    if (r.message.type === 'ready') {
      // A reload of the webview (e.g. when hidden and shown) sends ready again: resend state.
      this.ready = true;
      const q = this.queue;
      this.queue = [];
      this.onReady();
      for (const m of q) void this.webview.postMessage(m);
      return;
    }
    Promise.resolve()
      .then(() => this.onMessage(r.message))
      .catch((e: unknown) => this.log.error(`${this.view} webview: handling ${r.message.type} failed`, e));
  }

  /** Posts now if the webview is ready, otherwise after its `ready`. */
  post(msg: OutboundByView[V]): void {
    if (this.ready) void this.webview.postMessage(msg);
    else this.queue.push(msg);
  }

  /** The webview was torn down (hidden view without retainContext): wait for a new ready. */
  reset(): void {
    this.ready = false;
    this.queue = [];
  }

  get isReady(): boolean {
    return this.ready;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}
