/**
 * The loopback HTTP server (node:http). It owns the edge: Host check, bearer token, body limits, JSON
 * and multipart parsing, OpenAI-shaped (or Anthropic-shaped on /anthropic) error bodies, the
 * `x-smartflow-*` response headers, SSE writing (one chunk → one event, written at once, with
 * backpressure), and turning a client disconnect into `ctx.signal` aborting. It serves the OpenAI API on
 * the main surface plus the `Route[]` of the feature areas; the compliance and management surfaces serve
 * only their routes and /health.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError, isGatewayError, toOpenAiErrorBody } from '../errors.js';
import type { ChatRequest, Clock, Gateway, Logger, RequestContext, ResultMeta } from '../types.js';
import type { Route, RouteRequest, RouteResult } from './route.js';
import { hostChecker, tokenChecker } from './guard.js';
import { parseJson, parseMultipart, readBody } from './body.js';
import { newRequestId } from '../util/ids.js';
import { LazyAbort } from '../util/abort.js';

export type Surface = 'main' | 'compliance' | 'management';

export interface HttpServerOptions {
  gateway: Gateway;
  routes: Route[];
  /** Accepted bearer tokens: the local token plus any virtual keys. */
  tokens: string[];
  host: string;
  port: number;
  maxBodyBytes: number;
  surface: Surface;
  clock: Clock;
  logger: Logger;
  newId?: () => string;
  /** Extra Host names to accept besides loopback names (e.g. a LAN name when bound to one on purpose). */
  allowedHosts?: string[];
}

export interface HttpServerHandle {
  server: Server;
  url: string;
  host: string;
  port: number;
  /** Replace the accepted tokens (virtual keys added or revoked). */
  setTokens(tokens: string[]): void;
  close(): Promise<void>;
}

type ErrorStyle = 'openai' | 'anthropic';

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  ctx: EdgeContext;
  t0: number;
  path: string;
  query: string;
  style: ErrorStyle;
}

/**
 * The RequestContext of one HTTP exchange. A class so the per-request parts are plain fields and
 * prototype methods (no closures): `report` keeps the meta for the x-smartflow-* headers, and the
 * client-disconnect switch is a LazyAbort — `signal` builds a real AbortSignal only when read, while
 * the upstream call listens to `abortSource` directly (prototype getters: a `{ ...ctx }` copy, as
 * fan-out makes with its own signal, does not carry them).
 */
class EdgeContext implements RequestContext {
  readonly source = 'http';
  cacheMode?: 'off' | 'no-store';
  /** The final meta the pipeline reported (for the x-smartflow-* headers). */
  meta?: ResultMeta;
  private readonly lazy = new LazyAbort();

  constructor(
    public requestId: string,
    public startedAt: number,
    public userId: string | undefined,
    public orgId: string | undefined,
    public conversationId: string | undefined,
  ) {}

  get signal(): AbortSignal {
    return this.lazy.signal;
  }

  get abortSource(): LazyAbort {
    return this.lazy;
  }

  report(m: ResultMeta): void {
    this.meta = m;
  }

  abort(reason: unknown): void {
    this.lazy.abort(reason);
  }
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };

