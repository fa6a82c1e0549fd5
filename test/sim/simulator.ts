/**
 * Provider simulator: a real node:http server on loopback that speaks the providers' documented wire
 * formats (OpenAI and compatibles incl. Azure/Gemini/Ollama paths, Anthropic Messages, Cohere v2), with
 * deterministic replies, token usage computed from the text, controllable latency/pacing/faults, and a
 * record of every request it received (keys redacted except in memory).
 *
 * Mounts (what `baseUrlFor(provider)` / `env()` hand out):
 *   openai     {url}/v1                       anthropic  {url}/anthropic   (→ /anthropic/v1/messages)
 *   gemini     {url}/v1beta/openai            cohere     {url}/cohere      (→ /cohere/v2/chat)
 *   azure      {url}/azure (→ /azure/openai/deployments/{d}/chat/completions?api-version=…)
 *   ollama     {url}/ollama (→ /ollama/v1/…)  local      {url}/local/v1
 *   any other OpenAI-compatible id: {url}/{id}/v1
 * Unmounted `/v1/messages` is Anthropic and `/v2/…` is Cohere, so a bare base URL works too.
 *
 * Controls, per request: `x-sim-latency-ms`, `x-sim-body-delay-ms`, `x-sim-chunks`, `x-sim-chunk-delay-ms`,
 * `x-sim-status`, `x-sim-retry-after`, `x-sim-error`, `x-sim-fault` (reset | reset-mid-stream | malformed |
 * truncate | hang | stream-error), `x-sim-reply`, `x-sim-tool-call` (name or "auto"); or queued with
 * `sim.script([...])` (in process) / `POST /__sim/script` (standalone). `GET /__sim/requests` and
 * `POST /__sim/reset` serve tests that run the simulator as a separate process.
 *
 * Standalone: `node --import tsx test/sim/simulator.ts --port 0 [--host 127.0.0.1] [--no-record]
 * [--chunks N] [--chunk-delay-ms N] [--latency-ms N]` prints `{"url":"http://127.0.0.1:PORT"}` on one line.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  parseMultipart,
  sleep,
  type SimControl,
  type SimFault,
  type SimIO,
  type SimRequest,
  type SimScriptEntry,
} from './common.js';
import { defaultErrorMessage, handleOpenAi, openAiErrorBody } from './openai-wire.js';
import { anthropicErrorBody, handleAnthropic } from './anthropic-wire.js';
import { cohereErrorBody, handleCohere } from './cohere-wire.js';

export type { SimControl, SimFault, SimRequest, SimScriptEntry } from './common.js';
export { simTokens, embedText, relevance, splitReply } from './common.js';

export interface SimulatorOptions {
  host?: string;
  port?: number;
  /** Controls applied to every request (headers and scripts override them). */
  defaults?: SimControl;
  /** Keep request records (default true); at most `maxRecorded`, oldest dropped first. */
  record?: boolean;
  maxRecorded?: number;
  /** When set, only these keys are accepted (others get the provider's 401). Default: any non-empty key. */
  validKeys?: string[];
}

