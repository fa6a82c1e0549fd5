/**
 * A cancel switch that only builds an `AbortSignal` when someone asks for one. Creating an
 * AbortController (an EventTarget) and hanging undici's listener on it costs several µs per request on
 * the hot path, while most requests are never cancelled: the HTTP edge uses this instead, hands
 * undici the switch itself (undici accepts any EventEmitter-style `on`/`once`/`removeListener` object
 * with `aborted` / `reason`), and the real `signal` is materialised lazily for code that needs one
 * (retry sleeps, streams, fan-out), already aborted when the switch has been flipped.
 */

/** An EventEmitter-style cancel source (what undici accepts besides an AbortSignal). */
export interface AbortSource {
  readonly aborted: boolean;
  readonly reason: unknown;
  on(event: 'abort', fn: () => void): unknown;
  once(event: 'abort', fn: () => void): unknown;
  removeListener(event: 'abort', fn: () => void): unknown;
}

export class LazyAbort implements AbortSource {
  aborted = false;
  reason: unknown = undefined;
  private ac: AbortController | null = null;
  /** The usual single listener (the upstream call) in a slot; more only for retries / fan-out. */
  private fn: (() => void) | null = null;
  private more: Array<() => void> | null = null;

  /** A real AbortSignal tied to this switch (created on first use). */
  get signal(): AbortSignal {
    if (!this.ac) {
      this.ac = new AbortController();
      if (this.aborted) this.ac.abort(this.reason);
    }
    return this.ac.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.ac?.abort(reason);
    const fn = this.fn;
    const more = this.more;
    this.fn = null;
    this.more = null;
    fn?.();
    if (more) for (const f of more) f();
  }

  /** Listeners still registered (for tests: a finished call must leave none). */
  get listenerCount(): number {
    return (this.fn ? 1 : 0) + (this.more?.length ?? 0);
  }

  // EventEmitter-style surface (the only event is 'abort', fired at most once, so `on` = `once`).
  on(_event: 'abort', fn: () => void): this {
    if (this.aborted) return this;
    if (!this.fn) this.fn = fn;
    else (this.more ??= []).push(fn);
    return this;
  }

  once(event: 'abort', fn: () => void): this {
    return this.on(event, fn);
  }

  removeListener(_event: 'abort', fn: () => void): this {
    if (this.fn === fn) {
      this.fn = null;
      return this;
    }
    const more = this.more;
    if (more) {
      const i = more.indexOf(fn);
      if (i >= 0) more.splice(i, 1);
    }
    return this;
  }

  off(event: 'abort', fn: () => void): this {
    return this.removeListener(event, fn);
  }
}
