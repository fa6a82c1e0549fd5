/**
 * The one typed message protocol between the extension host and its webviews (chat, scan, logs,
 * settings/status). Both directions are discriminated unions on `type`. Every webview first posts
 * `{type:'ready'}`; the host posts nothing to it before that (the handshake). Requests that expect a
 * reply carry a `requestId` that the reply echoes.
 *
 * The webview is untrusted: the host runs every inbound message through `parseInbound(view, raw)`,
 * which checks the shape, types, enums and sizes of every field and returns a typed message or an
 * error — never a half-checked object. This file is shared by both sides, so it uses no DOM and no
 * Node API (it is type-checked under both tsconfigs).
 */

export type ViewKind = 'chat' | 'scan' | 'logs' | 'settings';

// ---------------------------------------------------------------------------------------------------
// Shared value shapes
// ---------------------------------------------------------------------------------------------------

export interface ModelOption {
  id: string;
  provider?: string;
}

/** A selection attached to a chat prompt ("Ask Smartflow about selection"). */
export interface SelectionContext {
  file: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  languageId: string;
  text: string;
}

export interface ReplyMeta {
  requestId: string;
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
  latencyMs: number;
  cached: boolean;
  cacheHitType: 'exact' | 'semantic' | null;
  /** Count of PII items redacted from the prompt, by type (e.g. { EMAIL: 2 }). */
  redactedByType: Record<string, number>;
}

export interface ChatErrorInfo {
  code: string;
  /** What happened. */
  message: string;
  /** What to do about it. */
  hint: string;
}

export interface ChatTurn {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  contexts?: SelectionContext[];
  model?: string;
  meta?: ReplyMeta;
  error?: ChatErrorInfo;
  /** The user pressed Stop; `text` is what arrived before that. */
  stopped?: boolean;
  /** Still streaming (only ever true for the last assistant turn while busy). */
  pending?: boolean;
}

export interface FindingView {
  index: number;
  type: string;
  start: number;
  end: number;
  /** 1-based line and column of `start` in the document. */
  line: number;
  column: number;
  confidence: number;
  recognizer: string;
  masked: string;
  falsePositive: boolean;
}

export interface ScanView {
  file: string;
  /** "whole file" or "lines 3–9". */
  scope: string;
  scanId: string | null;
  hasViolations: boolean;
  riskScore: number;
  riskLevel: 'low' | 'medium' | 'high' | 'critical';
  recommendedAction: string;
  explanation: string;
  findings: FindingView[];
  processingTimeUs: number | null;
  mode: 'direct' | 'gateway';
}

export interface LogFilter {
  /** Inclusive days, YYYY-MM-DD (local dates are the user's; the host converts). */
  from?: string;
  to?: string;
  provider?: string;
  model?: string;
  cached?: 'yes' | 'no';
  compliance?: 'compliant' | 'violated';
  status?: 'ok' | 'error';
  text?: string;
}

export interface LogRow {
  id: string;
  timestamp: string;
  provider: string;
  model: string;
  tokens: number;
  costUsd: number;
  latencyMs: number;
  cached: boolean;
  cacheHitType: string | null;
  compliance: string | null;
  ok: boolean;
  errorMessage: string | null;
}

export interface LogTotals {
  requests: number;
  tokens: number;
  costUsd: number;
  /** 0..1 */
  cacheHitRate: number;
}

export interface ChartData {
  days: Array<{ day: string; requests: number; costUsd: number; cacheHitRate: number }>;
  topModels: Array<{ name: string; requests: number; costUsd: number }>;
  topProviders: Array<{ name: string; requests: number; costUsd: number }>;
}

export interface ProviderStateView {
  id: string;
  displayName: string;
  configured: boolean;
  health: 'healthy' | 'degraded' | 'unhealthy' | 'unknown';
  latencyMs: number | null;
  successRate: number | null;
  requests: number;
}

export interface StatusView {
  mode: 'direct' | 'gateway';
  state: 'starting' | 'ready' | 'error' | 'stopped';
  stateDetail: string | null;
  gatewayUrl: string | null;
  storage: { engine: string | null; error: string | null };
  localEndpoint: string | null;
  localEndpointError: string | null;
  providers: ProviderStateView[];
  cache: { enabled: boolean; hitRate: number; hits: number; misses: number; entries: number } | null;
  activationMs: number | null;
  settings: { defaultModel: string; policy: string; storePrompts: string; retentionDays: number };
}

