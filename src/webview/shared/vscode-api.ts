/**
 * The webview side of the protocol: a typed `post` to the host, a typed `onMessage` from it, and the
 * `ready` handshake. `acquireVsCodeApi` may be called only once per webview, so this module owns it.
 */
import type { HostMessage, InboundByView, OutboundByView, ViewKind } from '../protocol.js';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | null = null;
function vscodeApi(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}

export interface Channel<V extends ViewKind> {
  post(msg: InboundByView[V]): void;
  getState<T>(): T | undefined;
  setState(state: unknown): void;
}

/** Connects a view: registers the message listener, then posts `ready`. */
export function connect<V extends ViewKind>(_view: V, onMessage: (msg: OutboundByView[V]) => void): Channel<V> {
  const a = vscodeApi();
  window.addEventListener('message', (ev: MessageEvent) => {
    const data = ev.data as HostMessage | undefined;
    // Only the host posts to us; anything without a type is not ours.
    if (!data || typeof data !== 'object' || typeof (data as { type?: unknown }).type !== 'string') return;
    onMessage(data as OutboundByView[V]);
  });
  a.postMessage({ type: 'ready' });
  return {
    post: (msg) => a.postMessage(msg),
    getState: <T>() => (a.getState() as T | undefined) ?? undefined,
    setState: (s) => a.setState(s),
  };
}

let seq = 0;
export function requestId(): string {
  seq += 1;
  return `${Date.now().toString(36)}-${seq}`;
}
