/**
 * Chat webview: transcript with streamed, sanitised markdown; code-block actions; model picker; Stop;
 * attached selections; Enter sends, Shift+Enter inserts a newline. State lives in the host; this view
 * renders it and keeps only the unsent draft (webview state).
 */
import DOMPurify from 'dompurify';
import type { ChatHostMessage, ChatTurn, ModelOption, ReplyMeta, SelectionContext } from '../protocol.js';
import { button, clear, fmtCost, fmtInt, h, markReady } from '../shared/dom.js';
import { createMarkdownRenderer } from '../shared/markdown.js';
import { connect, requestId } from '../shared/vscode-api.js';

const render = createMarkdownRenderer(DOMPurify);

interface Draft {
  text: string;
}

const turns = new Map<string, { turn: ChatTurn; el: HTMLElement; dirty: boolean }>();
let contexts: SelectionContext[] = [];
let busy = false;
let models: ModelOption[] = [];
let selected = '';
/** Shown in the status line whenever nothing more urgent is. */
let idleNote = '';

const app = document.getElementById('app') as HTMLElement;

const modelSelect = h('select', { 'data-testid': 'chat-model-select', 'aria-label': 'Model', id: 'model' });
const header = h(
  'div',
  { class: 'toolbar', role: 'toolbar', 'aria-label': 'Chat controls' },
  h('label', { for: 'model', class: 'sr-only' }, 'Model'),
  modelSelect,
  button('⟳', 'chat-refresh-models', 'Refresh model list', () => ch.post({ type: 'chat/refreshModels' }), { class: 'icon' }),
  button('New chat', 'chat-new', 'New chat', () => ch.post({ type: 'chat/new' })),
);
const transcript = h('div', { class: 'transcript', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', 'data-testid': 'chat-transcript', tabindex: 0 });
const empty = h('p', { class: 'empty', 'data-testid': 'chat-empty' }, 'Ask anything. Select code in an editor and use "Ask Smartflow about Selection" to attach it.');
const contextList = h('ul', { class: 'contexts', 'data-testid': 'chat-context-list', 'aria-label': 'Attached context' });
const status = h('div', { class: 'status', role: 'status', 'data-testid': 'chat-status', 'aria-label': 'Chat status' });
const input = h('textarea', {
  'data-testid': 'chat-input',
  'aria-label': 'Message Smartflow',
  placeholder: 'Ask Smartflow… (Enter to send, Shift+Enter for a new line)',
  rows: 3,
  id: 'prompt',
});
const sendBtn = button('Send', 'chat-send', 'Send message', () => send(), { class: 'primary' });
const stopBtn = button('Stop', 'chat-stop', 'Stop generating', () => ch.post({ type: 'chat/stop' }));
const composer = h('div', { class: 'composer' }, contextList, input, h('div', { class: 'actions' }, sendBtn, stopBtn));
app.append(header, transcript, status, composer);

const ch = connect('chat', onMessage);
const draft = ch.getState<Draft>();
if (draft?.text) input.value = draft.text;

input.addEventListener('input', () => ch.setState({ text: input.value } satisfies Draft));
input.addEventListener('keydown', (e: KeyboardEvent) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
  }
});
modelSelect.addEventListener('change', () => {
  selected = modelSelect.value;
  ch.post({ type: 'chat/selectModel', model: selected });
});

function send(): void {
  const text = input.value;
  if (busy || (!text.trim() && contexts.length === 0)) return;
  ch.post({ type: 'chat/send', requestId: requestId(), text, model: selected || modelSelect.value, contexts });
  input.value = '';
  contexts = [];
  renderContexts();
  ch.setState({ text: '' } satisfies Draft);
}

function setBusy(b: boolean): void {
  busy = b;
  sendBtn.disabled = b;
  stopBtn.disabled = !b;
  status.textContent = b ? 'Smartflow is replying…' : idleNote;
}

function renderModels(list: ModelOption[], sel: string, error: string | null): void {
  models = list;
  selected = sel;
  clear(modelSelect);
  const ids = new Set(models.map((m) => m.id));
  if (sel && !ids.has(sel)) models = [{ id: sel }, ...models];
  for (const m of models) {
    const opt = h('option', { value: m.id }, m.provider ? `${m.id} (${m.provider})` : m.id);
    if (m.id === sel) opt.selected = true;
    modelSelect.append(opt);
  }
  idleNote = error ?? '';
  if (!busy) status.textContent = idleNote;
}

function renderContexts(): void {
  clear(contextList);
  contexts.forEach((c, i) => {
    const label = `${c.file}:${c.startLine}${c.endLine !== c.startLine ? `-${c.endLine}` : ''}`;
    contextList.append(
      h(
        'li',
        { class: 'chip', 'data-testid': 'chat-context-chip', title: c.text.slice(0, 500) },
        h('span', {}, label),
        button('×', 'chat-context-remove', `Remove attached context ${label}`, () => {
          contexts.splice(i, 1);
          renderContexts();
        }, { class: 'icon' }),
      ),
    );
  });
}

function metaFooter(m: ReplyMeta): HTMLElement {
  const redacted = Object.entries(m.redactedByType);
  const redactedTotal = redacted.reduce((a, [, n]) => a + n, 0);
  const parts = [
    `${m.provider}/${m.model}`,
    `${fmtInt(m.totalTokens)} tokens (${fmtInt(m.promptTokens)} in, ${fmtInt(m.completionTokens)} out)`,
    fmtCost(m.costUsd),
    `${fmtInt(m.latencyMs)} ms`,
    m.cached ? `cache hit: ${m.cacheHitType ?? 'exact'}` : 'not cached',
  ];
  if (redactedTotal) parts.push(`PII redacted: ${redacted.map(([t, n]) => `${t} ×${n}`).join(', ')}`);
  return h(
    'div',
    {
      class: 'meta',
      'data-testid': 'chat-reply-meta',
      'aria-label': 'Reply details',
      'data-provider': m.provider,
      'data-model': m.model,
      'data-cached': m.cached ? (m.cacheHitType ?? 'exact') : 'none',
      'data-tokens': m.totalTokens,
      'data-redacted': redactedTotal,
      'data-request-id': m.requestId,
    },
    parts.join(' · '),
  );
}