export interface Simulator {
  /** e.g. "http://127.0.0.1:43123" */
  url: string;
  port: number;
  requests: SimRequest[];
  /** Queue behaviours for the next matching requests, consumed in order. */
  script(entries: SimScriptEntry | SimScriptEntry[]): void;
  /** Clears recorded requests and the script queue. */
  reset(): void;
  /** Base URL to configure for a provider id (see the mount table above). */
  baseUrlFor(provider: string): string;
  /** An environment with every provider's base URL pointing here and a fake key per provider. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Resolves when `pred(requests)` is true (polls), rejects after timeoutMs. */
  waitFor(pred: (reqs: SimRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Provider ids mounted at /{id} (OpenAI-compatible unless listed in WIRE_BY_MOUNT). */
const KNOWN_MOUNTS = new Set([
  'openai', 'anthropic', 'cohere', 'gemini', 'azure', 'ollama', 'local', 'xai', 'mistral', 'groq', 'openrouter',
  'together', 'fireworks', 'perplexity', 'novita', 'nvidia_nim', 'huggingface', 'vercel_ai_gateway',
]);

/** Base URL env var and key env var per provider id (mirrors src/gateway/providers). */
export const SIM_PROVIDER_ENV: Record<string, { base: string; key?: string }> = {
  openai: { base: 'OPENAI_BASE_URL', key: 'OPENAI_API_KEY' },
  anthropic: { base: 'ANTHROPIC_BASE_URL', key: 'ANTHROPIC_API_KEY' },
  gemini: { base: 'GEMINI_BASE_URL', key: 'GEMINI_API_KEY' },
  azure: { base: 'AZURE_API_BASE', key: 'AZURE_API_KEY' },
  cohere: { base: 'COHERE_BASE_URL', key: 'COHERE_API_KEY' },
  ollama: { base: 'OLLAMA_BASE_URL' },
  local: { base: 'LOCAL_BASE_URL' },
  xai: { base: 'XAI_BASE_URL', key: 'XAI_API_KEY' },
  mistral: { base: 'MISTRAL_BASE_URL', key: 'MISTRAL_API_KEY' },
  groq: { base: 'GROQ_BASE_URL', key: 'GROQ_API_KEY' },
  openrouter: { base: 'OPENROUTER_BASE_URL', key: 'OPENROUTER_API_KEY' },
  together: { base: 'TOGETHER_BASE_URL', key: 'TOGETHER_API_KEY' },
  fireworks: { base: 'FIREWORKS_BASE_URL', key: 'FIREWORKS_API_KEY' },
  perplexity: { base: 'PERPLEXITY_BASE_URL', key: 'PERPLEXITY_API_KEY' },
  novita: { base: 'NOVITA_BASE_URL', key: 'NOVITA_API_KEY' },
  nvidia_nim: { base: 'NVIDIA_NIM_BASE_URL', key: 'NVIDIA_NIM_API_KEY' },
  huggingface: { base: 'HUGGINGFACE_BASE_URL', key: 'HUGGINGFACE_API_KEY' },
  vercel_ai_gateway: { base: 'VERCEL_AI_GATEWAY_BASE_URL', key: 'VERCEL_AI_GATEWAY_API_KEY' },
};

const AUTH_HEADERS = new Set(['authorization', 'x-api-key', 'api-key', 'x-goog-api-key']);

const FAULTS = new Set<SimFault>(['reset', 'reset-mid-stream', 'malformed', 'truncate', 'hang', 'stream-error']);

function numHeader(v: string | string[] | undefined): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function controlFromHeaders(h: IncomingMessage['headers']): SimControl {
  const c: SimControl = {};
  const set = <K extends keyof SimControl>(k: K, v: SimControl[K] | undefined) => {
    if (v !== undefined) c[k] = v;
  };
  set('latencyMs', numHeader(h['x-sim-latency-ms']));
  set('bodyDelayMs', numHeader(h['x-sim-body-delay-ms']));
  set('chunks', numHeader(h['x-sim-chunks']));
  set('chunkDelayMs', numHeader(h['x-sim-chunk-delay-ms']));
  set('status', numHeader(h['x-sim-status']));
  if (typeof h['x-sim-retry-after'] === 'string') c.retryAfter = h['x-sim-retry-after'];
  if (typeof h['x-sim-error'] === 'string') c.errorMessage = h['x-sim-error'];
  if (typeof h['x-sim-fault'] === 'string' && FAULTS.has(h['x-sim-fault'] as SimFault)) c.fault = h['x-sim-fault'] as SimFault;
  if (typeof h['x-sim-reply'] === 'string') c.reply = decodeURIComponent(h['x-sim-reply']);
  if (typeof h['x-sim-tool-call'] === 'string') c.toolCall = h['x-sim-tool-call'];
  return c;
}

function matches(e: SimScriptEntry, r: SimRequest): boolean {
  if (e.match === undefined) return true;
  if (typeof e.match === 'string') return r.path.includes(e.match);
  if (e.match instanceof RegExp) return e.match.test(r.path);
  return e.match(r);
}

/** Starts a simulator on loopback (port 0 = ephemeral). */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const record = opts.record !== false;
  const maxRecorded = opts.maxRecorded ?? 10_000;
  const requests: SimRequest[] = [];
  let queue: Array<SimScriptEntry & { left: number }> = [];
  let seq = 0;
  const sockets = new Set<Socket>();
  const defaults = opts.defaults ?? {};
  const validKeys = opts.validKeys ? new Set(opts.validKeys) : undefined;

  const takeScript = (r: SimRequest): SimScriptEntry | undefined => {
    const i = queue.findIndex((e) => matches(e, r));
    if (i < 0) return undefined;
    const e = queue[i];
    if (--e.left <= 0) queue.splice(i, 1);
    return e;
  };

  const script = (entries: SimScriptEntry | SimScriptEntry[]) => {
    for (const e of Array.isArray(entries) ? entries : [entries]) queue.push({ ...e, left: e.times ?? 1 });
  };
  const reset = () => {
    requests.length = 0;
    queue = [];
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `simulator error: ${String(err)}`, type: 'server_error' } }));
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  // Event listeners rather than `for await`: the simulator is the upstream in benchmarks, keep it cheap.
  function readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const send = (status: number, obj: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    if (path === '/__sim/requests' && req.method === 'GET') {
      // No raw keys over HTTP: only the in-process object carries them.
      send(200, requests.map(({ apiKey: _k, ...r }) => r));
    } else if (path === '/__sim/reset' && req.method === 'POST') {
      reset();
      send(200, { ok: true });
    } else if (path === '/__sim/script' && req.method === 'POST') {
      const raw = (await readBody(req)).toString('utf8');
      try {
        const parsed = JSON.parse(raw) as SimScriptEntry | SimScriptEntry[];
        script(parsed);
        send(200, { ok: true, queued: queue.length });
      } catch {
        send(400, { error: { message: 'body must be a JSON script entry or array' } });
      }
    } else {
      send(404, { error: { message: `unknown control path ${path}` } });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const fullPath = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
    if (fullPath.startsWith('/__sim/')) return control(req, res, fullPath);

    const query: Record<string, string> = {};
    if (q >= 0) for (const [k, v] of new URLSearchParams(rawUrl.slice(q + 1))) query[k] = v;

    // Provider mount: /{id}/… ; unmounted paths are guessed from their shape.
    const seg = fullPath.split('/')[1] ?? '';
    const mounted = KNOWN_MOUNTS.has(seg);
    const rest = mounted ? fullPath.slice(seg.length + 1) || '/' : fullPath;
    let provider = mounted ? seg : 'openai';
    let wire: SimRequest['wire'] = 'openai';
    if (provider === 'anthropic' || (!mounted && (rest.startsWith('/v1/messages') || (rest === '/v1/models' && req.headers['anthropic-version'])))) {
      wire = 'anthropic';
      provider = 'anthropic';
    } else if (provider === 'cohere' || (!mounted && rest.startsWith('/v2/'))) {
      wire = 'cohere';
      provider = 'cohere';
    } else if (!mounted && rest.startsWith('/v1beta/openai/')) {
      provider = 'gemini';
    } else if (!mounted && rest.startsWith('/openai/deployments/')) {
      provider = 'azure';
    }

    const h = req.headers;
    const bearer = typeof h.authorization === 'string' ? h.authorization.replace(/^Bearer\s+/i, '') : '';
    const rawKey = bearer || h['x-api-key'] || h['api-key'] || h['x-goog-api-key'];
    const apiKey = typeof rawKey === 'string' && rawKey ? rawKey : undefined;
    const headers: Record<string, string> = {};
    if (record) {
      for (const [k, v] of Object.entries(h)) {
        if (v === undefined) continue;
        headers[k] = AUTH_HEADERS.has(k) ? '[redacted]' : Array.isArray(v) ? v.join(', ') : v;
      }
    }

    const raw = req.method === 'GET' ? Buffer.alloc(0) : await readBody(req);
    const ct = String(req.headers['content-type'] ?? '');
    let body: unknown = undefined;
    let badJson = false;
    if (raw.length) {
      if (/multipart\/form-data/i.test(ct)) body = parseMultipart(raw, ct) ?? raw.toString('utf8');
      else {
        const text = raw.toString('utf8');
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
          badJson = /json/i.test(ct) || ct === '';
        }
      }
    }

    const rec: SimRequest = {
      seq: ++seq,
      method: req.method ?? 'GET',
      path: fullPath,
      query,
      wire,
      provider,
      headers,
      hadAuth: apiKey !== undefined,
      apiKey,
      body,
      bodyBytes: raw.length,
      receivedAt: Date.now(),
      closedByClient: false,
      closedByServer: false,
      completed: false,
    };
    if (record) {
      requests.push(rec);
      if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
    }
    res.on('close', () => {
      if (!res.writableFinished && !rec.completed && !rec.closedByServer) rec.closedByClient = true;
    });

    const scripted = takeScript(rec);
    const ctl: SimControl = { ...defaults, ...controlFromHeaders(req.headers) };
    if (scripted) {
      const { match: _m, times: _t, left: _l, ...c } = scripted as SimScriptEntry & { left?: number };
      Object.assign(ctl, c);
    }
    const io: SimIO = { req, res, rec, control: ctl };

    if (ctl.latencyMs) await sleep(ctl.latencyMs);
    if (res.destroyed) return;
    if (ctl.fault === 'reset') {
      rec.closedByServer = true;
      req.socket.destroy();
      return;
    }
    if (ctl.fault === 'hang') return; // the socket is destroyed by the client or by close()

    const errorBody = wire === 'anthropic' ? anthropicErrorBody : wire === 'cohere' ? cohereErrorBody : openAiErrorBody;
    const sendError = async (status: number, message: string, extraHeaders: Record<string, string> = {}) => {
      const text = JSON.stringify(errorBody(status, message));
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...extraHeaders });
      res.end(text);
      rec.completed = true;
    };

    // Provider-side auth, as the real APIs do it.
    const keyOptional = provider === 'ollama' || provider === 'local';
    if (!keyOptional && !apiKey) return sendError(401, 'Missing API key (simulated): send it in the provider\'s auth header.');
    if (validKeys && apiKey && !validKeys.has(apiKey)) return sendError(401, defaultErrorMessage(401));
    if (provider === 'azure' && rest.startsWith('/openai/') && !query['api-version']) {
      return sendError(404, 'Resource not found (simulated): the api-version query parameter is required.');
    }
    if (badJson) return sendError(400, 'We could not parse the JSON body of your request (simulated).');

    if (ctl.status && ctl.status >= 400) {
      const extra: Record<string, string> = {};
      if (ctl.retryAfter !== undefined) extra['retry-after'] = ctl.retryAfter;
      return sendError(ctl.status, ctl.errorMessage ?? defaultErrorMessage(ctl.status), extra);
    }

    let handled = false;
    if (wire === 'anthropic') handled = await handleAnthropic(io, rest);
    else if (wire === 'cohere') handled = await handleCohere(io, rest);
    else handled = await handleOpenAi(io);
    if (!handled) return sendError(404, `Unknown path ${req.method} ${fullPath} (simulated ${wire} API).`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;

  const baseUrlFor = (p: string): string => {
    switch (p) {
      case 'openai':
        return `${url}/v1`;
      case 'gemini':
        return `${url}/v1beta/openai`;
      case 'anthropic':
      case 'cohere':
      case 'azure':
      case 'ollama':
        return `${url}/${p}`;
      case 'perplexity':
        return `${url}/perplexity`;
      default:
        return `${url}/${p}/v1`;
    }
  };

  return {
    url,
    port: addr.port,
    requests,
    script,
    reset,
    baseUrlFor,
    env(extra = {}) {
      const e: Record<string, string> = {};
      for (const [id, v] of Object.entries(SIM_PROVIDER_ENV)) {
        e[v.base] = baseUrlFor(id);
        if (v.key) e[v.key] = `sk-sim-${id}`;
      }
      return { ...e, ...extra };
    },
    async waitFor(pred, timeoutMs = 2000) {
      const until = Date.now() + timeoutMs;
      while (!pred(requests)) {
        if (Date.now() > until) throw new Error(`simulator: condition not met within ${timeoutMs} ms`);
        await sleep(5);
      }
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Standalone: node --import tsx test/sim/simulator.ts --port 0
// ---------------------------------------------------------------------------------------------------

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const defaults: SimControl = {};
  const cd = argValue(args, '--chunk-delay-ms');
  if (cd) defaults.chunkDelayMs = Number(cd);
  const lat = argValue(args, '--latency-ms');
  if (lat) defaults.latencyMs = Number(lat);
  const chunks = argValue(args, '--chunks');
  if (chunks) defaults.chunks = Number(chunks);
  startSimulator({
    port: Number(argValue(args, '--port') ?? 0),
    host: argValue(args, '--host') ?? '127.0.0.1',
    record: !args.includes('--no-record'),
    defaults,
  }).then(
    (sim) => {
      process.stdout.write(`${JSON.stringify({ url: sim.url })}\n`);
      const stop = () => void sim.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (err: unknown) => {
      process.stderr.write(`simulator failed to start: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
