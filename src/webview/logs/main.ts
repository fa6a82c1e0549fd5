/**
 * Log browser webview: filters, totals, charts (chart.js) above a paged table, a details view, and
 * export buttons. All data comes from the host through `logs/query` replies.
 */
import { BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import type { ChartData, LogFilter, LogRow, LogsHostMessage } from '../protocol.js';
import { button, clear, fmtCost, fmtInt, h, markReady } from '../shared/dom.js';
import { connect, requestId } from '../shared/vscode-api.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend, Filler);

const PAGE_SIZE = 50;
const app = document.getElementById('app') as HTMLElement;
const color = (name: string, fallback: string) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
let c1 = '';
let c2 = '';
let c3 = '';
/** Chart colours come from the theme's variables; re-read when the theme changes. */
function themeColors(): void {
  Chart.defaults.color = color('--vscode-foreground', '#888');
  Chart.defaults.borderColor = color('--vscode-widget-border', 'rgba(128,128,128,0.3)');
  Chart.defaults.font.family = color('--vscode-font-family', 'sans-serif');
  c1 = color('--vscode-charts-blue', '#3794ff');
  c2 = color('--vscode-charts-orange', '#d18616');
  c3 = color('--vscode-charts-green', '#89d185');
}
themeColors();
Chart.defaults.animation = false;
let lastCharts: ChartData | null = null;
// VS Code switches the body's theme class (vscode-light/dark/high-contrast) when the user changes theme.
new MutationObserver(() => {
  themeColors();
  if (lastCharts) renderCharts(lastCharts);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

let page = 0;
let pending: string | null = null;
let selectedId: string | null = null;

function input(id: string, type: string, aria: string): HTMLInputElement {
  return h('input', { type, 'data-testid': id, 'aria-label': aria, id });
}
function select(id: string, aria: string, options: Array<[string, string]>): HTMLSelectElement {
  const s = h('select', { 'data-testid': id, 'aria-label': aria, id });
  for (const [v, l] of options) s.append(h('option', { value: v }, l));
  return s;
}
const f = {
  from: input('logs-filter-from', 'date', 'From date'),
  to: input('logs-filter-to', 'date', 'To date'),
  provider: select('logs-filter-provider', 'Provider', [['', 'any']]),
  model: select('logs-filter-model', 'Model', [['', 'any']]),
  cached: select('logs-filter-cached', 'Cached', [['', 'any'], ['yes', 'yes'], ['no', 'no']]),
  compliance: select('logs-filter-compliance', 'Compliance status', [['', 'any'], ['compliant', 'compliant'], ['violated', 'violated']]),
  status: select('logs-filter-status', 'Request status', [['', 'any'], ['ok', 'ok'], ['error', 'error']]),
  text: input('logs-filter-text', 'search', 'Search text'),
};
f.text.placeholder = 'request id, model, prompt…';
const label = (text: string, el: HTMLElement) => h('label', {}, text, el);
const filters = h(
  'form',
  { class: 'filters', role: 'search', 'aria-label': 'Filters' },
  label('From', f.from),
  label('To', f.to),
  label('Provider', f.provider),
  label('Model', f.model),
  label('Cached', f.cached),
  label('Compliance', f.compliance),
  label('Status', f.status),
  label('Text', f.text),
  button('Apply', 'logs-apply', 'Apply filters', () => query(0), { class: 'primary' }),
  button('Reset', 'logs-reset', 'Reset filters', () => {
    for (const el of Object.values(f)) el.value = '';
    query(0);
  }),
  button('Export CSV', 'logs-export-csv', 'Export as CSV', () => exportAs('csv')),
  button('Export JSON Lines', 'logs-export-jsonl', 'Export as JSON Lines', () => exportAs('jsonl')),
);
filters.addEventListener('submit', (e) => {
  e.preventDefault();
  query(0);
});
f.text.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    e.preventDefault();
    query(0);
  }
});

function total(id: string, text: string): { box: HTMLElement; value: HTMLElement } {
  const value = h('strong', { 'data-testid': id, 'data-value': '0' }, '0');
  return { box: h('div', {}, h('span', { class: 'muted' }, text), value), value };
}
const tReq = total('logs-total-requests', 'Requests');
const tTok = total('logs-total-tokens', 'Tokens');
const tCost = total('logs-total-cost', 'Cost');
const tRate = total('logs-total-cache-rate', 'Cache hit rate');
const totals = h('section', { class: 'totals', 'data-testid': 'logs-totals', 'aria-label': 'Totals' }, tReq.box, tTok.box, tCost.box, tRate.box);

