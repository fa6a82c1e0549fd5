/**
 * The upstream HTTP client: one undici `Agent` (a keep-alive `Pool` per origin) with the configured
 * connect / headers / body timeouts. It only moves bytes and maps transport failures to GatewayError;
 * retries, fallback and parsing live in the pipeline. Injectable through `createGateway({ upstream })`.
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
    async send(req, signal, provider) {
      const url = split(req.url, provider);
      let data: Dispatcher.ResponseData;
      try {
        data = await agent.request({
          origin: url.origin,
          path: url.path,
          method: req.method,
          headers: req.headers,
          body: req.body,
          // A LazyAbort has the EventEmitter surface undici accepts (on/once/removeListener).
          signal: signal as AbortSignal,
        });
      } catch (e) {
        throw transportError(e, signal, provider, url.origin);
      }
      return wrapResponse(data, signal, provider, url.origin);
    },
    async close() {
      await agent.close();
    },
  };
}

/**
 * The undici response as an UpstreamResponse. A class (methods on the prototype) rather than closures
 * per response, and the mapped body iterator is only built when someone iterates it.
 */
class WrappedResponse implements UpstreamResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  private readonly raw: Dispatcher.ResponseData['body'];

  constructor(
    data: Dispatcher.ResponseData,
    private readonly signal: AbortSignal | AbortSource,
    private readonly provider: string | undefined,
    private readonly origin: string,
  ) {
    this.status = data.statusCode;
    this.headers = data.headers;
    this.raw = data.body;
  }

  get body(): AsyncIterable<Uint8Array> {
    const { raw, signal, provider, origin } = this;
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for await (const chunk of raw) yield chunk as Uint8Array;
        } catch (e) {
          throw transportError(e, signal, provider, origin);
        }
      },
    };
  }

  private fail(e: unknown): never {
    throw transportError(e, this.signal, this.provider, this.origin);
  }

  async text(): Promise<string> {
    try {
      return await this.raw.text();
    } catch (e) {
      this.fail(e);
    }
  }

  async json(): Promise<unknown> {
    try {
      return await this.raw.json();
    } catch (e) {
      this.fail(e);
    }
  }

  async bytes(): Promise<Uint8Array> {
    try {
      return new Uint8Array(await this.raw.arrayBuffer());
    } catch (e) {
      this.fail(e);
    }
  }

  dump(): Promise<void> {
    return this.raw.dump().catch(() => undefined);
  }
}

function wrapResponse(data: Dispatcher.ResponseData, signal: AbortSignal | AbortSource, provider: string | undefined, origin: string): UpstreamResponse {
  return new WrappedResponse(data, signal, provider, origin);
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
