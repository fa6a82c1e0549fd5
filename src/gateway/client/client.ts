/**
 * SmartflowClient: the reference SDK's client in TypeScript, dual mode.
 *
 * Gateway mode talks HTTP to a Smartflow gateway; direct mode runs the embedded gateway in this process
 * (so cache, compliance and the audit log work without any server). The mode is chosen once, in the
 * reference's priority order (see mode.ts); the backend starts lazily on the first call. Close it with
 * `await client.close()` or `await using client = new SmartflowClient()`.
 *
 * @example
 * const sf = new SmartflowClient();                    // direct mode, keys from OPENAI_API_KEY …
 * const sf2 = new SmartflowClient('http://127.0.0.1:7775', { apiKey: token });   // gateway mode
 * console.log(await sf.chat('Hello'), sf.mode);
 * for await (const delta of sf.streamChat('Tell me a story')) process.stdout.write(delta);
 */
import { randomUUID } from 'node:crypto';
import type { ChatMessage, ChatRequest, EmbeddingResponse, ImageResponse, ModelInfo, ProviderStatus, RerankResponse, TranscriptionResponse } from '../types.js';
import type { Backend, CallOptions } from './backend.js';
import { chatbotQuery } from './chatbot.js';
import { DirectModeError, SmartflowError } from './errors.js';
import { HttpBackend } from './http-backend.js';
import { resolveMode, surfaceUrls, type ResolvedMode } from './mode.js';
import type {
  AIResponse,
  CacheStats,
  ChatCompletionsOptions,
  ChatOptions,
  ChatbotResult,
  ClientMode,
  ComplianceResult,
  IntelligentScanResult,
  LearningStatus,
  LearningSummary,
  LogQuery,
  MLStats,
  Message,
  OrgBaseline,
  ProviderHealth,
  RoutingStatus,
  SmartflowClientOptions,
  SystemHealth,
  VASLog,
} from './types.js';

export interface A2ATaskResult {
  id: string;
  trace_id: string;
  /** The agent's result object (A2A: { parts: [{ type: 'text', text }] , … }). */
  result: unknown;
  /** The text parts of the result joined, for convenience. */
  text: string;
  raw: unknown;
}

export interface ClientSettings {
  /** Which source chose the mode: option (baseUrl), env (SMARTFLOW_GATEWAY_URL), config (config.yaml), default. */
  source: ResolvedMode['source'];
  timeoutMs: number;
  managementPort: number;
  compliancePort: number;
  bridgePort: number;
  configPath: string;
  configError?: string;
  warnings: string[];
  hasApiKey: boolean;
}

/** The file's gateway settings with the `directConfig` option merged over them (objects merge, the rest replaces). */
function mergeSections(file: Record<string, unknown>, code: SmartflowClientOptions['directConfig']): SmartflowClientOptions['directConfig'] {
  if (!Object.keys(file).length) return code;
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) if (v !== undefined) out[k] = isObj(out[k]) && isObj(v) ? merge(out[k] as Record<string, unknown>, v) : v;
    return out;
  };
  return merge(file, (code ?? {}) as Record<string, unknown>) as SmartflowClientOptions['directConfig'];
}

const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : d);

export class SmartflowClient {
  /** "gateway" or "direct", fixed at construction. */
  readonly mode: ClientMode;
  /** How the mode was chosen and the settings in effect (no keys). */
  readonly settings: Readonly<ClientSettings>;
  /** Gateway mode: main URL, and where the compliance / management APIs are expected. */
  readonly baseUrl?: string;
  readonly complianceUrl?: string;
  readonly managementUrl?: string;
  readonly defaultModel: string;
  private readonly resolved: ResolvedMode;
  private readonly opts: SmartflowClientOptions;
  private backendP?: Promise<Backend>;
  private closed = false;

