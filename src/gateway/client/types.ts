/**
 * The SDK's public option and result types. Result field names follow the reference (snake_case, as on
 * the wire — the names users of the Python SDK know); AIResponse uses camelCase for its two
 * multi-word fields (cacheHitType) as TypeScript users expect.
 */
import type { VASLog as StoredVASLog } from '../audit/vaslog.js';
import type { GatewayService } from '../compose.js';
import type { GatewayConfig } from '../config.js';
import type { CacheHitType, ChatChoice, ChatMessage, ProviderHealth as GwProviderHealth, RoutingStatus as GwRoutingStatus, Usage } from '../types.js';

export type ClientMode = 'gateway' | 'direct';

/** Direct mode: embedded gateway settings, each section partial (unset fields keep their defaults). */
export type DirectGatewayConfig = { [K in Exclude<keyof GatewayConfig, 'dataDir'>]?: Partial<GatewayConfig[K]> };

export interface SmartflowClientOptions {
  /** Gateway URL (e.g. http://smartflow:7775). Given → gateway mode, whatever else is configured. */
  baseUrl?: string;
  /** Virtual key (sk-sf-…) or the local gateway's bearer token. */
  apiKey?: string;
  /** Request timeout in seconds (default 30). */
  timeout?: number;
  /**
   * Side APIs. With the main URL on port 7775 they default to the same host on 7778 / 7777 (as the
   * reference); on any other port to the main URL itself (our gateway serves every API there). Setting a
   * port or URL here always wins.
   */
  managementPort?: number;
  compliancePort?: number;
  /** Full URL of the management API (wins over managementPort). */
  managementUrl?: string;
  /** Full URL of the compliance API (wins over compliancePort). */
  complianceUrl?: string;
  bridgePort?: number;
  /** Default model for chat()/streamChat() (default gpt-4o, or default_model from config.yaml). */
  defaultModel?: string;
  /** Environment to read SMARTFLOW_GATEWAY_URL / provider keys from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Config file path (default SMARTFLOW_CONFIG or ~/.smartflow/config.yaml). */
  configPath?: string;
  /** Direct mode: where the embedded gateway keeps its audit log, cache and learning data. */
  dataDir?: string;
  /** Direct mode: provider keys that override the environment, e.g. { openai: 'sk-…' }. */
  providerKeys?: Record<string, string>;
  /**
   * Direct mode on an already running embedded gateway (e.g. the VS Code extension's): the client uses
   * it instead of starting its own, and close() leaves it running. Implies direct mode.
   */
  embedded?: GatewayService;
  /** Direct mode: settings for the embedded gateway (cache, compliance policy, audit, routing …). */
  directConfig?: DirectGatewayConfig;
  /** Direct mode: better-sqlite3 binding for this host (Electron). */
  nativeBinding?: string;
  /** Called with non-fatal problems (a malformed config file, storage unavailable). Default: ignored. */
  onWarning?: (message: string) => void;
  /** Model used by chatbotQuery() to phrase answers in prose; without it answers are deterministic. */
  chatbotModel?: string;
}

export interface AIResponse {
  /** First choice text. */
  content: string;
  choices: ChatChoice[];
  usage: Usage;
  model: string;
  id: string;
  cached: boolean;
  cacheHitType: CacheHitType | null;
  provider: string;
  /** The audit record id (x-smartflow-request-id). */
  requestId?: string;
  /** Estimated cost in USD, when the gateway reports it (direct mode always; gateway mode via x-smartflow-cost-usd). */
  costUsd?: number;
}

export interface ChatOptions {
  model?: string;
  systemPrompt?: string;
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  /** Attributed in the audit log and used for behavioural compliance. */
  userId?: string;
  conversationId?: string;
  /** Bypass the cache for this request. */
  cache?: 'default' | 'off';
  /** Any other OpenAI chat field (top_p, stop, tools, response_format …). */
  extra?: Record<string, unknown>;
}

export interface ChatCompletionsOptions extends Omit<ChatOptions, 'systemPrompt'> {
  stream?: false;
}

export type Message = ChatMessage | { role: string; content: string };

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

export interface ComplianceResult {
  has_violations: boolean;
  compliance_score: number;
  violations: string[];
  pii_detected: string[];
  risk_level: 'low' | 'medium' | 'high' | 'critical' | string;
  recommendations: string[];
  redacted_content: string | null;
  [extra: string]: unknown;
}

export interface IntelligentScanResult {
  has_violations: boolean;
  risk_score: number;
  recommended_action: 'Allow' | 'AllowAndLog' | 'Review' | 'Block' | string;
  explanation: string;
  regex_violations: Array<Record<string, unknown>>;
  ml_violations: Array<Record<string, unknown>>;
  behavior_deviations: Array<Record<string, unknown>>;
  processing_time_us: number;
  /** Pass to submitComplianceFeedback(). */
  scan_id?: string;
  [extra: string]: unknown;
}

export interface LearningSummary {
  total_users: number;
  users_learning_complete: number;
  config_learning_days: number;
  [extra: string]: unknown;
}

export interface LearningStatus {
  user_id?: string;
  days_tracked: number;
  progress_percent: number;
  learning_complete: boolean;
  [extra: string]: unknown;
}

export interface MLStats {
  total_patterns: number;
  learned_patterns: number;
  patterns_by_category: Record<string, number>;
  average_confidence: number;
  [extra: string]: unknown;
}

export interface OrgBaseline {
  org_id?: string;
  user_count: number;
  violation_rate: number;
  top_violation_types: unknown[];
  [extra: string]: unknown;
}

export type ProviderHealth = GwProviderHealth;
export type RoutingStatus = GwRoutingStatus & { [extra: string]: unknown };

export interface SystemHealth {
  status: 'healthy' | 'degraded' | 'unhealthy' | string;
  uptime_seconds: number;
  version: string;
  providers: Record<string, unknown>;
  cache: Record<string, unknown>;
  timestamp: string;
  [extra: string]: unknown;
}

/**
 * One audit record as a gateway returns it: the reference's VASLog fields (our audit store's read
 * shape); the additions our own gateway makes (error, streamed, texts, source) may be missing from
 * another gateway's answer, and unknown fields are kept.
 */
export type VASLog = Omit<StoredVASLog, 'metacache' | OurAdditions> &
  Partial<Pick<StoredVASLog, OurAdditions>> & {
    metacache: { hit: boolean; query: string | null; tokens_saved: number; [k: string]: unknown };
    [extra: string]: unknown;
  };
type OurAdditions = 'error' | 'streamed' | 'prompt_text' | 'response_text' | 'source';

export interface LogQuery {
  limit?: number;
  offset?: number;
  provider?: string;
  model?: string;
  days?: number;
  userId?: string;
  /** Any further filter the gateway's /api/logs understands (e.g. status=error, cached=true). */
  filters?: Record<string, string | number | boolean>;
}

export interface WorkflowResult {
  success: boolean;
  output: string;
  steps_executed: string[];
  errors: string[];
  total_tokens: number;
  total_cost_cents: number;
  execution_time_ms: number;
}

export interface ChatbotResult {
  query: string;
  /** The answer in prose (deterministic text without a chatbot model). */
  response: string;
  /** Which question it understood: cache_stats, provider_errors, spend, health, logs, unknown. */
  intent: string;
  /** The aggregates the answer was built from. */
  data: Record<string, unknown>;
  /** The period the answer covers (ISO dates), when relevant. */
  period?: { start: string; end: string; label: string };
}