function codeActions(body: HTMLElement): void {
  body.querySelectorAll('pre').forEach((pre) => {
    const code = pre.querySelector('code');
    const text = (code ?? pre).textContent ?? '';
    const lang = /language-([\w+#.-]+)/.exec(code?.className ?? '')?.[1] ?? '';
    const bar = h(
      'div',
      { class: 'code-actions', role: 'group', 'aria-label': 'Code actions' },
      button('Copy', 'code-copy', 'Copy code', () => ch.post({ type: 'code/copy', code: text })),
      button('Insert', 'code-insert', 'Insert code at cursor', () => ch.post({ type: 'code/insert', code: text })),
      button('Open', 'code-open', 'Open code in new editor', () => ch.post({ type: 'code/open', code: text, language: lang })),
    );
    pre.after(bar);
  });
}

function stateOf(t: ChatTurn): string {
  if (t.pending) return 'pending';
  if (t.error) return 'error';
  if (t.stopped) return 'stopped';
  return 'done';
}

function renderTurn(entry: { turn: ChatTurn; el: HTMLElement }): void {
  const { turn, el } = entry;
  clear(el);
  el.dataset.state = stateOf(turn);
  const who = turn.role === 'user' ? 'You' : 'Smartflow';
  el.append(h('div', { class: 'who', 'aria-hidden': 'true' }, who));
  const body = h('div', { class: 'body', 'data-testid': 'chat-turn-body' });
  if (turn.role === 'user') {
    body.append(h('p', { class: 'user-text' }, turn.text));
    for (const c of turn.contexts ?? []) body.append(h('div', { class: 'ctx' }, `📎 ${c.file}:${c.startLine}-${c.endLine}`));
  } else {
    // Sanitised HTML (see markdown.ts); the only place model output becomes markup.
    body.innerHTML = render(turn.text);
    if (!turn.pending) codeActions(body);
  }
  el.append(body);
  if (turn.pending && !turn.text) el.append(h('div', { class: 'typing', 'aria-label': 'Smartflow is replying' }, '…'));
  if (turn.stopped) el.append(h('div', { class: 'note', 'data-testid': 'chat-stopped' }, 'Stopped.'));
  if (turn.error) {
    el.append(
      h(
        'div',
        { class: 'error', role: 'alert', 'data-testid': 'chat-error', 'data-code': turn.error.code, 'aria-label': 'Error' },
        h('strong', {}, turn.error.message),
        h('div', {}, turn.error.hint),
      ),
    );
  }
  if (turn.meta) el.append(metaFooter(turn.meta));
}

function addTurn(turn: ChatTurn): void {
  empty.remove();
  let entry = turns.get(turn.id);
  if (!entry) {
    const el = h('article', {
      class: `turn ${turn.role}`,
      'data-testid': 'chat-turn',
      'data-role': turn.role,
      'data-turn-id': turn.id,
      'aria-label': turn.role === 'user' ? 'You said' : 'Smartflow replied',
    });
    entry = { turn, el, dirty: false };
    turns.set(turn.id, entry);
    transcript.append(el);
  }
  entry.turn = turn;
  renderTurn(entry);
  scrollDown();
}

let frame = 0;
function scheduleRender(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    for (const e of turns.values()) {
      if (!e.dirty) continue;
      e.dirty = false;
      renderTurn(e);
    }
    scrollDown();
  });
}

function scrollDown(): void {
  transcript.scrollTop = transcript.scrollHeight;
}

function onMessage(m: ChatHostMessage): void {
  switch (m.type) {
    case 'chat/state':
      turns.clear();
      clear(transcript);
      transcript.append(empty);
      for (const t of m.turns) addTurn(t);
      renderModels(m.models, m.selectedModel, m.modelsError);
      setBusy(m.busy);
      markReady();
      input.focus();
      break;
    case 'chat/models':
      renderModels(m.models, m.selectedModel, m.modelsError);
      break;
    case 'chat/turn':
      addTurn(m.turn);
      break;
    case 'chat/delta': {
      const e = turns.get(m.turnId);
      if (!e) break;
      e.turn.text += m.text;
      e.dirty = true;
      scheduleRender();
      break;
    }
    case 'chat/done': {
      const e = turns.get(m.turnId);
      if (!e) break;
      e.turn.pending = false;
      e.turn.stopped = m.stopped;
      if (m.meta) e.turn.meta = m.meta;
      e.dirty = false;
      renderTurn(e);
      status.textContent = m.stopped ? 'Stopped.' : '';
      break;
    }
    case 'chat/error': {
      const e = turns.get(m.turnId);
      if (!e) break;
      e.turn.pending = false;
      e.turn.error = m.error;
      e.dirty = false;
      renderTurn(e);
      break;
    }
    case 'chat/context':
      if (!contexts.some((c) => c.file === m.context.file && c.startLine === m.context.startLine && c.endLine === m.context.endLine)) contexts.push(m.context);
      renderContexts();
      input.focus();
      break;
    case 'chat/busy':
      setBusy(m.busy);
      break;
    case 'result':
      if (!m.ok && m.error) status.textContent = m.error;
      break;
    default: {
      const never: never = m;
      void never;
    }
  }
}

setBusy(false);