  constructor(baseUrlOrOptions?: string | SmartflowClientOptions, options: SmartflowClientOptions = {}) {
    const opts: SmartflowClientOptions = typeof baseUrlOrOptions === 'string' ? { ...options, baseUrl: baseUrlOrOptions } : { ...(baseUrlOrOptions ?? {}) };
    this.opts = opts;
    this.resolved = resolveMode(opts);
    for (const w of this.resolved.warnings) opts.onWarning?.(w);
    this.mode = this.resolved.mode;
    this.defaultModel = this.resolved.defaultModel;
    const r = this.resolved;
    this.settings = {
      source: r.source,
      timeoutMs: r.timeoutMs,
      managementPort: r.managementPort,
      compliancePort: r.compliancePort,
      bridgePort: r.bridgePort,
      configPath: r.configFile.path,
      configError: r.configFile.error?.message,
      warnings: [...r.warnings],
      hasApiKey: Boolean(r.apiKey),
    };
    if (this.resolved.mode === 'gateway' && this.resolved.baseUrl) {
      this.baseUrl = this.resolved.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
      const side = surfaceUrls(this.baseUrl, this.resolved);
      this.complianceUrl = side.complianceUrl;
      this.managementUrl = side.managementUrl;
    }
  }

  /** True in gateway mode (reference: is_gateway_mode()). */
  isGatewayMode(): boolean {
    return this.mode === 'gateway';
  }

  /** Starts the backend now instead of on the first call (direct mode opens its stores here). */
  async connect(): Promise<this> {
    await this.backend();
    return this;
  }

  private backend(): Promise<Backend> {
    if (this.closed) return Promise.reject(new SmartflowError('This SmartflowClient is closed; create a new one.'));
    this.backendP ??= this.createBackend();
    return this.backendP;
  }

  private async createBackend(): Promise<Backend> {
    const r = this.resolved;
    if (r.mode === 'gateway') {
      return new HttpBackend({ baseUrl: this.baseUrl!, apiKey: r.apiKey, timeoutMs: r.timeoutMs, complianceUrl: this.complianceUrl!, managementUrl: this.managementUrl! });
    }
    const { startDirectBackend, attachDirectBackend } = await import('./direct-start.js');
    if (this.opts.embedded) return attachDirectBackend(this.opts.embedded, r.timeoutMs);
    return startDirectBackend({
      env: this.opts.env ?? process.env,
      // Option, then SMARTFLOW_DATA_DIR (read in startDirectBackend), then the file's gateway.data_dir.
      dataDir: this.opts.dataDir ?? ((this.opts.env ?? process.env).SMARTFLOW_DATA_DIR || r.gatewaySettings.dataDir),
      providerKeys: r.providerKeys,
      providerOverrides: r.providerOverrides,
      // directConfig (code) wins over the file's gateway: section, section by section.
      config: mergeSections(r.gatewaySettings.config, this.opts.directConfig),
      timeoutMs: r.timeoutMs,
      nativeBinding: this.opts.nativeBinding,
      onWarning: this.opts.onWarning,
    });
  }

  /** Releases connections (gateway mode) or stops the embedded gateway and closes its stores (direct mode). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const p = this.backendP;
    this.backendP = undefined;
    if (p) await (await p.catch(() => null))?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private requireGateway(feature: string): void {
    if (this.mode !== 'gateway') throw new DirectModeError(feature);
  }

  // -------------------------------------------------------------------------------------------------
  // Core AI methods
  // -------------------------------------------------------------------------------------------------

  private buildChat(messages: Message[], o: ChatOptions): ChatRequest {
    const req: ChatRequest = { ...(o.extra ?? {}), model: o.model ?? this.defaultModel, messages: messages as ChatMessage[] };
    req.temperature = o.temperature ?? 0.7;
    if (o.maxTokens !== undefined) req.max_tokens = o.maxTokens;
    return req;
  }

  private call(o: { signal?: AbortSignal; userId?: string; conversationId?: string; cache?: 'default' | 'off' }): CallOptions {
    return { signal: o.signal, userId: o.userId, conversationId: o.conversationId, cache: o.cache };
  }

  /** Sends one message and returns the reply text. */
  async chat(message: string, o: ChatOptions = {}): Promise<string> {
    const messages: Message[] = [];
    if (o.systemPrompt) messages.push({ role: 'system', content: o.systemPrompt });
    messages.push({ role: 'user', content: message });
    return (await this.chatCompletions(messages, o)).content;
  }

