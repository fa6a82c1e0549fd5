/**
 * PII scan panel: summary (risk score, level, recommended action, explanation), the findings table
 * with Jump / False positive per row, and Redact in place / Copy redacted / Scan again.
 */
import type { FindingView, ScanHostMessage, ScanView } from '../protocol.js';
import { button, clear, h, markReady } from '../shared/dom.js';
import { connect, requestId } from '../shared/vscode-api.js';

const app = document.getElementById('app') as HTMLElement;
const title = h('h2', { 'data-testid': 'scan-title' }, 'PII scan');
const note = h('div', { class: 'muted', role: 'status', 'data-testid': 'scan-status' });
const body = h('div');
app.append(title, note, body);

let current: ScanView | null = null;
const ch = connect('scan', onMessage);

function summary(s: ScanView): HTMLElement {
  return h(
    'section',
    { class: 'summary', 'data-testid': 'scan-summary', 'aria-label': 'Scan summary', 'data-has-violations': String(s.hasViolations) },
    h('span', { class: 'muted' }, 'Risk score'),
    h('span', { 'data-testid': 'scan-risk-score' }, s.riskScore.toFixed(2)),
    h('span', { class: 'muted' }, 'Risk level'),
    h('span', { class: 'risk', 'data-testid': 'scan-risk-level', 'data-level': s.riskLevel }, s.riskLevel),
    h('span', { class: 'muted' }, 'Recommended action'),
    h('span', { 'data-testid': 'scan-action' }, s.recommendedAction),
    h('span', { class: 'muted' }, 'Explanation'),
    h('span', { 'data-testid': 'scan-explanation' }, s.explanation),
    h('span', { class: 'muted' }, 'Findings'),
    h('span', { 'data-testid': 'scan-count' }, String(s.findings.length)),
  );
}

function row(f: FindingView): HTMLTableRowElement {
  const fpBtn = button(f.falsePositive ? 'Marked' : 'False positive', 'scan-finding-false-positive', `Mark ${f.type} finding at line ${f.line} as false positive`, () => {
    fpBtn.disabled = true;
    ch.post({ type: 'scan/falsePositive', requestId: requestId(), index: f.index });
  });
  fpBtn.disabled = f.falsePositive;
  const tr = h(
    'tr',
    { 'data-testid': 'scan-finding', 'data-index': f.index, 'data-type': f.type, 'data-false-positive': String(f.falsePositive), class: f.falsePositive ? 'fp' : '' },
    h('td', {}, f.type),
    h('td', {}, `${f.line}:${f.column}`),
    h('td', {}, f.masked),
    h('td', {}, `${Math.round(f.confidence * 100)}%`),
    h('td', {}, f.recognizer),
    h('td', {}, button('Go to', 'scan-finding-jump', `Go to ${f.type} finding at line ${f.line}`, () => ch.post({ type: 'scan/jump', index: f.index })), ' ', fpBtn),
  );
  return tr;
}

function render(s: ScanView): void {
  current = s;
  clear(body);
  title.textContent = `PII scan — ${s.file} (${s.scope})`;
  note.textContent = s.processingTimeUs !== null ? `Scanned in ${(s.processingTimeUs / 1000).toFixed(1)} ms (${s.mode === 'gateway' ? 'remote gateway' : 'embedded engine'}).` : '';
  body.append(summary(s));
  const actions = h(
    'div',
    { class: 'toolbar', role: 'toolbar', 'aria-label': 'Scan actions' },
    button('Redact in editor', 'scan-redact', 'Redact findings in the editor', () => ch.post({ type: 'scan/redact' }), { class: 'primary', disabled: s.findings.length === 0 }),
    button('Copy redacted text', 'scan-copy-redacted', 'Copy redacted text', () => ch.post({ type: 'scan/copyRedacted' }), { disabled: s.findings.length === 0 }),
    button('Scan again', 'scan-rescan', 'Scan again', () => ch.post({ type: 'scan/rescan' })),
  );
  body.append(actions);
  if (!s.findings.length) {
    body.append(h('p', { 'data-testid': 'scan-empty' }, 'No personal data or secrets found.'));
    return;
  }
  const table = h(
    'table',
    { 'data-testid': 'scan-findings', 'aria-label': 'Findings' },
    h('thead', {}, h('tr', {}, ...['Type', 'Line:col', 'Value (masked)', 'Confidence', 'Recognizer', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...s.findings.map(row)),
  );
  body.append(table);
}

function onMessage(m: ScanHostMessage): void {
  switch (m.type) {
    case 'scan/pending':
      title.textContent = `PII scan — ${m.file} (${m.scope})`;
      note.textContent = 'Scanning…';
      markReady();
      break;
    case 'scan/result':
      render(m.scan);
      markReady();
      break;
    case 'scan/error':
      note.textContent = '';
      clear(body);
      current = null;
      body.append(h('div', { class: 'error', role: 'alert', 'data-testid': 'scan-error' }, m.message));
      markReady();
      break;
    case 'scan/notice':
      // After a redaction the findings no longer match the text: show the notice instead of the table.
      clear(body);
      current = null;
      note.textContent = '';
      body.append(
        h('p', { role: 'status', 'data-testid': 'scan-notice' }, m.message),
        h('div', { class: 'toolbar' }, button('Scan again', 'scan-rescan', 'Scan again', () => ch.post({ type: 'scan/rescan' }))),
      );
      break;
    case 'scan/finding':
      if (current) {
        const f = current.findings[m.index];
        if (f) f.falsePositive = m.falsePositive;
        render(current);
      }
      break;
    case 'result':
      if (!m.ok && m.error) note.textContent = m.error;
      break;
    default: {
      const never: never = m;
      void never;
    }
  }
}
