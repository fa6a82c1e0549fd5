/**
 * HTML shell for every webview: a strict CSP (`default-src 'none'`, scripts only by a per-load nonce
 * from `crypto`, styles and images only from the extension's own resources), the view's stylesheet and
 * bundle, and nothing else — the view's script builds the DOM. Pure (no `vscode`), unit-tested.
 */
import { randomBytes } from 'node:crypto';

export interface HtmlParts {
  /** webview.cspSource */
  cspSource: string;
  /** webview.asWebviewUri(...) of dist/webview/<view>.js */
  scriptUri: string;
  /** webview.asWebviewUri(...) of media/webview.css */
  styleUri: string;
  view: 'chat' | 'scan' | 'logs' | 'settings';
  title: string;
  nonce?: string;
}

/** 128 random bits, base64 — a fresh one per HTML load. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function buildHtml(p: HtmlParts): string {
  const nonce = p.nonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(p.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(p.styleUri)}">
<title>${escapeAttr(p.title)}</title>
</head>
<body data-view="${p.view}" data-ready="false">
<div id="app" aria-busy="true"></div>
<script nonce="${nonce}" src="${escapeAttr(p.scriptUri)}"></script>
</body>
</html>`;
}