  /** Full OpenAI-compatible completion with Smartflow's cache/provider info. */
  async chatCompletions(messages: Message[], o: ChatCompletionsOptions = {}): Promise<AIResponse> {
    if (!Array.isArray(messages) || messages.length === 0) throw new SmartflowError('chatCompletions: messages must be a non-empty array of { role, content }.');
    return (await this.backend()).chat(this.buildChat(messages, o), this.call(o));
  }

  /**
   * Streams the reply as text deltas. Pass `signal` to stop it; leaving the loop early also stops the
   * upstream request.
   */
  async *streamChat(message: string, o: ChatOptions = {}): AsyncGenerator<string, void, undefined> {
    const messages: Message[] = [];
    if (o.systemPrompt) messages.push({ role: 'system', content: o.systemPrompt });
    messages.push({ role: 'user', content: message });
    yield* this.streamMessages(messages, o);
  }

  /** Streams a multi-message conversation as text deltas. */
  async *streamMessages(messages: Message[], o: ChatCompletionsOptions = {}): AsyncGenerator<string, void, undefined> {
    const b = await this.backend();
    const stream = await b.chatStream(this.buildChat(messages, o), this.call(o));
    for await (const chunk of stream) {
      const d = chunk.choices?.[0]?.delta?.content;
      if (d) yield d;
    }
  }

  /** Claude through the native Anthropic Messages API path (/anthropic/v1/messages). Returns the text. */
  async claudeMessage(
    message: string,
    o: { model?: string; maxTokens?: number; system?: string; anthropicKey?: string; signal?: AbortSignal; userId?: string } = {},
  ): Promise<string> {
    const body = {
      model: o.model ?? 'claude-sonnet-4-6',
      max_tokens: o.maxTokens ?? 1024,
      messages: [{ role: 'user', content: message }],
      ...(o.system ? { system: o.system } : {}),
    };
    const headers: Record<string, string> = { 'anthropic-version': '2023-06-01' };
    if (o.anthropicKey) headers['x-api-key'] = o.anthropicKey;
    const res = (await (await this.backend()).anthropicMessages(body, { signal: o.signal, userId: o.userId, headers })) as { content?: Array<{ type: string; text?: string }> };
    return (res?.content ?? []).filter((b) => b.type === 'text').map((b) => b.text ?? '').join('');
  }

  async embeddings(
    input: string | string[],
    o: { model?: string; encodingFormat?: 'float' | 'base64'; dimensions?: number; inputType?: string; signal?: AbortSignal } = {},
  ): Promise<EmbeddingResponse> {
    return (await this.backend()).embeddings(
      { model: o.model ?? 'text-embedding-3-small', input, encoding_format: o.encodingFormat ?? 'float', ...(o.dimensions ? { dimensions: o.dimensions } : {}), ...(o.inputType ? { input_type: o.inputType } : {}) },
      { signal: o.signal },
    );
  }

  async imageGeneration(
    prompt: string,
    o: { model?: string; n?: number; size?: string; quality?: string; responseFormat?: 'url' | 'b64_json'; style?: string; signal?: AbortSignal } = {},
  ): Promise<ImageResponse> {
    return (await this.backend()).images(
      { model: o.model ?? 'dall-e-3', prompt, n: o.n ?? 1, size: o.size ?? '1024x1024', response_format: o.responseFormat ?? 'url', ...(o.quality ? { quality: o.quality } : {}), ...(o.style ? { style: o.style } : {}) },
      { signal: o.signal },
    );
  }

