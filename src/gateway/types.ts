/**
 * The gateway's one internal request / response / stream-chunk shape.
 *
 * It is the OpenAI Chat Completions shape (the lingua franca every client speaks), typed down to the
 * fields we use. Provider adapters translate vendor JSON to and from these types; nothing outside
 * `providers/` ever sees vendor JSON. Layers (cache, compliance, audit) plug into the pipeline through
 * the small interfaces at the bottom of this file so `createGateway(deps)` can be assembled with real
 * stores in production and in tests.
 */

// ---------------------------------------------------------------------------------------------------
// Chat
// ---------------------------------------------------------------------------------------------------

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export interface TextPart {
  type: 'text';
  text: string;
}
export interface ImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}
export type ContentPart = TextPart | ImagePart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: Role;
  /** string, parts, or null (assistant turn that only calls tools). */
  content: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  /** Set on role "tool": which call this result answers. */
  tool_call_id?: string;
}

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string | string[];
  n?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  seed?: number;
  user?: string;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: { type: 'text' | 'json_object' | 'json_schema'; json_schema?: Record<string, unknown> };
  stream_options?: { include_usage?: boolean };
  logprobs?: boolean;
  top_logprobs?: number;
  reasoning_effort?: string;
  /** Unknown OpenAI fields are passed through to OpenAI-compatible upstreams untouched. */
  [extra: string]: unknown;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call' | null;

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatChoice {
  index: number;
  message: ChatMessage;
  finish_reason: FinishReason;
}

export interface ChatResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatChoice[];
  usage?: Usage;
  system_fingerprint?: string;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatChunkChoice {
  index: number;
  delta: { role?: Role; content?: string | null; tool_calls?: ToolCallDelta[] };
  finish_reason: FinishReason;
}

export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChatChunkChoice[];
  /** Present on the final chunk when the upstream reports usage. */
  usage?: Usage | null;
}

// ---------------------------------------------------------------------------------------------------
// Other operations (OpenAI wire shapes)
// ---------------------------------------------------------------------------------------------------

export interface EmbeddingRequest {
  model: string;
  input: string | string[];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  /** Cohere's input_type (search_document, search_query, classification, clustering). */
  input_type?: string;
  user?: string;
}
export interface EmbeddingResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export interface RerankRequest {
  model: string;
  query: string;
  documents: string[];
  top_n?: number;
  return_documents?: boolean;
}
export interface RerankResponse {
  id: string;
  model: string;
  results: Array<{ index: number; relevance_score: number; document?: { text: string } }>;
  usage?: { search_units?: number; total_tokens?: number };
}

export interface ImageRequest {
  model: string;
  prompt: string;
  n?: number;
  size?: string;
  quality?: string;
  response_format?: 'url' | 'b64_json';
  style?: string;
  user?: string;
}
export interface ImageResponse {
  created: number;
  data: Array<{ url?: string; b64_json?: string; revised_prompt?: string }>;
}

export interface TranscriptionRequest {
  model: string;
  file: { data: Uint8Array; filename: string; contentType?: string };
  language?: string;
  prompt?: string;
  response_format?: 'json' | 'text' | 'srt' | 'verbose_json' | 'vtt';
  temperature?: number;
}
/** JSON formats give an object; text/srt/vtt give a string. */
export type TranscriptionResponse = { text: string; [k: string]: unknown } | string;

export interface SpeechRequest {
  model: string;
  input: string;
  voice: string;
  response_format?: 'mp3' | 'opus' | 'aac' | 'flac' | 'wav' | 'pcm';
  speed?: number;
}
export interface BinaryResponse {
  data: Uint8Array;
  contentType: string;
}

export interface ModelInfo {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  /** Smartflow extension: which provider serves it. */
  provider?: string;
}

/** The Anthropic Messages API request/response are passed as JSON on the native path. */
export type AnthropicMessagesRequest = Record<string, unknown> & {
  model: string;
  messages: unknown[];
  max_tokens: number;
  stream?: boolean;
};

// ---------------------------------------------------------------------------------------------------
// Request context: who asked, and how to stop
// ---------------------------------------------------------------------------------------------------

