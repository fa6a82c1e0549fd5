/**
 * Status view: mode, gateway state, storage engine (or "logs are not being kept"), local endpoint,
 * providers with their health, cache numbers and the effective settings, plus buttons for Configure,
 * Restart, Settings, Refresh and Output.
 */
import type { SettingsHostMessage, StatusView } from '../protocol.js';
import { button, clear, h, markReady } from '../shared/dom.js';
import { connect } from '../shared/vscode-api.js';

const app = document.getElementById('app') as HTMLElement;
const content = h('div');
const actions = h(
  'div',
  { class: 'toolbar', role: 'toolbar', 'aria-label': 'Status actions' },
  button('Configure…', 'status-configure', 'Configure Smartflow', () => ch.post({ type: 'status/configure' }), { class: 'primary' }),
  button('Restart', 'status-restart', 'Restart the gateway', () => ch.post({ type: 'status/restart' })),
  button('Settings', 'status-open-settings', 'Open Smartflow settings', () => ch.post({ type: 'status/openSettings' })),
  button('Refresh', 'status-refresh', 'Refresh status', () => ch.post({ type: 'status/refresh' })),
  button('Output', 'status-show-output', 'Show the Smartflow output', () => ch.post({ type: 'status/showOutput' })),
);
app.append(content, actions);
const ch = connect('settings', onMessage);

function kv(label: string, value: HTMLElement): HTMLElement[] {
  return [h('span', { class: 'muted' }, label), value];
}

function render(s: StatusView): void {
  clear(content);
  const stateText = `${s.state}${s.stateDetail ? ` — ${s.stateDetail}` : ''}`;
  const storage = s.storage.engine ? s.storage.engine : `logs are not being kept${s.storage.error ? ` (${s.storage.error})` : ''}`;
  const endpoint = s.mode === 'gateway' ? (s.gatewayUrl ?? 'not set') : s.localEndpoint ? s.localEndpoint : `off${s.localEndpointError ? ` — ${s.localEndpointError}` : ''}`;
  const cache = s.cache ? (s.cache.enabled ? `${(s.cache.hitRate * 100).toFixed(1)}% hit rate · ${s.cache.hits} hits · ${s.cache.misses} misses · ${s.cache.entries} entries` : 'off') : 'no data yet';
  content.append(
    h(
      'div',
      { class: 'kv', 'aria-label': 'Gateway status' },
      ...kv('Mode', h('span', { 'data-testid': 'status-mode', 'data-value': s.mode }, s.mode === 'gateway' ? 'remote gateway' : 'direct (embedded gateway)')),
      ...kv('State', h('span', { 'data-testid': 'status-state', 'data-value': s.state, class: s.state === 'error' ? 'error' : '' }, stateText)),
      ...kv('Storage', h('span', { 'data-testid': 'status-storage', 'data-engine': s.storage.engine ?? 'none' }, storage)),
      ...kv(s.mode === 'gateway' ? 'Gateway' : 'Local endpoint', h('span', { 'data-testid': 'status-endpoint' }, endpoint)),
      ...kv('Cache', h('span', { 'data-testid': 'status-cache' }, cache)),
      ...kv('Default model', h('span', {}, s.settings.defaultModel)),
      ...kv('Policy', h('span', {}, s.settings.policy)),
      ...kv('Stored prompts', h('span', {}, `${s.settings.storePrompts} · kept ${s.settings.retentionDays} days`)),
      ...kv('Activation', h('span', { 'data-testid': 'status-activation' }, s.activationMs === null ? '—' : `${s.activationMs.toFixed(1)} ms`)),
    ),
  );
  const rows = s.providers.map((p) =>
    h(
      'tr',
      { 'data-testid': 'status-provider', 'data-provider': p.id, 'data-configured': String(p.configured), 'data-health': p.health },
      h('td', {}, p.displayName),
      h('td', {}, p.configured ? 'configured' : 'no key'),
      h('td', {}, p.health),
      h('td', {}, p.latencyMs === null ? '—' : `${p.latencyMs} ms`),
      h('td', {}, p.successRate === null ? '—' : `${Math.round(p.successRate * 100)}%`),
      h('td', {}, String(p.requests)),
    ),
  );
  content.append(
    h('h3', {}, 'Providers'),
    rows.length
      ? h(
          'table',
          { 'data-testid': 'status-providers', 'aria-label': 'Providers' },
          h('thead', {}, h('tr', {}, ...['Provider', 'Key', 'Health', 'Latency', 'Success', 'Requests'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, ...rows),
        )
      : h('p', { class: 'muted', 'data-testid': 'status-providers' }, 'No provider configured yet. Use Configure… to add a key.'),
  );
}

function onMessage(m: SettingsHostMessage): void {
  switch (m.type) {
    case 'status/state':
      render(m.status);
      markReady();
      break;
    case 'result':
      break;
    default: {
      const never: never = m;
      void never;
    }
  }
}