  /** Transcribes audio given as bytes (a Buffer / Uint8Array from fs.readFile). */
  async audioTranscription(
    file: Uint8Array,
    o: { model?: string; language?: string; prompt?: string; responseFormat?: 'json' | 'text' | 'srt' | 'verbose_json' | 'vtt'; temperature?: number; filename?: string; signal?: AbortSignal } = {},
  ): Promise<TranscriptionResponse> {
    return (await this.backend()).transcription(
      {
        model: o.model ?? 'whisper-1',
        file: { data: file, filename: o.filename ?? 'audio.mp3' },
        ...(o.language ? { language: o.language } : {}),
        ...(o.prompt ? { prompt: o.prompt } : {}),
        response_format: o.responseFormat ?? 'json',
        temperature: o.temperature ?? 0,
      },
      { signal: o.signal },
    );
  }

  /** Synthesises speech; returns the raw audio bytes. */
  async textToSpeech(
    input: string,
    o: { model?: string; voice?: string; responseFormat?: 'mp3' | 'opus' | 'aac' | 'flac' | 'wav' | 'pcm'; speed?: number; signal?: AbortSignal } = {},
  ): Promise<Uint8Array> {
    const r = await (await this.backend()).speech({ model: o.model ?? 'tts-1', input, voice: o.voice ?? 'alloy', response_format: o.responseFormat ?? 'mp3', speed: o.speed ?? 1 }, { signal: o.signal });
    return r.data;
  }

  async rerank(query: string, documents: string[], o: { model?: string; topN?: number; signal?: AbortSignal } = {}): Promise<RerankResponse> {
    return (await this.backend()).rerank({ model: o.model ?? 'rerank-english-v3.0', query, documents, ...(o.topN ? { top_n: o.topN } : {}) }, { signal: o.signal });
  }

  /**
   * Direct mode: every provider the embedded gateway knows, whether a key is configured and its base URL
   * (not part of the reference; used by `smartflow status`). Gateway mode: an empty list — ask
   * getProviderHealth() instead.
   */
  async providerStatus(): Promise<ProviderStatus[]> {
    const b = await this.backend();
    return b.providers ? b.providers() : [];
  }

  async listModels(o: { signal?: AbortSignal } = {}): Promise<ModelInfo[]> {
    return (await this.backend()).listModels({ signal: o.signal });
  }

  // -------------------------------------------------------------------------------------------------
  // Compliance
  // -------------------------------------------------------------------------------------------------

  private async compliance(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
    return ((await (await this.backend()).api('compliance', { method, path, body })) ?? {}) as Record<string, unknown>;
  }