// ---------------------------------------------------------------------------------------------------
// Host → webview
// ---------------------------------------------------------------------------------------------------

export type ChatHostMessage =
  | { type: 'chat/state'; turns: ChatTurn[]; models: ModelOption[]; selectedModel: string; busy: boolean; modelsError: string | null }
  | { type: 'chat/models'; models: ModelOption[]; selectedModel: string; modelsError: string | null }
  | { type: 'chat/turn'; turn: ChatTurn }
  | { type: 'chat/delta'; turnId: string; text: string }
  | { type: 'chat/done'; turnId: string; meta: ReplyMeta | null; stopped: boolean }
  | { type: 'chat/error'; turnId: string; error: ChatErrorInfo }
  | { type: 'chat/context'; context: SelectionContext }
  | { type: 'chat/busy'; busy: boolean }
  | { type: 'result'; requestId: string; ok: boolean; error?: string };

export type ScanHostMessage =
  | { type: 'scan/pending'; file: string; scope: string }
  | { type: 'scan/result'; scan: ScanView }
  | { type: 'scan/error'; message: string }
  | { type: 'scan/notice'; message: string }
  | { type: 'scan/finding'; index: number; falsePositive: boolean }
  | { type: 'result'; requestId: string; ok: boolean; error?: string };

export type LogsHostMessage =
  | { type: 'logs/page'; requestId: string; rows: LogRow[]; page: number; pageSize: number; hasMore: boolean; totals: LogTotals; charts: ChartData; providers: string[]; models: string[] }
  | { type: 'logs/details'; requestId: string; record: Record<string, unknown> | null }
  | { type: 'logs/changed' }
  | { type: 'logs/error'; requestId: string | null; message: string }
  | { type: 'result'; requestId: string; ok: boolean; error?: string };

export type SettingsHostMessage = { type: 'status/state'; status: StatusView } | { type: 'result'; requestId: string; ok: boolean; error?: string };

export type HostMessage = ChatHostMessage | ScanHostMessage | LogsHostMessage | SettingsHostMessage;

// ---------------------------------------------------------------------------------------------------
// Webview → host
// ---------------------------------------------------------------------------------------------------

export type ReadyMessage = { type: 'ready' };

export type ChatWebviewMessage =
  | ReadyMessage
  | { type: 'chat/send'; requestId: string; text: string; model: string; contexts: SelectionContext[] }
  | { type: 'chat/stop' }
  | { type: 'chat/new' }
  | { type: 'chat/selectModel'; model: string }
  | { type: 'chat/refreshModels' }
  | { type: 'code/copy'; code: string }
  | { type: 'code/insert'; code: string }
  | { type: 'code/open'; code: string; language: string };

export type ScanWebviewMessage =
  | ReadyMessage
  | { type: 'scan/jump'; index: number }
  | { type: 'scan/redact' }
  | { type: 'scan/copyRedacted' }
  | { type: 'scan/falsePositive'; requestId: string; index: number }
  | { type: 'scan/rescan' };

export type LogsWebviewMessage =
  | ReadyMessage
  | { type: 'logs/query'; requestId: string; filter: LogFilter; page: number; pageSize: number }
  | { type: 'logs/details'; requestId: string; id: string }
  | { type: 'logs/export'; requestId: string; format: 'csv' | 'jsonl'; filter: LogFilter };

export type SettingsWebviewMessage =
  | ReadyMessage
  | { type: 'status/refresh' }
  | { type: 'status/configure' }
  | { type: 'status/restart' }
  | { type: 'status/openSettings' }
  | { type: 'status/showOutput' };

export interface InboundByView {
  chat: ChatWebviewMessage;
  scan: ScanWebviewMessage;
  logs: LogsWebviewMessage;
  settings: SettingsWebviewMessage;
}

export interface OutboundByView {
  chat: ChatHostMessage;
  scan: ScanHostMessage;
  logs: LogsHostMessage;
  settings: SettingsHostMessage;
}

// ---------------------------------------------------------------------------------------------------
// Host-side validation of inbound messages
// ---------------------------------------------------------------------------------------------------