export interface RequestContext {
  /** Same value as the `x-smartflow-request-id` response header. */
  requestId: string;
  /** Aborted when the client disconnects or presses Stop; adapters pass it to the upstream call. */
  signal: AbortSignal;
  userId?: string;
  orgId?: string;
  conversationId?: string;
  /** `x-smartflow-cache: off` (or `no-store`) opts a request out of the cache. */
  cacheMode?: 'default' | 'off' | 'no-store';
  /** Where the request came from, for the audit record: "http", "extension", "cli", "client". */
  source?: string;
  /** Monotonic start time from deps.clock.now() (ms, fractional). */
  startedAt: number;
  /**
   * Called by the gateway with the final ResultMeta of operations whose result type carries no meta
   * (embeddings, rerank, images, audio, native Anthropic); the HTTP edge uses it for x-smartflow-* headers.
   */
  report?: (meta: ResultMeta) => void;
}

// ---------------------------------------------------------------------------------------------------
// What the gateway reports back alongside a response
// ---------------------------------------------------------------------------------------------------

export type CacheHitType = 'exact' | 'semantic';

export interface ResultMeta {
  requestId: string;
  provider: string;
  model: string;
  cached: boolean;
  cacheHitType: CacheHitType | null;
  /** Cache tier for stats/audit: L1 memory exact, L2 semantic, L3 persisted exact. */
  cacheTier?: 'L1' | 'L2' | 'L3';
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  /** Time the gateway itself added (everything except waiting on the upstream). */
  gatewayMs: number;
  routingStrategy: string;
  routingReason: string;
  attempts: number;
  compliance?: ComplianceSummary;
}

export interface ComplianceSummary {
  status: 'compliant' | 'violated';
  action: 'allow' | 'redact' | 'block' | 'log';
  /** Count of redacted findings by type, e.g. { EMAIL: 2, API_KEY: 1 }. */
  redactedByType: Record<string, number>;
  /**
   * `source` says which text the offsets point into: the prompt (joined message texts) or the reply.
   * Set by the pipeline when it merges response findings; absent means the prompt.
   */
  violations: Array<{ type: string; start: number; end: number; confidence: number; recognizer: string; masked: string; source?: 'prompt' | 'response' }>;
  riskScore?: number;
  policy?: string;
}

// ---------------------------------------------------------------------------------------------------
// Dependencies passed to createGateway (no module-level state anywhere in src/gateway)
// ---------------------------------------------------------------------------------------------------