  /** Rule-based compliance scan against a policy. */
  async checkCompliance(content: string, policy = 'enterprise_standard'): Promise<ComplianceResult> {
    const r = await this.compliance('POST', '/api/compliance/check', { content, policy });
    const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : String((x as Record<string, unknown>)?.type ?? (x as Record<string, unknown>)?.violation_type ?? JSON.stringify(x)))) : []);
    return {
      ...r,
      has_violations: Boolean(r.has_violations),
      compliance_score: num(r.compliance_score, r.has_violations ? 0 : 1),
      violations: strs(r.violations),
      pii_detected: strs(r.pii_detected),
      risk_level: typeof r.risk_level === 'string' ? r.risk_level : 'low',
      recommendations: strs(r.recommendations),
      redacted_content: typeof r.redacted_content === 'string' ? r.redacted_content : null,
    };
  }

  /** ML + behavioural scan (regex, embeddings, per-user/org baselines). */
  async intelligentScan(content: string, o: { userId?: string; orgId?: string; context?: string } = {}): Promise<IntelligentScanResult> {
    const r = await this.compliance('POST', '/api/compliance/intelligent/scan', { content, user_id: o.userId, org_id: o.orgId, context: o.context });
    const arr = (v: unknown): Array<Record<string, unknown>> => (Array.isArray(v) ? (v as Array<Record<string, unknown>>) : []);
    return {
      ...r,
      has_violations: Boolean(r.has_violations),
      risk_score: num(r.risk_score),
      recommended_action: typeof r.recommended_action === 'string' ? r.recommended_action : 'Allow',
      explanation: typeof r.explanation === 'string' ? r.explanation : '',
      regex_violations: arr(r.regex_violations),
      ml_violations: arr(r.ml_violations),
      behavior_deviations: arr(r.behavior_deviations),
      processing_time_us: num(r.processing_time_us),
      ...(typeof r.scan_id === 'string' ? { scan_id: r.scan_id } : {}),
    };
  }

  /** Returns the content with PII replaced by placeholders ([EMAIL], [PHONE] …). */
  async redactPii(content: string): Promise<string> {
    const r = await this.compliance('POST', '/api/compliance/redact', { content });
    const v = r.redacted_content ?? r.redacted ?? r.content ?? r.text;
    if (typeof v !== 'string') throw new SmartflowError('redactPii: the gateway answered without redacted content.', { body: r });
    return v;
  }

  /** Marks a scan's findings as a false (or true) positive so the engine learns from it. */
  async submitComplianceFeedback(scanId: string, isFalsePositive: boolean, o: { userId?: string; notes?: string } = {}): Promise<Record<string, unknown>> {
    return this.compliance('POST', '/api/compliance/feedback', { scan_id: scanId, is_false_positive: isFalsePositive, user_id: o.userId, notes: o.notes });
  }

  async getLearningSummary(): Promise<LearningSummary> {
    const r = await this.compliance('GET', '/api/compliance/learning/summary');
    return { ...r, total_users: num(r.total_users), users_learning_complete: num(r.users_learning_complete), config_learning_days: num(r.config_learning_days) };
  }

  async getLearningStatus(userId: string): Promise<LearningStatus> {
    const r = await this.compliance('GET', `/api/compliance/learning/status/${encodeURIComponent(userId)}`);
    return { ...r, days_tracked: num(r.days_tracked), progress_percent: num(r.progress_percent), learning_complete: Boolean(r.learning_complete) };
  }

  async getMlStats(): Promise<MLStats> {
    const r = await this.compliance('GET', '/api/compliance/ml/stats');
    return {
      ...r,
      total_patterns: num(r.total_patterns),
      learned_patterns: num(r.learned_patterns),
      patterns_by_category: (r.patterns_by_category as Record<string, number>) ?? {},
      average_confidence: num(r.average_confidence),
    };
  }

  async getOrgBaseline(orgId: string): Promise<OrgBaseline> {
    const r = await this.compliance('GET', `/api/compliance/baseline/${encodeURIComponent(orgId)}`);
    return { ...r, user_count: num(r.user_count), violation_rate: num(r.violation_rate), top_violation_types: Array.isArray(r.top_violation_types) ? r.top_violation_types : [] };
  }

  async getOrgSummary(): Promise<Record<string, unknown>> {
    return this.compliance('GET', '/api/compliance/org/summary');
  }

  /** Health of the compliance engine (detectors, learning store). */
  async getIntelligentHealth(): Promise<Record<string, unknown>> {
    return this.compliance('GET', '/api/compliance/health');
  }

  // -------------------------------------------------------------------------------------------------
  // Monitoring, logs, routing
  // -------------------------------------------------------------------------------------------------

  private async management(method: 'GET' | 'POST', path: string, query?: Record<string, string | number | boolean | undefined>, body?: unknown): Promise<unknown> {
    return (await this.backend()).api('management', { method, path, query, body });
  }

  async getCacheStats(): Promise<CacheStats> {
    const raw = (await this.management('GET', '/api/cache/stats')) as Record<string, unknown> | null;
    const r = ((raw && typeof raw.stats === 'object' && raw.stats) || raw || {}) as Record<string, unknown>;
    const hits = num(r.hits);
    const misses = num(r.misses);
    return {
      hits,
      misses,
      hit_rate: num(r.hit_rate, hits + misses ? hits / (hits + misses) : 0),
      l1_hits: num(r.l1_hits),
      l2_hits: num(r.l2_hits),
      l3_hits: num(r.l3_hits),
      tokens_saved: num(r.tokens_saved),
      cost_saved_cents: num(r.cost_saved_cents),
      entries: num(r.entries),
    };
  }

  async getProviderHealth(): Promise<ProviderHealth[]> {
    const r = (await this.management('GET', '/api/providers/health')) as unknown;
    if (Array.isArray(r)) return r as ProviderHealth[];
    const o = (r ?? {}) as Record<string, unknown>;
    const list = o.providers ?? o.data;
    if (Array.isArray(list)) return list as ProviderHealth[];
    if (list && typeof list === 'object') return Object.entries(list).map(([provider, v]) => ({ provider, ...(v as object) }) as ProviderHealth);
    return [];
  }

  async healthComprehensive(): Promise<SystemHealth> {
    const r = ((await this.management('GET', '/api/health/comprehensive')) ?? {}) as Record<string, unknown>;
    return {
      ...r,
      status: typeof r.status === 'string' ? r.status : 'unknown',
      uptime_seconds: num(r.uptime_seconds),
      version: typeof r.version === 'string' ? r.version : '',
      providers: (r.providers as Record<string, unknown>) ?? {},
      cache: (r.cache as Record<string, unknown>) ?? {},
      timestamp: typeof r.timestamp === 'string' ? r.timestamp : new Date().toISOString(),
    };
  }

  /** Quick liveness check: `{ status: "ok" }`. */
  async health(): Promise<Record<string, unknown>> {
    return ((await (await this.backend()).api('main', { method: 'GET', path: '/health' })) ?? {}) as Record<string, unknown>;
  }

  /** VAS audit logs, newest first. */
  async getLogs(q: LogQuery = {}): Promise<VASLog[]> {
    const r = await this.management('GET', '/api/logs', {
      limit: q.limit ?? 100,
      offset: q.offset ?? 0,
      provider: q.provider,
      model: q.model,
      days: q.days ?? 30,
      user_id: q.userId,
      ...(q.filters ?? {}),
    });
    const o = r as Record<string, unknown> | unknown[] | null;
    const list = (Array.isArray(o) ? o : ((o?.logs ?? o?.data ?? o?.items ?? []) as unknown[])) as Array<Record<string, unknown>>;
    return list.map((l) => {
      const mc = (l.metacache ?? { hit: false, query: null, tokens_saved: 0 }) as VASLog['metacache'];
      return { ...(l as unknown as VASLog), metacache: mc, cached: Boolean(mc.hit) };
    });
  }

  /** Aggregates between two dates (YYYY-MM-DD or ISO). */
  async getAnalytics(o: { startDate?: string; endDate?: string } = {}): Promise<Record<string, unknown>> {
    return ((await this.management('GET', '/api/analytics', { start_date: o.startDate, end_date: o.endDate })) ?? {}) as Record<string, unknown>;
  }

  async getRoutingStatus(): Promise<RoutingStatus> {
    return ((await this.management('GET', '/api/routing/status')) ?? {}) as RoutingStatus;
  }

  /** Sends all routing to one provider for a while (e.g. during another provider's outage). */
  async forceProvider(provider: string, durationSeconds = 300): Promise<Record<string, unknown>> {
    return ((await this.management('POST', '/api/routing/force', undefined, { provider, duration_seconds: durationSeconds })) ?? {}) as Record<string, unknown>;
  }

  /** Answers operational questions ("today's cache stats", "what did we spend on OpenAI yesterday"). */
  async chatbotQuery(query: string, o: { model?: string; now?: Date } = {}): Promise<ChatbotResult> {
    return chatbotQuery(this, query, { model: o.model ?? this.opts.chatbotModel, now: o.now });
  }

  // -------------------------------------------------------------------------------------------------
  // Enterprise gateway only: SSO identity, MCP gateway, A2A
  // -------------------------------------------------------------------------------------------------

  /** The SSO identity the gateway resolved for this key (Entra ID / LDAP / SAML / OIDC). */
  async getIdentity(): Promise<Record<string, unknown>> {
    this.requireGateway('SSO identity');
    return ((await (await this.backend()).api('main', { method: 'GET', path: '/api/auth/me' })) ?? {}) as Record<string, unknown>;
  }

  /** Searches the gateway's MCP tool catalog. */
  async mcpSearchTools(query: string, k = 5): Promise<Array<{ server_id: string; name: string; description?: string; [x: string]: unknown }>> {
    this.requireGateway('MCP tool search');
    const r = (await (await this.backend()).api('main', { method: 'GET', path: '/api/mcp/tools/search', query: { q: query, k } })) as { results?: unknown[] } | null;
    return (r?.results ?? []) as Array<{ server_id: string; name: string; description?: string }>;
  }

  /** Calls an MCP tool through the gateway (JSON-RPC `tools/call` to /{server}/mcp/). Returns `result`. */
  async mcpCallTool(server: string, name: string, args: Record<string, unknown> = {}, o: { signal?: AbortSignal } = {}): Promise<{ content?: unknown[]; isError?: boolean; [x: string]: unknown }> {
    this.requireGateway('MCP tool calls');
    const id = randomUUID();
    const r = (await (await this.backend()).api('main', {
      method: 'POST',
      path: `/${encodeURIComponent(server)}/mcp/`,
      body: { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } },
      signal: o.signal,
    })) as { result?: Record<string, unknown>; error?: { code?: number; message?: string; data?: unknown } } | null;
    if (r?.error) throw new SmartflowError(`MCP ${server}.${name}: ${r.error.message ?? 'tool call failed'} (JSON-RPC error ${r.error.code ?? '?'})`, { code: `jsonrpc_${r.error.code ?? 'error'}`, body: r });
    if (!r || typeof r.result !== 'object' || r.result === null) throw new SmartflowError(`MCP ${server}.${name}: the gateway answered without a JSON-RPC result.`, { body: r });
    return r.result;
  }

  /** Per-server MCP call counts and cost totals. */
  async mcpUsage(): Promise<Record<string, unknown>> {
    this.requireGateway('MCP usage');
    return ((await (await this.backend()).api('main', { method: 'GET', path: '/api/mcp/usage' })) ?? {}) as Record<string, unknown>;
  }

  /** Sends an A2A task to a registered agent; `traceId` (x-a2a-trace-id) correlates a multi-agent chain. */
  async a2aSendTask(agent: string, message: string, o: { traceId?: string; taskId?: string; signal?: AbortSignal } = {}): Promise<A2ATaskResult> {
    this.requireGateway('A2A agent tasks');
    const id = o.taskId ?? randomUUID();
    const traceId = o.traceId ?? randomUUID();
    const raw = (await (await this.backend()).api('main', {
      method: 'POST',
      path: `/a2a/${encodeURIComponent(agent)}`,
      headers: { 'x-a2a-trace-id': traceId },
      body: { id, message: { role: 'user', parts: [{ type: 'text', text: message }] } },
      signal: o.signal,
    })) as { result?: { parts?: Array<{ type?: string; text?: string }> }; error?: { message?: string } } | null;
    if (raw?.error) throw new SmartflowError(`A2A ${agent}: ${raw.error.message ?? 'task failed'}`, { body: raw });
    const text = (raw?.result?.parts ?? []).filter((p) => p.type === 'text' || typeof p.text === 'string').map((p) => p.text ?? '').join('');
    return { id, trace_id: traceId, result: raw?.result ?? null, text, raw };
  }

  /** An agent's capability card (/a2a/{agent}/.well-known/agent.json). */
  async a2aAgentCard(agent: string): Promise<{ name?: string; capabilities?: unknown; [x: string]: unknown }> {
    this.requireGateway('A2A agent cards');
    return ((await (await this.backend()).api('main', { method: 'GET', path: `/a2a/${encodeURIComponent(agent)}/.well-known/agent.json` })) ?? {}) as Record<string, unknown>;
  }
}