/** Limits on what a webview may send (the prompt limit is generous; the gateway has its own). */
export const LIMITS = {
  id: 128,
  model: 256,
  prompt: 1_000_000,
  code: 2_000_000,
  contexts: 20,
  contextText: 1_000_000,
  path: 4096,
  filterField: 256,
  pageSize: 500,
  page: 1_000_000,
  language: 64,
} as const;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

class Invalid extends Error {}

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Invalid(`${what} must be an object`);
  return v as Obj;
}

function str(o: Obj, key: string, max: number, opts: { optional?: boolean; allowEmpty?: boolean } = {}): string | undefined {
  const v = o[key];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'string') throw new Invalid(`${key} must be a string`);
  if (v.length > max) throw new Invalid(`${key} is longer than ${max} characters`);
  if (!opts.allowEmpty && !opts.optional && v.length === 0) throw new Invalid(`${key} must not be empty`);
  return v;
}

function reqStr(o: Obj, key: string, max: number, allowEmpty = false): string {
  return str(o, key, max, { allowEmpty }) as string;
}

function int(o: Obj, key: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Invalid(`${key} must be an integer in ${min}..${max}`);
  return v;
}

function oneOf<T extends string>(o: Obj, key: string, values: readonly T[], optional = false): T | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new Invalid(`${key} must be one of ${values.join(', ')}`);
  return v as T;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(o: Obj, key: string): string | undefined {
  const v = str(o, key, 10, { optional: true });
  if (v === undefined || v === '') return undefined;
  if (!DAY.test(v) || Number.isNaN(Date.parse(v))) throw new Invalid(`${key} must be a date YYYY-MM-DD`);
  return v;
}

