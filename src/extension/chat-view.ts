/**
 * The chat side panel (webview view `smartflow.chat`): streams replies from the current backend, Stop
 * aborts the upstream request, history per workspace (workspaceState) restored after reload, model
 * picker from the gateway's model list, code-block actions, and selections attached by "Ask Smartflow
 * about selection".
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ChatTurn, ChatWebviewMessage, ModelOption, SelectionContext } from '../webview/protocol.js';
import { assertNever } from '../webview/protocol.js';
import { buildMessages, languageIdFor, MAX_TURNS, modelOptions, restoreTurns, toReplyMeta } from './chat-model.js';
import type { GatewayManager } from './gateway-manager.js';
import type { Log } from './log.js';
import { describeError } from './messages.js';
import { WebviewChannel } from './webview-host.js';

const HISTORY_KEY = 'smartflow.chat.history';
const MODEL_KEY = 'smartflow.chat.model';

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'smartflow.chat';
  private channel: WebviewChannel<'chat'> | null = null;
  private view: vscode.WebviewView | null = null;
  private turns: ChatTurn[];
  private models: ModelOption[] = [];
  private modelsError: string | null = null;
  private abort: AbortController | null = null;
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly disposables: vscode.Disposable[] = [];
  /** Contexts attached before the view existed; sent on its first ready. */
  private pendingContexts: SelectionContext[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly manager: GatewayManager,
    private readonly log: Log,
  ) {
    this.turns = restoreTurns(context.workspaceState.get(HISTORY_KEY));
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e) this.lastEditor = e;
      }),
      manager.onDidChange(() => {
        if (manager.state === 'ready') void this.loadModels();
      }),
    );
  }

  private get selectedModel(): string {
    return this.context.workspaceState.get<string>(MODEL_KEY) || this.manager.settings.defaultModel;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.channel?.dispose();
    this.view = view;
    this.channel = new WebviewChannel(view.webview, 'chat', this.context.extensionUri, 'Smartflow Chat', this.log, (m) => this.onMessage(m), () => this.sendState());
    view.onDidDispose(() => {
      this.channel?.dispose();
      this.channel = null;
      this.view = null;
    });
  }

  private sendState(): void {
    if (!this.models.length) this.models = modelOptions(this.manager.settings.defaultModel, []);
    this.channel?.post({ type: 'chat/state', turns: this.turns, models: this.models, selectedModel: this.selectedModel, busy: this.abort !== null, modelsError: this.modelsError });
    for (const c of this.pendingContexts) this.channel?.post({ type: 'chat/context', context: c });
    this.pendingContexts = [];
    void this.loadModels();
  }

  async loadModels(): Promise<void> {
    const dflt = this.manager.settings.defaultModel;
    try {
      const backend = this.manager.backend;
      if (!backend) throw Object.assign(new Error('the gateway is not running yet'), { code: 'not_ready' });
      const list = await backend.listModels();
      this.models = modelOptions(dflt, list);
      this.modelsError = null;
    } catch (e) {
      this.models = modelOptions(dflt, []);
      const d = describeError(e);
      this.modelsError = `Could not load the model list: ${d.message}`;
    }
    this.channel?.post({ type: 'chat/models', models: this.models, selectedModel: this.selectedModel, modelsError: this.modelsError });
  }

  private save(): void {
    if (this.turns.length > MAX_TURNS) this.turns = this.turns.slice(-MAX_TURNS);
    void this.context.workspaceState.update(HISTORY_KEY, this.turns);
  }

  /** "Ask Smartflow about selection": attach the selection and focus the chat. */
  async attachSelection(editor: vscode.TextEditor): Promise<void> {
    const sel = editor.selection;
    const doc = editor.document;
    const range = sel.isEmpty ? doc.lineAt(sel.active.line).range : sel;
    const ctx: SelectionContext = {
      file: vscode.workspace.asRelativePath(doc.uri, false),
      startLine: range.start.line + 1,
      endLine: range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1,
      languageId: doc.languageId,
      text: doc.getText(range).slice(0, 200_000),
    };
    await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
    if (this.channel) this.channel.post({ type: 'chat/context', context: ctx });
    else this.pendingContexts.push(ctx);
  }

  newChat(): void {
    this.abort?.abort();
    this.turns = [];
    this.save();
    this.sendState();
  }

  private async onMessage(m: ChatWebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        return;
      case 'chat/send':
        return this.send(m.text, m.model, m.contexts, m.requestId);
      case 'chat/stop':
        this.abort?.abort();
        return;
      case 'chat/new':
        this.newChat();
        return;
      case 'chat/selectModel':
        await this.context.workspaceState.update(MODEL_KEY, m.model);
        return;
      case 'chat/refreshModels':
        return this.loadModels();
      case 'code/copy':
        await vscode.env.clipboard.writeText(m.code);
        void vscode.window.setStatusBarMessage('Smartflow: code copied', 2000);
        return;
      case 'code/insert': {
        const ed = vscode.window.activeTextEditor ?? this.lastEditor;
        if (!ed || ed.document.isClosed) {
          void vscode.window.showWarningMessage('Smartflow: open a file and place the cursor where the code should go, then press Insert again.');
          return;
        }
        await ed.edit((b) => {
          for (const s of ed.selections) b.replace(s, m.code);
        });
        await vscode.window.showTextDocument(ed.document, ed.viewColumn);
        return;
      }
      case 'code/open': {
        const known = new Set(await vscode.languages.getLanguages());
        const doc = await vscode.workspace.openTextDocument({ content: m.code, language: languageIdFor(m.language, known) });
        await vscode.window.showTextDocument(doc, { preview: false });
        return;
      }
      default:
        assertNever(m);
    }
  }

  private async send(text: string, model: string, contexts: SelectionContext[], requestId: string): Promise<void> {
    if (this.abort) {
      this.channel?.post({ type: 'result', requestId, ok: false, error: 'A reply is still streaming: press Stop first.' });
      return;
    }
    this.channel?.post({ type: 'result', requestId, ok: true });
    void this.context.workspaceState.update(MODEL_KEY, model);
    const user: ChatTurn = { id: randomUUID(), role: 'user', text, contexts: contexts.length ? contexts : undefined };
    const reply: ChatTurn = { id: randomUUID(), role: 'assistant', text: '', model, pending: true };
    this.turns.push(user);
    const messages = buildMessages(this.turns);
    this.turns.push(reply);
    this.save();
    this.channel?.post({ type: 'chat/turn', turn: user });
    this.channel?.post({ type: 'chat/turn', turn: reply });
    this.channel?.post({ type: 'chat/busy', busy: true });
    const ac = new AbortController();
    this.abort = ac;
    try {
      const backend = await this.manager.ready();
      const stream = await backend.chatStream({ model, messages, stream: true, stream_options: { include_usage: true } }, ac.signal);
      for await (const chunk of stream) {
        const delta = chunk.choices?.[0]?.delta?.content;
        if (delta) {
          reply.text += delta;
          this.channel?.post({ type: 'chat/delta', turnId: reply.id, text: delta });
        }
      }
      reply.meta = toReplyMeta(await stream.meta);
      reply.pending = false;
      this.channel?.post({ type: 'chat/done', turnId: reply.id, meta: reply.meta, stopped: false });
    } catch (e) {
      reply.pending = false;
      if (ac.signal.aborted) {
        reply.stopped = true;
        this.channel?.post({ type: 'chat/done', turnId: reply.id, meta: null, stopped: true });
      } else {
        reply.error = describeError(e);
        this.log.warn(`chat failed: ${reply.error.code}: ${reply.error.message}`);
        this.channel?.post({ type: 'chat/error', turnId: reply.id, error: reply.error });
      }
    } finally {
      if (this.abort === ac) this.abort = null;
      this.save();
      this.channel?.post({ type: 'chat/busy', busy: false });
    }
  }

  reveal(): void {
    this.view?.show?.(true);
  }

  dispose(): void {
    this.abort?.abort();
    this.channel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
