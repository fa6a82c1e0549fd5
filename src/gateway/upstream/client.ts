/**
 * The upstream HTTP client: one undici `Agent` (a keep-alive `Pool` per origin) with the configured
 * connect / headers / body timeouts, driven through `dispatch()` with its own response handler
 * (UpstreamCall) instead of `request()`'s Readable. It only moves bytes and maps transport failures to
 * GatewayError; retries, fallback and parsing live in the pipeline. Injectable through
 * `createGateway({ upstream })`.
 */
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import { GatewayError, isGatewayError } from '../errors.js';
import type { TimeoutConfig } from '../config.js';
import type { UpstreamRequest } from '../providers/types.js';
import type { AbortSource } from '../util/abort.js';

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Raw body bytes; iteration errors are already mapped to GatewayError. */
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
  json(): Promise<unknown>;
  bytes(): Promise<Uint8Array>;
  /** Discards the rest of the body so the connection can be reused. */
  dump(): Promise<void>;
}

export interface Upstream {
  /**
   * `signal` is an AbortSignal, or (from the HTTP edge) a `LazyAbort`, which undici listens to like an
   * EventEmitter so no AbortSignal has to be built per request.
   */
  send(req: UpstreamRequest, signal: AbortSignal | AbortSource, provider?: string): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

export interface UpstreamOptions {
  timeouts: TimeoutConfig;
  /** Max sockets per origin (undefined = unlimited). */
  connectionsPerOrigin?: number;
  keepAliveMs?: number;
}

/** Creates the undici-backed upstream. Close it with `close()` (the gateway does on its own close). */
export function createUpstream(opts: UpstreamOptions): Upstream {
  const agent = new Agent({
    connect: { timeout: opts.timeouts.connectMs },
    headersTimeout: opts.timeouts.headersMs,
    bodyTimeout: opts.timeouts.bodyMs,
    keepAliveTimeout: opts.keepAliveMs ?? 30_000,
    keepAliveMaxTimeout: 10 * 60_000,
    connections: opts.connectionsPerOrigin ?? null,
    pipelining: 1,
  });

  // Requests go to a few endpoint URLs over and over; parse each once.
  let parsed = new Map<string, { origin: string; path: string }>();
  const split = (raw: string, provider: string | undefined): { origin: string; path: string } => {
    let u = parsed.get(raw);
    if (u) return u;
    let url: URL;
    try {
      url = new URL(raw);
    } catch (e) {
      throw new GatewayError('internal', `The ${provider ?? 'provider'} base URL is not a valid URL: ${raw}. Fix the provider's base URL setting.`, { cause: e, provider });
    }
    u = { origin: url.origin, path: url.pathname + url.search };
    if (parsed.size >= 256) parsed = new Map();
    parsed.set(raw, u);
    return u;
  };

  return {
    send(req, signal, provider) {
      let url: { origin: string; path: string };
      try {
        url = split(req.url, provider);
      } catch (e) {
        return Promise.reject(e);
      }
      const call = new UpstreamCall(signal, provider, url.origin);
      agent.dispatch(
        {
          origin: url.origin,
          path: url.path,
          method: req.method as Dispatcher.HttpMethod,
          headers: req.headers,
          body: req.body,
        },
        call,
      );
      return call.headersReceived;
    },
    async close() {
      await agent.close();
    },
  };
}

/** Bytes `dump()` reads and drops before it gives up on the connection (undici's dump uses the same). */
const DUMP_LIMIT = 128 * 1024;
/** Bytes a streaming reader may fall behind before the upstream socket is paused (a Readable's default). */
const HIGH_WATER = 64 * 1024;

/**
 * One upstream exchange: the undici dispatch handler and the UpstreamResponse in one object. undici's
 * `request()` would build a Readable (BodyReadable) per response plus an AsyncResource, and `.text()`
 * then drains that stream through events; for the small JSON answers of the hot path that was most of
 * the upstream client's CPU. Here the body chunks are kept in an array while they arrive: `text()` /
 * `bytes()` join them once, and `body` (streams) hands them out one by one, pausing the socket when the
 * reader falls HIGH_WATER bytes behind. Cancelling (`signal`, or a reader that stops iterating early)
 * aborts the undici request just as destroying its Readable did; errors map to GatewayError.
 */
class UpstreamCall implements UpstreamResponse {
  status = 0;
  /** undici's raw header list, parsed on first read of `headers` (the success path rarely reads them). */
  private rawHeaders: Buffer[] | null = null;
  private parsedHeaders: Record<string, string | string[] | undefined> | null = null;
  /** Resolves with this object when the status line and headers are in; rejects on transport failure. */
  readonly headersReceived: Promise<UpstreamResponse>;
  private resolveHeaders: ((r: UpstreamResponse) => void) | null = null;
  private rejectHeaders: ((e: unknown) => void) | null = null;
  private abortRequest: ((e: Error) => void) | null = null;
  private resumeSocket: (() => void) | null = null;
  /** Why the caller's signal cancelled us, when it did before undici handed over its abort function. */
  private cancelReason: Error | null = null;
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes received but not yet handed to a streaming reader. */
  private queued = 0;
  private complete = false;
  private failure: unknown = null;
  /** The body reader waiting for the next chunk / the end. */
  private wake: (() => void) | null = null;
  private paused = false;
  /** text()/bytes() wants the whole body: no backpressure then. */
  private collecting = false;
  private discarding = false;
  private consumed = false;
  private readonly onCancel: (() => void) | null = null;