/** Starts listening and resolves once bound (port 0 picks a free port). */
export async function createHttpServer(opts: HttpServerOptions): Promise<HttpServerHandle> {
  const { gateway, clock, logger } = opts;
  const newId = opts.newId ?? newRequestId;
  const hostOk = hostChecker(opts.host, opts.allowedHosts);
  const tokens = tokenChecker(opts.tokens);
  const exact = new Map<string, Route>();
  const param: Array<{ route: Route; parts: string[] }> = [];
  for (const r of opts.routes) {
    if (opts.surface !== 'main' && !(r.surfaces ?? []).includes(opts.surface)) continue;
    if (r.path.includes('/:')) param.push({ route: r, parts: r.path.split('/') });
    else exact.set(`${r.method} ${r.path}`, r);
  }

  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => {
    handle(req, res).catch((e) => {
      logger.error('unhandled server error', { error: (e as Error)?.message });
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'Internal gateway error.', type: 'api_error', code: 'internal' } }));
      } else res.destroy();
    });
  });
  // A malformed request line / headers: answer 400 instead of dropping the socket silently.
  server.on('clientError', (err, socket) => {
    if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    const body = JSON.stringify({ error: { message: 'Malformed HTTP request.', type: 'invalid_request_error', code: 'invalid_request' } });
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = clock.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    const ctx = new EdgeContext(
      newId(),
      t0,
      header(req, 'x-smartflow-user-id') ?? header(req, 'x-user-id'),
      header(req, 'x-smartflow-org-id'),
      header(req, 'x-conversation-id') ?? header(req, 'x-session-id'),
    );
    // 'close' fires once per response: `on` spares the once-wrapper `once` would allocate.
    res.on('close', () => {
      if (!res.writableFinished) ctx.abort(new GatewayError('aborted', 'The client disconnected.'));
    });
    const cacheHdr = header(req, 'x-smartflow-cache');
    if (cacheHdr === 'off' || cacheHdr === 'no-store') ctx.cacheMode = cacheHdr;
    const ex: Exchange = { req, res, ctx, t0, path, query: q >= 0 ? url.slice(q + 1) : '', style: path.startsWith('/anthropic/') ? 'anthropic' : 'openai' };
    try {
      if (!hostOk(req.headers.host)) {
        throw new GatewayError('forbidden_host', `Host "${req.headers.host ?? ''}" is not allowed: the gateway only answers requests addressed to localhost / 127.0.0.1 / [::1].`);
      }
      const method = req.method ?? 'GET';
      if (path === '/health' && (method === 'GET' || method === 'HEAD')) {
        return sendJson(ex, 200, { status: 'ok', surface: opts.surface });
      }
      if (!tokens.check(req.headers)) {
        throw new GatewayError('unauthorized', 'Missing or invalid API key. Send the Smartflow token as "Authorization: Bearer <token>" (the CLI prints where the token file is).');
      }
      if (opts.surface === 'main') {
        // The hot path first, without the dispatch hop through builtin().
        if (method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) return await chat(ex);
        if (await builtin(ex, method)) return;
      }
      const found = matchRoute(method, path);
      if (!found) {
        const allowed = exact.has(`GET ${path}`) || exact.has(`POST ${path}`);
        throw new GatewayError('not_found', allowed ? `Method ${method} is not allowed on ${path}.` : `No route ${method} ${path} on this port. See docs/http-api.md for the endpoints.`, {
          status: allowed ? 405 : 404,
        });
      }
      const body = method === 'GET' || method === 'HEAD' || method === 'DELETE' ? undefined : parseJson(await readBody(req, opts.maxBodyBytes));
      const rr: RouteRequest = { method, path, params: found.params, query: new URLSearchParams(ex.query), headers: req.headers, body, ctx };
      const result = await found.route.handler(rr);
      await sendRouteResult(ex, result);
    } catch (e) {
      sendError(ex, e);
    }
  }

  function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    const r = exact.get(`${method} ${path}`);
    if (r) return { route: r, params: {} };
    const segs = path.split('/');
    for (const { route, parts } of param) {
      if (route.method !== method || parts.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        if (parts[i].startsWith(':')) {
          try {
            params[parts[i].slice(1)] = decodeURIComponent(segs[i]);
          } catch {
            ok = false;
            break;
          }
        } else if (parts[i] !== segs[i]) {
          ok = false;
          break;
        }
      }
      if (ok) return { route, params };
    }
    return null;
  }

  /** The OpenAI-compatible and native Anthropic endpoints. Returns false when the path is not one. */
  async function builtin(ex: Exchange, method: string): Promise<boolean> {
    const { path, ctx } = ex;
    if (method === 'POST') {
      switch (path) {
        // (chat completions are dispatched in handle(), before this switch)
        case '/v1/embeddings':
          return json200(ex, await gateway.embeddings((await jsonBody(ex)) as never, ctx));
        case '/v1/rerank':
          return json200(ex, await gateway.rerank((await jsonBody(ex)) as never, ctx));
        case '/v1/images/generations':
          return json200(ex, await gateway.images((await jsonBody(ex)) as never, ctx));
        case '/v1/audio/speech': {
          const out = await gateway.speech((await jsonBody(ex)) as never, ctx);
          send(ex, 200, out.contentType, Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength));
          return true;
        }
        case '/v1/audio/transcriptions': {
          const buf = await readBody(ex.req, opts.maxBodyBytes);
          const f = parseMultipart(buf, ex.req.headers['content-type']);
          const tr: Record<string, unknown> = { ...f };
          if (typeof f.temperature === 'string') tr.temperature = Number(f.temperature);
          const out = await gateway.transcription(tr as never, ctx);
          if (typeof out === 'string') send(ex, 200, 'text/plain; charset=utf-8', out);
          else json200(ex, out);
          return true;
        }
        case '/anthropic/v1/messages':
          await anthropic(ex);
          return true;
      }
      return false;
    }
    if (method === 'GET') {
      if (path === '/v1/models' || path === '/models') {
        const models = await gateway.listModels(ctx);
        ex.ctx.meta = { ...blankMeta(ctx), provider: [...new Set(models.map((m) => m.provider ?? ''))].filter(Boolean).join(',') || 'none' };
        return json200(ex, { object: 'list', data: models });
      }
      if (path.startsWith('/v1/models/')) {
        let id: string;
        try {
          id = decodeURIComponent(path.slice('/v1/models/'.length));
        } catch {
          throw new GatewayError('invalid_request', 'The model id in the path is not valid URL encoding.');
        }
        const models = await gateway.listModels(ctx);
        const m = models.find((x) => x.id === id);
        if (!m) throw new GatewayError('not_found', `The model "${id}" is not in the list of models of the configured providers.`, { status: 404 });
        return json200(ex, m);
      }
    }
    return false;
  }

  async function jsonBody(ex: Exchange): Promise<unknown> {
    const body = parseJson(await readBody(ex.req, opts.maxBodyBytes));
    if (body === undefined) throw new GatewayError('invalid_request', 'The request body is empty: send a JSON object.');
    return body;
  }

  /** Chat completions: the JSON answer here, the SSE stream in chatSse (kept apart so the hot path stays short). */
  async function chat(ex: Exchange): Promise<void> {
    const body = parseJson(await readBody(ex.req, opts.maxBodyBytes)) as ChatRequest;
    if (body === undefined) throw new GatewayError('invalid_request', 'The request body is empty: send a JSON object.');
    if (body && typeof body === 'object' && body.stream === true) return chatSse(ex, body);
    const { response, meta } = await gateway.chat(body, ex.ctx);
    ex.ctx.meta = meta;
    sendJson(ex, 200, response);
  }

  async function chatSse(ex: Exchange, body: ChatRequest): Promise<void> {
    const stream = await gateway.chatStream(body, ex.ctx);
    const e = stream.early;
    const h = edgeHeaders(ex);
    h['x-smartflow-provider'] = e.provider;
    h['x-smartflow-cache'] = e.cached ? `hit-${e.cacheHitType}` : 'miss';
    ex.res.writeHead(200, { ...SSE_HEADERS, ...h });
    ex.res.flushHeaders();
    try {
      for await (const chunk of stream) {
        if (!ex.res.write(`data: ${JSON.stringify(chunk)}\n\n`)) await drained(ex.res);
        if (ex.res.destroyed) break;
      }
      ex.res.end('data: [DONE]\n\n');
    } catch (err) {
      const g = isGatewayError(err) ? err : new GatewayError('internal', `Internal gateway error: ${(err as Error)?.message}`);
      if (g.code === 'aborted' || ex.res.destroyed) {
        ex.res.destroy();
        return;
      }
      // Mid-stream failure: the status is already 200, so the error travels as an SSE event the
      // OpenAI clients raise as an APIError; no [DONE] follows, so nobody mistakes it for a full answer.
      ex.res.end(`data: ${JSON.stringify(toOpenAiErrorBody(g))}\n\n`);
    }
  }

  async function anthropic(ex: Exchange): Promise<void> {
    const body = (await jsonBody(ex)) as never;
    const out = await gateway.anthropicMessages(body, ex.ctx);
    if ('stream' in out) {
      const h = edgeHeaders(ex);
      h['x-smartflow-provider'] = 'anthropic';
      ex.res.writeHead(200, { ...SSE_HEADERS, ...h });
      ex.res.flushHeaders();
      try {
        for await (const bytes of out.stream) {
          if (!ex.res.write(bytes)) await drained(ex.res);
          if (ex.res.destroyed) break;
        }
        ex.res.end();
      } catch {
        ex.res.destroy();
      }
      return;
    }
    ex.ctx.meta = out.meta;
    sendJson(ex, out.status, out.body);
  }

  function edgeHeaders(ex: Exchange): Record<string, string> {
    const elapsed = clock.now() - ex.t0;
    const m = ex.ctx.meta;
    const added = m ? Math.max(0, elapsed - (m.latencyMs - m.gatewayMs)) : elapsed;
    const h: Record<string, string> = {
      'x-smartflow-request-id': ex.ctx.requestId,
      'x-smartflow-gateway-ms': added.toFixed(3),
      'x-smartflow-cache': m?.cached ? `hit-${m.cacheHitType}` : 'miss',
      'x-smartflow-provider': m?.provider || 'none',
    };
    return h;
  }

  function json200(ex: Exchange, body: unknown): true {
    sendJson(ex, 200, body);
    return true;
  }

  function sendJson(ex: Exchange, status: number, body: unknown, extra?: Record<string, string>): void {
    send(ex, status, 'application/json', JSON.stringify(body), extra);
  }

  /**
   * Writes a whole response. A string body goes out in the same write as the headers (Node joins
   * them), which saves a writev syscall per response on the hot path.
   */
  function send(ex: Exchange, status: number, contentType: string, body: Buffer | string, extra?: Record<string, string>): void {
    if (ex.res.headersSent || ex.res.destroyed) return;
    const h = edgeHeaders(ex);
    h['content-type'] = contentType;
    h['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length);
    if (extra) Object.assign(h, extra);
    ex.res.writeHead(status, h);
    ex.res.end(ex.req.method === 'HEAD' ? undefined : body);
  }

  async function sendRouteResult(ex: Exchange, r: RouteResult): Promise<void> {
    const status = r.status ?? 200;
    if ('json' in r) return sendJson(ex, status, r.json, r.headers);
    if ('text' in r) return send(ex, status, r.contentType ?? 'text/plain; charset=utf-8', r.text, r.headers);
    const h = { ...edgeHeaders(ex), 'content-type': r.contentType, ...(r.headers ?? {}) };
    ex.res.writeHead(status, h);
    try {
      for await (const piece of r.stream) {
        if (!ex.res.write(piece)) await drained(ex.res);
        if (ex.res.destroyed) return;
      }
      ex.res.end();
    } catch (e) {
      logger.warn('streamed route failed', { path: ex.path, error: (e as Error)?.message });
      ex.res.destroy();
    }
  }

  function sendError(ex: Exchange, e: unknown): void {
    const err = isGatewayError(e) ? e : new GatewayError('internal', `Internal gateway error: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    if (err.code === 'internal') logger.error('request failed', { path: ex.path, requestId: ex.ctx.requestId, error: err.message });
    if (ex.res.headersSent) {
      ex.res.destroy();
      return;
    }
    if (err.code === 'aborted' && ex.res.destroyed) return;
    const extra: Record<string, string> = {};
    if (err.provider) extra['x-smartflow-provider'] = err.provider;
    if (err.code === 'rate_limited' && err.retryAfterMs !== undefined) extra['retry-after'] = String(Math.ceil(err.retryAfterMs / 1000));
    if ((err as { closeConnection?: boolean }).closeConnection) extra.connection = 'close';
    if (err.code === 'unauthorized') extra['www-authenticate'] = 'Bearer';
    const body = ex.style === 'anthropic' ? anthropicErrorBody(err) : toOpenAiErrorBody(err);
    sendJson(ex, err.status, body, extra);
    if ((err as { closeConnection?: boolean }).closeConnection) ex.res.once('finish', () => ex.req.destroy());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${hostForUrl}:${addr.port}`,
    host: addr.address,
    port: addr.port,
    setTokens: (t) => tokens.set(t),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.trim() ? s.trim() : undefined;
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function blankMeta(ctx: RequestContext): ResultMeta {
  return {
    requestId: ctx.requestId,
    provider: '',
    model: '',
    cached: false,
    cacheHitType: null,
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    costUsd: 0,
    latencyMs: 0,
    gatewayMs: 0,
    routingStrategy: 'direct',
    routingReason: '',
    attempts: 0,
  };
}

/** Anthropic's error shape for the native path: {"type":"error","error":{"type","message"}}. */
export function anthropicErrorBody(err: GatewayError): Record<string, unknown> {
  const type =
    err.status === 401
      ? 'authentication_error'
      : err.status === 403
        ? 'permission_error'
        : err.status === 404
          ? 'not_found_error'
          : err.status === 413
            ? 'request_too_large'
            : err.status === 429
              ? 'rate_limit_error'
              : err.status === 504
                ? 'timeout_error'
                : err.status >= 500
                  ? 'api_error'
                  : 'invalid_request_error';
  return { type: 'error', error: { type, message: err.message, code: err.code } };
}