function optText(o: Obj, key: string): string | undefined {
  const v = str(o, key, LIMITS.filterField, { optional: true });
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** Validates a log filter; empty strings mean "no filter". */
export function parseLogFilter(raw: unknown): LogFilter {
  const o = obj(raw, 'filter');
  const f: LogFilter = {};
  const from = day(o, 'from');
  const to = day(o, 'to');
  if (from) f.from = from;
  if (to) f.to = to;
  if (from && to && from > to) throw new Invalid('from must not be after to');
  const provider = optText(o, 'provider');
  const model = optText(o, 'model');
  const text = optText(o, 'text');
  if (provider) f.provider = provider;
  if (model) f.model = model;
  if (text) f.text = text;
  const pick = <T extends string>(key: string, values: readonly T[]): T | undefined => {
    const v = o[key];
    if (v === undefined || v === '' || v === 'any') return undefined;
    return oneOf(o, key, values);
  };
  const cached = pick('cached', ['yes', 'no'] as const);
  const compliance = pick('compliance', ['compliant', 'violated'] as const);
  const status = pick('status', ['ok', 'error'] as const);
  if (cached) f.cached = cached;
  if (compliance) f.compliance = compliance;
  if (status) f.status = status;
  return f;
}

function parseContext(raw: unknown): SelectionContext {
  const o = obj(raw, 'context');
  const startLine = int(o, 'startLine', 1, 10_000_000);
  const endLine = int(o, 'endLine', startLine, 10_000_000);
  return {
    file: reqStr(o, 'file', LIMITS.path),
    startLine,
    endLine,
    languageId: reqStr(o, 'languageId', LIMITS.language, true),
    text: reqStr(o, 'text', LIMITS.contextText, true),
  };
}

function parseChat(o: Obj): ChatWebviewMessage {
  switch (o.type) {
    case 'ready':
      return { type: 'ready' };
    case 'chat/send': {
      const ctxRaw = o.contexts ?? [];
      if (!Array.isArray(ctxRaw) || ctxRaw.length > LIMITS.contexts) throw new Invalid(`contexts must be an array of at most ${LIMITS.contexts}`);
      const text = reqStr(o, 'text', LIMITS.prompt, true);
      const contexts = ctxRaw.map(parseContext);
      if (text.trim() === '' && contexts.length === 0) throw new Invalid('text must not be empty');
      return { type: 'chat/send', requestId: reqStr(o, 'requestId', LIMITS.id), text, model: reqStr(o, 'model', LIMITS.model), contexts };
    }
    case 'chat/stop':
    case 'chat/new':
    case 'chat/refreshModels':
      return { type: o.type };
    case 'chat/selectModel':
      return { type: 'chat/selectModel', model: reqStr(o, 'model', LIMITS.model) };
    case 'code/copy':
    case 'code/insert':
      return { type: o.type, code: reqStr(o, 'code', LIMITS.code, true) };
    case 'code/open':
      return { type: 'code/open', code: reqStr(o, 'code', LIMITS.code, true), language: reqStr(o, 'language', LIMITS.language, true) };
    default:
      throw new Invalid(`unknown message type ${JSON.stringify(String(o.type)).slice(0, 80)}`);
  }
}

function parseScan(o: Obj): ScanWebviewMessage {
  switch (o.type) {
    case 'ready':
      return { type: 'ready' };
    case 'scan/jump':
      return { type: 'scan/jump', index: int(o, 'index', 0, 1_000_000) };
    case 'scan/falsePositive':
      return { type: 'scan/falsePositive', requestId: reqStr(o, 'requestId', LIMITS.id), index: int(o, 'index', 0, 1_000_000) };
    case 'scan/redact':
    case 'scan/copyRedacted':
    case 'scan/rescan':
      return { type: o.type };
    default:
      throw new Invalid(`unknown message type ${JSON.stringify(String(o.type)).slice(0, 80)}`);
  }
}

function parseLogs(o: Obj): LogsWebviewMessage {
  switch (o.type) {
    case 'ready':
      return { type: 'ready' };
    case 'logs/query':
      return {
        type: 'logs/query',
        requestId: reqStr(o, 'requestId', LIMITS.id),
        filter: parseLogFilter(o.filter ?? {}),
        page: int(o, 'page', 0, LIMITS.page),
        pageSize: int(o, 'pageSize', 1, LIMITS.pageSize),
      };
    case 'logs/details':
      return { type: 'logs/details', requestId: reqStr(o, 'requestId', LIMITS.id), id: reqStr(o, 'id', LIMITS.id) };
    case 'logs/export':
      return {
        type: 'logs/export',
        requestId: reqStr(o, 'requestId', LIMITS.id),
        format: oneOf(o, 'format', ['csv', 'jsonl'] as const) as 'csv' | 'jsonl',
        filter: parseLogFilter(o.filter ?? {}),
      };
    default:
      throw new Invalid(`unknown message type ${JSON.stringify(String(o.type)).slice(0, 80)}`);
  }
}

function parseSettings(o: Obj): SettingsWebviewMessage {
  switch (o.type) {
    case 'ready':
      return { type: 'ready' };
    case 'status/refresh':
    case 'status/configure':
    case 'status/restart':
    case 'status/openSettings':
    case 'status/showOutput':
      return { type: o.type };
    default:
      throw new Invalid(`unknown message type ${JSON.stringify(String(o.type)).slice(0, 80)}`);
  }
}

/**
 * Validates a message posted by a webview. Returns a freshly built typed message (unknown extra
 * fields are dropped) or the reason it was rejected.
 *
 * @example
 *   const r = parseInbound('chat', raw);
 *   if (!r.ok) { log.warn(`dropped webview message: ${r.error}`); return; }
 *   switch (r.message.type) { ... }
 */
export function parseInbound<V extends ViewKind>(view: V, raw: unknown): ParseResult<InboundByView[V]> {
  try {
    const o = obj(raw, 'message');
    if (typeof o.type !== 'string') throw new Invalid('type must be a string');
    let message: ChatWebviewMessage | ScanWebviewMessage | LogsWebviewMessage | SettingsWebviewMessage;
    switch (view) {
      case 'chat':
        message = parseChat(o);
        break;
      case 'scan':
        message = parseScan(o);
        break;
      case 'logs':
        message = parseLogs(o);
        break;
      case 'settings':
        message = parseSettings(o);
        break;
      default: {
        const never: never = view as never;
        throw new Invalid(`unknown view ${String(never)}`);
      }
    }
    return { ok: true, message: message as InboundByView[V] };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.message };
    throw e;
  }
}

/** Exhaustiveness helper for `switch` over message unions. */
export function assertNever(x: never): never {
  throw new Error(`unhandled message ${JSON.stringify(x)}`);
}