export interface Clock {
  /** Monotonic milliseconds (performance.now()). */
  now(): number;
  /** Wall-clock epoch milliseconds (Date.now()). */
  wallNow(): number;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Provider credentials and endpoint, resolved from config + environment. Never logged. */
export interface ProviderSettings {
  apiKey?: string;
  baseUrl: string;
  /** Azure only. */
  apiVersion?: string;
  /** Extra headers (e.g. OpenRouter's HTTP-Referer). */
  headers?: Record<string, string>;
}

/** Everything the audit store needs to write one record; see audit/ for the VASLog mapping. */
export interface AuditRecord {
  request_id: string;
  timestamp: string;
  provider: string;
  model: string;
  model_provider: string;
  tokens_used: number;
  cost: number;
  latency_ms: number;
  processing_time_ms: number;
  content_type: string;
  user_id: string | null;
  conversation_id: string | null;
  conversation_stage: string | null;
  routing_strategy: string | null;
  routing_reason: string | null;
  compliance_status: 'compliant' | 'violated' | null;
  compliance_violations: string | null;
  compliance: Record<string, unknown> | null;
  metacache: { hit: boolean; query: string | null; tokens_saved: number; hit_type?: CacheHitType | null; tier?: string | null };
  metrics: { prompt_tokens: number; completion_tokens: number; processing_time_ms: number; success: boolean };
  error_status: number | null;
  error_message: string | null;
  streamed: boolean;
  /** Already redacted (or null) per the store-prompt setting; never raw secrets. */
  prompt_text: string | null;
  response_text: string | null;
  source: string | null;
}

export interface AuditSink {
  /** Must not block the request path for more than ~0.1 ms. */
  record(rec: AuditRecord): void;
  /**
   * Resolves once every record passed to `record()` so far is committed (survives kill -9). The gateway
   * awaits it before the final bytes of a response (non-stream body / stream `[DONE]`), so a response the
   * client has received always has its audit row. Optional: sinks that write synchronously omit it.
   */
  flushed?(): Promise<void>;
}

export interface CacheLookup {
  response: ChatResponse;
  hitType: CacheHitType;
  tier: 'L1' | 'L2' | 'L3';
  /** For semantic hits: the cached prompt and its similarity. */
  matchedQuery?: string;
  similarity?: number;
}

export interface CacheLayer {
  lookup(req: ChatRequest, provider: string, ctx: RequestContext): Promise<CacheLookup | null>;
  /** Called only for complete, successful responses (streams: only when the stream finished). */
  store(req: ChatRequest, provider: string, res: ChatResponse, ctx: RequestContext, costUsd: number): void;
  recordMiss(): void;
  stats(): CacheStats;
}

export interface CacheStats {
  hits: number;
  misses: number;
  hit_rate: number;
  l1_hits: number;
  l2_hits: number;
  l3_hits: number;
  tokens_saved: number;
  cost_saved_cents: number;
  entries: number;
}

/** Decision on an outgoing prompt. */
export interface PromptDecision {
  action: 'allow' | 'redact' | 'block' | 'log';
  /** The request to send upstream (redacted when action = redact). */
  request: ChatRequest;
  summary: ComplianceSummary;
  /** Human explanation for a block, shown to the user with what to do. */
  explanation?: string;
  /** Restores placeholders in response text when reversible redaction is on. */
  restore?: (text: string) => string;
  /** Redacted prompt text for the audit log. */
  redactedPromptText: string;
}

/** Scans response text, including streams where a value may be split across chunks. */
export interface ResponseScanner {
  /** Feed a delta; returns the text that is safe to emit now (may hold back a tail). */
  push(delta: string): string;
  /** End of stream: returns the held-back remainder, redacted as needed. */
  flush(): string;
  findings(): ComplianceSummary['violations'];
}

export interface ComplianceLayer {
  scanPrompt(req: ChatRequest, ctx: RequestContext): Promise<PromptDecision>;
  responseScanner(ctx: RequestContext, restore?: (text: string) => string): ResponseScanner;
  /** Redact free text (used for the audit log's response_text). */
  redactText(text: string): string;
}

// ---------------------------------------------------------------------------------------------------
// The gateway as the server, CLI, client and extension see it (returned by createGateway)
// ---------------------------------------------------------------------------------------------------

export interface ChatResult {
  response: ChatResponse;
  meta: ResultMeta;
}

/** A stream plus the meta that is complete once the iterator has finished. */
export interface ChatStream extends AsyncIterable<ChatChunk> {
  /** Resolves when the stream ends (rejects with the error that ended it). */
  readonly meta: Promise<ResultMeta>;
  /** Known before the first chunk: provider/model routing decision and cache hit, if any. */
  readonly early: { requestId: string; provider: string; model: string; cached: boolean; cacheHitType: CacheHitType | null };
}

export interface ProviderHealth {
  provider: string;
  status: 'healthy' | 'degraded' | 'unhealthy';
  latency_ms: number;
  success_rate: number;
  error_rate: number;
  requests_total: number;
  last_updated: string;
}

export interface RoutingStatus {
  active_provider: string | null;
  forced_provider: string | null;
  forced_until: string | null;
  fallback_chains: Record<string, string[]>;
  last_failure: { provider: string; model: string; message: string; at: string } | null;
  strategy: string;
}

export interface ProviderStatus {
  id: string;
  displayName: string;
  configured: boolean;
  keyEnv?: string;
  baseUrl: string;
  implemented: boolean;
}

export interface Gateway {
  chat(req: ChatRequest, ctx: RequestContext): Promise<ChatResult>;
  chatStream(req: ChatRequest, ctx: RequestContext): Promise<ChatStream>;
  anthropicMessages(body: AnthropicMessagesRequest, ctx: RequestContext): Promise<{ status: number; body: unknown; meta: ResultMeta } | { stream: AsyncIterable<Uint8Array>; meta: Promise<ResultMeta> }>;
  embeddings(req: EmbeddingRequest, ctx: RequestContext): Promise<EmbeddingResponse>;
  rerank(req: RerankRequest, ctx: RequestContext): Promise<RerankResponse>;
  images(req: ImageRequest, ctx: RequestContext): Promise<ImageResponse>;
  transcription(req: TranscriptionRequest, ctx: RequestContext): Promise<TranscriptionResponse>;
  speech(req: SpeechRequest, ctx: RequestContext): Promise<BinaryResponse>;
  listModels(ctx: RequestContext): Promise<ModelInfo[]>;

  providerHealth(): ProviderHealth[];
  routingStatus(): RoutingStatus;
  forceProvider(provider: string, durationSeconds: number): RoutingStatus;
  providers(): ProviderStatus[];
  cacheStats(): CacheStats | null;
  /** Stops timers, closes upstream pools. Stores are closed by whoever opened them. */
  close(): Promise<void>;
}