  constructor(
    private readonly signal: AbortSignal | AbortSource,
    private readonly provider: string | undefined,
    private readonly origin: string,
  ) {
    this.headersReceived = new Promise<UpstreamResponse>((resolve, reject) => {
      this.resolveHeaders = resolve;
      this.rejectHeaders = reject;
    });
    if (signal.aborted) {
      this.cancelReason = cancelError(signal);
    } else {
      this.onCancel = () => this.cancel(cancelError(this.signal));
      if ('addEventListener' in signal) signal.addEventListener('abort', this.onCancel, { once: true });
      else signal.once('abort', this.onCancel);
    }
  }

  // ---- undici handler (called by the connection) -------------------------------------------------
  onConnect(abort: (e?: Error) => void): void {
    if (this.cancelReason) abort(this.cancelReason);
    else this.abortRequest = abort;
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    if (status < 200) return true; // 1xx: wait for the real response
    this.status = status;
    this.rawHeaders = raw;
    this.resumeSocket = resume;
    const resolve = this.resolveHeaders;
    this.resolveHeaders = this.rejectHeaders = null;
    resolve?.(this);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.discarding) {
      if (this.size > DUMP_LIMIT) this.abortRequest?.(new Error('response body discarded'));
      return true;
    }
    this.chunks.push(chunk);
    this.queued += chunk.length;
    this.signalReader();
    // Nobody reading yet, or a reader behind: stop reading the socket (a body nobody reads must not
    // pile up in memory), unless text()/bytes() is gathering the whole body anyway.
    if (!this.collecting && this.queued >= HIGH_WATER) {
      this.paused = true;
      return false;
    }
    return true;
  }

  onComplete(): void {
    this.complete = true;
    this.signalReader();
  }

  onError(err: Error): void {
    if (this.complete) return;
    const e = this.cancelReason ?? err;
    if (this.rejectHeaders) {
      const reject = this.rejectHeaders;
      this.resolveHeaders = this.rejectHeaders = null;
      this.release();
      reject(transportError(e, this.signal, this.provider, this.origin));
      return;
    }
    this.failure ??= e;
    this.complete = true;
    this.signalReader();
  }

  // ---- UpstreamResponse -----------------------------------------------------------------------------
  get headers(): Record<string, string | string[] | undefined> {
    return (this.parsedHeaders ??= parseRawHeaders(this.rawHeaders ?? []));
  }

  get body(): AsyncIterable<Uint8Array> {
    return { [Symbol.asyncIterator]: () => this.iterate() };
  }

  private async *iterate(): AsyncGenerator<Uint8Array> {
    let finished = false;
    try {
      for (;;) {
        if (this.chunks.length) {
          const c = this.chunks.shift()!;
          this.queued -= c.length;
          if (this.paused && this.queued < HIGH_WATER / 2) this.resume();
          yield c;
          continue;
        }
        if (this.failure) throw transportError(this.failure, this.signal, this.provider, this.origin);
        if (this.complete) {
          finished = true;
          return;
        }
        await new Promise<void>((r) => (this.wake = r));
      }
    } finally {
      // A reader that stops early (break, error downstream) releases the connection like a destroyed stream.
      if (!finished && !this.complete) this.abortRequest?.(new Error('the response body was not read to the end'));
      this.release();
    }
  }

