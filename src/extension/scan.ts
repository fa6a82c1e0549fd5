/**
 * "Smartflow: Scan Selection for PII": scans the selection (or the whole file), highlights findings in
 * the editor (hover: type, confidence, recognizer), lists them in the PII scan panel with the risk
 * score, level, recommended action and explanation, and offers: redact in place (one undoable
 * WorkspaceEdit), copy the redacted text, mark a finding as a false positive (compliance feedback) and
 * jump to a finding.
 */
import * as vscode from 'vscode';
import type { FindingView, ScanView, ScanWebviewMessage } from '../webview/protocol.js';
import { assertNever } from '../webview/protocol.js';
import { redactWithFindings, type ScanOutcome } from './backend.js';
import type { GatewayManager } from './gateway-manager.js';
import type { Log } from './log.js';
import { describeError } from './messages.js';
import { WebviewChannel, webviewOptions } from './webview-host.js';

interface ScanState {
  uri: vscode.Uri;
  /** Document text of the scanned range at scan time, to detect edits since. */
  text: string;
  range: vscode.Range;
  baseOffset: number;
  scope: string;
  outcome: ScanOutcome;
  falsePositive: Set<number>;
}

export class ScanController implements vscode.Disposable {
  private state: ScanState | null = null;
  private panel: vscode.WebviewPanel | null = null;
  private channel: WebviewChannel<'scan'> | null = null;
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
    border: '1px solid',
    borderColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  private readonly disposables: vscode.Disposable[] = [this.decoration];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly manager: GatewayManager,
    private readonly log: Log,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorate()),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (this.state && d.uri.toString() === this.state.uri.toString()) this.clearHighlights();
      }),
    );
  }

  /** Scans the active editor's selection, or the whole document when nothing is selected. */
  async scanSelection(editor = vscode.window.activeTextEditor): Promise<ScanState | null> {
    if (!editor) {
      void vscode.window.showWarningMessage('Smartflow: open a file (and optionally select text) to scan it for personal data and secrets.');
      return null;
    }
    const doc = editor.document;
    const sel = editor.selection;
    const range = sel.isEmpty ? new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)) : new vscode.Range(sel.start, sel.end);
    const text = doc.getText(range);
    const file = vscode.workspace.asRelativePath(doc.uri, false);
    const scope = sel.isEmpty ? 'whole file' : range.start.line === range.end.line ? `line ${range.start.line + 1}` : `lines ${range.start.line + 1}–${range.end.line + 1}`;
    this.showPanel();
    this.channel?.post({ type: 'scan/pending', file, scope });
    try {
      const backend = await this.manager.ready();
      const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Smartflow: scanning for PII…' }, () => backend.scan(text));
      this.state = { uri: doc.uri, text, range, baseOffset: doc.offsetAt(range.start), scope, outcome, falsePositive: new Set() };
      this.decorate();
      this.postResult();
      const n = outcome.findings.length;
      void vscode.window.setStatusBarMessage(n ? `Smartflow: ${n} finding(s), risk ${outcome.riskLevel}` : 'Smartflow: no PII or secrets found', 4000);
      return this.state;
    } catch (e) {
      const d = describeError(e);
      this.channel?.post({ type: 'scan/error', message: `${d.message} ${d.hint}` });
      void vscode.window.showErrorMessage(`Smartflow: the scan failed: ${d.message} ${d.hint}`);
      return null;
    }
  }

  /** "Redact PII in Selection": scan, then redact in place. */
  async redactSelection(): Promise<void> {
    const s = await this.scanSelection();
    if (s) await this.redactInPlace();
  }

  private findingViews(s: ScanState, doc: vscode.TextDocument | undefined): FindingView[] {
    return s.outcome.findings.map((f, index) => {
      const pos = doc ? doc.positionAt(s.baseOffset + f.start) : new vscode.Position(0, 0);
      return {
        index,
        type: f.type,
        start: f.start,
        end: f.end,
        line: pos.line + 1,
        column: pos.character + 1,
        confidence: f.confidence,
        recognizer: f.recognizer,
        masked: f.masked,
        falsePositive: s.falsePositive.has(index),
      };
    });
  }

  private postResult(): void {
    const s = this.state;
    if (!s) return;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === s.uri.toString());
    const view: ScanView = {
      file: vscode.workspace.asRelativePath(s.uri, false),
      scope: s.scope,
      scanId: s.outcome.scanId,
      hasViolations: s.outcome.hasViolations,
      riskScore: s.outcome.riskScore,
      riskLevel: s.outcome.riskLevel,
      recommendedAction: s.outcome.recommendedAction,
      explanation: s.outcome.explanation,
      findings: this.findingViews(s, doc),
      processingTimeUs: s.outcome.processingTimeUs,
      mode: this.manager.backend?.mode ?? this.manager.settings.mode,
    };
    this.channel?.post({ type: 'scan/result', scan: view });
  }

  private decorate(): void {
    const s = this.state;
    for (const ed of vscode.window.visibleTextEditors) {
      if (!s || ed.document.uri.toString() !== s.uri.toString()) continue;
      const opts: vscode.DecorationOptions[] = [];
      s.outcome.findings.forEach((f, i) => {
        if (s.falsePositive.has(i)) return;
        const range = new vscode.Range(ed.document.positionAt(s.baseOffset + f.start), ed.document.positionAt(s.baseOffset + f.end));
        const hover = new vscode.MarkdownString();
        hover.appendMarkdown(`**Smartflow: ${f.type}**\n\n`);
        hover.appendMarkdown(`Confidence ${(f.confidence * 100).toFixed(0)}% · recognizer \`${f.recognizer.replace(/`/g, '')}\`\n\n`);
        hover.appendText(`Masked: ${f.masked}`);
        opts.push({ range, hoverMessage: hover });
      });
      ed.setDecorations(this.decoration, opts);
    }
  }

  clearHighlights(): void {
    for (const ed of vscode.window.visibleTextEditors) ed.setDecorations(this.decoration, []);
    this.state = null;
  }

  private showPanel(): void {
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel('smartflow.scan', 'Smartflow: PII Scan', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      ...webviewOptions(this.context.extensionUri),
      retainContextWhenHidden: true,
    });
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'icon.png');
    this.panel = panel;
    this.channel = new WebviewChannel(panel.webview, 'scan', this.context.extensionUri, 'Smartflow: PII Scan', this.log, (m) => this.onMessage(m), () => this.postResult());
    panel.onDidDispose(() => {
      this.channel?.dispose();
      this.channel = null;
      this.panel = null;
    });
  }

  private async document(): Promise<vscode.TextDocument | null> {
    if (!this.state) return null;
    return vscode.workspace.openTextDocument(this.state.uri);
  }

  private async onMessage(m: ScanWebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        return;
      case 'scan/jump':
        return this.jump(m.index);
      case 'scan/redact':
        await this.redactInPlace();
        return;
      case 'scan/copyRedacted': {
        const s = this.state;
        if (!s) return;
        await vscode.env.clipboard.writeText(redactWithFindings(s.text, s.outcome.findings, s.falsePositive));
        void vscode.window.showInformationMessage('Smartflow: redacted text copied to the clipboard.');
        return;
      }
      case 'scan/falsePositive':
        return this.markFalsePositive(m.index, m.requestId);
      case 'scan/rescan': {
        const doc = await this.document();
        if (!doc) return;
        const ed = await vscode.window.showTextDocument(doc, { preserveFocus: false, preview: false, viewColumn: vscode.ViewColumn.One });
        if (this.state && this.state.scope !== 'whole file') ed.selection = new vscode.Selection(this.state.range.start, this.state.range.end);
        await this.scanSelection(ed);
        return;
      }
      default:
        assertNever(m);
    }
  }

  private async jump(index: number): Promise<void> {
    const s = this.state;
    const f = s?.outcome.findings[index];
    const doc = await this.document();
    if (!s || !f || !doc) return;
    const range = new vscode.Range(doc.positionAt(s.baseOffset + f.start), doc.positionAt(s.baseOffset + f.end));
    const ed = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false, preview: false });
    ed.selection = new vscode.Selection(range.start, range.end);
    ed.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Replaces the scanned range with its redacted text in ONE WorkspaceEdit (one undo step). */
  async redactInPlace(): Promise<boolean> {
    const s = this.state;
    const doc = await this.document();
    if (!s || !doc) return false;
    const live = s.range;
    if (doc.getText(live) !== s.text) {
      void vscode.window.showWarningMessage('Smartflow: the file changed since the scan. Scan again, then redact.', 'Scan again').then((p) => {
        if (p) void this.onMessage({ type: 'scan/rescan' });
      });
      return false;
    }
    const active = s.outcome.findings.filter((_, i) => !s.falsePositive.has(i));
    if (!active.length) {
      void vscode.window.showInformationMessage('Smartflow: nothing to redact.');
      return false;
    }
    const replacement = redactWithFindings(s.text, s.outcome.findings, s.falsePositive);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, live, replacement, { label: 'Smartflow: redact PII', needsConfirmation: false });
    const ok = await vscode.workspace.applyEdit(edit);
    if (!ok) {
      void vscode.window.showErrorMessage('Smartflow: the redaction could not be applied (is the file read-only?).');
      return false;
    }
    this.log.info(`Redacted ${active.length} finding(s) in ${vscode.workspace.asRelativePath(doc.uri, false)}`);
    // Keep the target (for "Scan again") but drop the findings: they no longer match the text.
    s.range = new vscode.Range(live.start, doc.positionAt(s.baseOffset + replacement.length));
    s.text = replacement;
    s.outcome = { ...s.outcome, findings: [], hasViolations: false };
    s.falsePositive.clear();
    this.decorate();
    this.channel?.post({ type: 'scan/notice', message: `Redacted ${active.length} finding(s). Undo (Ctrl+Z / Cmd+Z) restores the original text.` });
    return true;
  }

  private async markFalsePositive(index: number, requestId: string): Promise<void> {
    const s = this.state;
    if (!s || !s.outcome.findings[index]) return;
    try {
      if (s.outcome.scanId) {
        const backend = await this.manager.ready();
        await backend.submitFeedback(s.outcome.scanId, true, 'Marked as a false positive in VS Code', index);
      }
      s.falsePositive.add(index);
      this.decorate();
      this.channel?.post({ type: 'scan/finding', index, falsePositive: true });
      this.channel?.post({ type: 'result', requestId, ok: true });
    } catch (e) {
      const d = describeError(e);
      this.channel?.post({ type: 'result', requestId, ok: false, error: `${d.message} ${d.hint}` });
    }
  }

  dispose(): void {
    this.panel?.dispose();
    this.channel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
