/**
 * Tiny DOM builder: elements are created with properties and text only (never innerHTML), so nothing
 * from the host or the model can become markup except through the sanitiser in markdown.ts.
 */

type Attrs = Record<string, string | number | boolean | undefined | null>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Node | string | null | undefined | false>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

/** A button with a visible label, an aria-label and a test id. */
export function button(label: string, testid: string, aria: string, onClick: () => void, extra: Attrs = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', 'data-testid': testid, 'aria-label': aria, title: aria, ...extra }, label);
  b.addEventListener('click', onClick);
  return b;
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function markReady(): void {
  document.body.dataset.ready = 'true';
  document.getElementById('app')?.setAttribute('aria-busy', 'false');
}

export function fmtCost(usd: number): string {
  if (!usd) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(5)}`;
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