  private async collect(): Promise<Buffer> {
    this.collecting = true;
    this.resume();
    while (!this.complete) await new Promise<void>((r) => (this.wake = r));
    this.release();
    if (this.failure) throw transportError(this.failure, this.signal, this.provider, this.origin);
    return this.take();
  }

  /** The whole body in one Buffer (the last step of reading it). */
  private take(): Buffer {
    this.release();
    const c = this.chunks;
    this.chunks = [];
    // (A second read finds nothing left: an empty body, never `size` zero bytes.)
    return c.length === 1 ? c[0] : c.length === 0 ? Buffer.alloc(0) : Buffer.concat(c, this.size);
  }

  text(): Promise<string> {
    // The usual case: the whole (small) body came in with the headers, so no wait is needed.
    if (this.complete && !this.failure && !this.consumed) return Promise.resolve(this.take().toString('utf8'));
    return this.collect().then((b) => b.toString('utf8'));
  }

  async json(): Promise<unknown> {
    const text = await this.text();
    try {
      return JSON.parse(text);
    } catch (e) {
      throw transportError(e, this.signal, this.provider, this.origin);
    }
  }

  async bytes(): Promise<Uint8Array> {
    const b = await this.collect();
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }

  async dump(): Promise<void> {
    this.discarding = true;
    this.chunks = [];
    this.queued = 0;
    this.resume();
    while (!this.complete) await new Promise<void>((r) => (this.wake = r));
    this.release();
  }

  // ---- internals ------------------------------------------------------------------------------------
  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.resumeSocket?.();
  }

  private signalReader(): void {
    const w = this.wake;
    if (w) {
      this.wake = null;
      w();
    }
  }

  /**
   * The caller cancelled. Before the headers or while the body flows, the undici request is aborted
   * (its onError then fails the waiting side); a body that already arrived but is not read yet fails
   * its reader too, as a destroyed Readable would.
   */
  private cancel(reason: Error): void {
    this.cancelReason = reason;
    if (this.abortRequest && !this.complete) this.abortRequest(reason);
    else if (!this.consumed && this.complete && !this.failure) {
      this.failure = reason;
      this.signalReader();
    }
  }

  /** The body is consumed or failed: stop listening to the caller's signal. */
  private release(): void {
    if (this.consumed) return;
    this.consumed = true;
    const fn = this.onCancel;
    if (!fn) return;
    const s = this.signal;
    if ('removeEventListener' in s) s.removeEventListener('abort', fn);
    else s.removeListener('abort', fn);
  }
}

function cancelError(signal: { readonly reason: unknown }): Error {
  const r = signal.reason;
  return r instanceof Error ? r : new Error('The request was cancelled.');
}

/** undici's raw header list ([name, value, …] as Buffers) → lower-case keys, repeated names as arrays. */
function parseRawHeaders(raw: Buffer[]): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = Object.create(null) as Record<string, string | string[] | undefined>;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i].toString('latin1').toLowerCase();
    const val = raw[i + 1].toString('latin1');
    const prev = out[key];
    if (prev === undefined) out[key] = val;
    else if (typeof prev === 'string') out[key] = [prev, val];
    else prev.push(val);
  }
  return out;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);
const TIMEOUT = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Maps an undici/socket failure to the gateway's error codes (502 unreachable, 504 timeout, 499 aborted). */
export function transportError(e: unknown, signal: { readonly aborted: boolean } | undefined, provider: string | undefined, origin: string): GatewayError {
  if (isGatewayError(e)) return e;
  const who = provider ?? 'the provider';
  if (signal?.aborted) return new GatewayError('aborted', 'The request was cancelled by the client.', { cause: e, provider });
  const code = errCode(e);
  if (code && TIMEOUT.has(code)) {
    const phase = code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connecting to' : code === 'UND_ERR_HEADERS_TIMEOUT' ? 'waiting for a response from' : 'waiting for more data from';
    return new GatewayError('upstream_timeout', `Timed out ${phase} ${who} at ${origin}. Try again, or raise the gateway's timeouts if the provider is slow.`, { cause: e, provider });
  }
  if (code && UNREACHABLE.has(code)) {
    return new GatewayError('upstream_unreachable', `Could not reach ${who} at ${origin} (${code}). Check the network and the provider's base URL.`, { cause: e, provider });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new GatewayError('upstream_unreachable', `The connection to ${who} at ${origin} failed: ${msg}. Check the network and the provider's base URL.`, { cause: e, provider });
}

function errCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') return c;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