function chartBox(id: string, caption: string): { fig: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = h('canvas', { 'data-testid': id, role: 'img', 'aria-label': caption });
  return { fig: h('figure', { class: 'chart-fig' }, h('figcaption', {}, caption), h('div', { class: 'chart' }, canvas)), canvas };
}
const chReq = chartBox('logs-chart-requests', 'Requests and cost per day');
const chCache = chartBox('logs-chart-cache', 'Cache hit rate per day');
const chModels = chartBox('logs-chart-models', 'Top models (requests)');
const chProviders = chartBox('logs-chart-providers', 'Top providers (requests)');
const charts = h('section', { class: 'charts', 'aria-label': 'Charts' }, chReq.fig, chCache.fig, chModels.fig, chProviders.fig);

const status = h('div', { class: 'status', role: 'status', 'data-testid': 'logs-status' });
const tbody = h('tbody');
const table = h(
  'table',
  { 'data-testid': 'logs-table', 'aria-label': 'Audit records' },
  h('thead', {}, h('tr', {}, ...['Time', 'Provider', 'Model', 'Tokens', 'Cost', 'Latency', 'Cache', 'Compliance', 'Status'].map((t) => h('th', { scope: 'col' }, t)))),
  tbody,
);
const prev = button('‹ Prev', 'logs-prev', 'Previous page', () => query(page - 1));
const next = button('Next ›', 'logs-next', 'Next page', () => query(page + 1));
const pageLabel = h('span', { 'data-testid': 'logs-page' });
const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, pageLabel, next);
const details = h('section', { 'data-testid': 'logs-details', 'aria-label': 'Record details', hidden: true });

app.append(h('h2', {}, 'Smartflow audit log'), filters, totals, charts, status, table, pager, details);

const ch = connect('logs', onMessage);
query(0);

function currentFilter(): LogFilter {
  const out: LogFilter = {};
  if (f.from.value) out.from = f.from.value;
  if (f.to.value) out.to = f.to.value;
  if (f.provider.value) out.provider = f.provider.value;
  if (f.model.value) out.model = f.model.value;
  if (f.cached.value) out.cached = f.cached.value as 'yes' | 'no';
  if (f.compliance.value) out.compliance = f.compliance.value as 'compliant' | 'violated';
  if (f.status.value) out.status = f.status.value as 'ok' | 'error';
  if (f.text.value.trim()) out.text = f.text.value.trim();
  return out;
}

function query(p: number): void {
  if (f.from.value && f.to.value && f.from.value > f.to.value) {
    status.textContent = '"From" must not be after "To".';
    return;
  }
  page = Math.max(0, p);
  pending = requestId();
  status.textContent = 'Loading…';
  ch.post({ type: 'logs/query', requestId: pending, filter: currentFilter(), page, pageSize: PAGE_SIZE });
}

function exportAs(format: 'csv' | 'jsonl'): void {
  status.textContent = `Exporting ${format.toUpperCase()}…`;
  ch.post({ type: 'logs/export', requestId: requestId(), format, filter: currentFilter() });
}

function setOptions(sel: HTMLSelectElement, values: string[]): void {
  const keep = sel.value;
  clear(sel);
  sel.append(h('option', { value: '' }, 'any'));
  for (const v of values) sel.append(h('option', { value: v }, v));
  if (keep && !values.includes(keep)) sel.append(h('option', { value: keep }, keep));
  sel.value = keep;
}

function statusCell(r: LogRow): string {
  return r.ok ? 'ok' : `error${r.errorMessage ? `: ${r.errorMessage.slice(0, 80)}` : ''}`;
}

function renderRows(rows: LogRow[]): void {
  clear(tbody);
  if (!rows.length) {
    tbody.append(h('tr', {}, h('td', { colspan: 9, 'data-testid': 'logs-empty' }, 'No records match these filters.')));
    return;
  }
  for (const r of rows) {
    const tr = h(
      'tr',
      { class: `selectable${r.id === selectedId ? ' selected' : ''}`, tabindex: 0, 'data-testid': 'logs-row', 'data-id': r.id, 'aria-label': `${r.timestamp} ${r.model}` },
      h('td', {}, new Date(r.timestamp).toLocaleString()),
      h('td', {}, r.provider),
      h('td', {}, r.model),
      h('td', {}, fmtInt(r.tokens)),
      h('td', {}, fmtCost(r.costUsd)),
      h('td', {}, `${fmtInt(r.latencyMs)} ms`),
      h('td', {}, r.cached ? (r.cacheHitType ?? 'hit') : '—'),
      h('td', {}, r.compliance ?? '—'),
      h('td', {}, statusCell(r)),
    );
    const open = () => {
      selectedId = r.id;
      ch.post({ type: 'logs/details', requestId: requestId(), id: r.id });
    };
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    });
    tbody.append(tr);
  }
}

const chartsByCanvas = new Map<HTMLCanvasElement, { destroy(): void }>();
function draw(canvas: HTMLCanvasElement, config: ConstructorParameters<typeof Chart>[1]): void {
  chartsByCanvas.get(canvas)?.destroy();
  chartsByCanvas.set(canvas, new Chart(canvas, config));
}

function renderCharts(c: ChartData): void {
  lastCharts = c;
  const labels = c.days.map((d) => d.day);
  draw(chReq.canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { type: 'bar', label: 'Requests', data: c.days.map((d) => d.requests), backgroundColor: c1, yAxisID: 'y' },
        { type: 'line', label: 'Cost (USD)', data: c.days.map((d) => d.costUsd), borderColor: c2, backgroundColor: c2, yAxisID: 'y1' },
      ],
    },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, position: 'left' }, y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, ticks: { callback: (v) => fmtCost(Number(v)) } } } },
  });
  draw(chCache.canvas, {
    type: 'line',
    data: { labels, datasets: [{ label: 'Cache hit rate (%)', data: c.days.map((d) => Math.round(d.cacheHitRate * 1000) / 10), borderColor: c3, backgroundColor: c3, fill: false }] },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, max: 100 } } },
  });
  draw(chModels.canvas, {
    type: 'bar',
    data: { labels: c.topModels.map((m) => m.name), datasets: [{ label: 'Requests', data: c.topModels.map((m) => m.requests), backgroundColor: c1 }] },
    options: { maintainAspectRatio: false, indexAxis: 'y' },
  });
  draw(chProviders.canvas, {
    type: 'bar',
    data: { labels: c.topProviders.map((m) => m.name), datasets: [{ label: 'Requests', data: c.topProviders.map((m) => m.requests), backgroundColor: c2 }] },
    options: { maintainAspectRatio: false, indexAxis: 'y' },
  });
}

function renderDetails(record: Record<string, unknown> | null): void {
  clear(details);
  details.hidden = false;
  details.append(
    h('div', { class: 'toolbar' }, h('h3', {}, 'Record details'), button('Close', 'logs-details-close', 'Close details', () => {
      details.hidden = true;
      selectedId = null;
    })),
    h('pre', { class: 'details', 'data-testid': 'logs-details-json', tabindex: 0 }, record ? JSON.stringify(record, null, 2) : 'This record no longer exists.'),
  );
  details.scrollIntoView({ block: 'nearest' });
}

function onMessage(m: LogsHostMessage): void {
  switch (m.type) {
    case 'logs/page': {
      if (m.requestId !== pending) return; // a newer query is on its way
      const t = m.totals;
      tReq.value.textContent = fmtInt(t.requests);
      tReq.value.dataset.value = String(t.requests);
      tTok.value.textContent = fmtInt(t.tokens);
      tTok.value.dataset.value = String(t.tokens);
      tCost.value.textContent = fmtCost(t.costUsd);
      tCost.value.dataset.value = String(t.costUsd);
      tRate.value.textContent = `${(t.cacheHitRate * 100).toFixed(1)}%`;
      tRate.value.dataset.value = String(t.cacheHitRate);
      setOptions(f.provider, m.providers);
      setOptions(f.model, m.models);
      renderRows(m.rows);
      renderCharts(m.charts);
      prev.disabled = m.page === 0;
      next.disabled = !m.hasMore;
      pageLabel.textContent = `Page ${m.page + 1}`;
      status.textContent = '';
      markReady();
      break;
    }
    case 'logs/details':
      renderDetails(m.record);
      break;
    case 'logs/changed':
      // New records: refresh the first page only (do not move someone reading page 5).
      if (page === 0) query(0);
      break;
    case 'logs/error':
      status.textContent = m.message;
      markReady();
      break;
    case 'result':
      status.textContent = m.ok ? 'Done.' : (m.error ?? '');
      break;
    default: {
      const never: never = m;
      void never;
    }
  }
}
