/**
 * The provider adapter contract. One file per provider implements it; `providers/index.ts` is a flat
 * registry. An adapter only builds upstream HTTP requests and parses upstream responses: the pipeline
 * (routing, retries, fallback, cache, compliance, audit) owns the sending, so adapters stay pure and
 * their transforms can be pinned against recorded wire fixtures.
 */
import type {
  ChatRequest,
  ChatResponse,
  ChatChunk,
  EmbeddingRequest,
  EmbeddingResponse,
  RerankRequest,
  RerankResponse,
  ImageRequest,
  ImageResponse,
  TranscriptionRequest,
  TranscriptionResponse,
  SpeechRequest,
  ModelInfo,
  ProviderSettings,
  Usage,
} from '../types.js';

export type Operation =
  | 'chat'
  | 'embeddings'
  | 'rerank'
  | 'images'
  | 'transcription'
  | 'speech'
  | 'models'
  | 'anthropic_messages';

/** A fully built upstream HTTP request. */
export interface UpstreamRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** JSON-serialisable object, raw bytes, or a multipart body (built by the adapter). */
  body?: string | Uint8Array;
  /**
   * Streaming chat only: true when the adapter asked the upstream for usage (OpenAI
   * `stream_options.include_usage`) or emits a usage-only final chunk itself although the client did
   * not ask for one. The pipeline reads the usage and drops that usage-only chunk before the client.
   */
  injectedUsage?: boolean;
}

/**
 * Incremental parser for one upstream stream. Fed raw SSE/NDJSON events (already split by the
 * transport into `event`/`data` pairs), it yields our OpenAI chunks. `end()` is called when the
 * upstream closes; it throws GatewayError('stream_truncated') when the provider's completion marker
 * never arrived.
 */
export interface StreamParser {
  push(event: { event?: string; data: string }): ChatChunk[];
  end(): ChatChunk[];
  /** Usage as reported so far (providers report it at different points). */
  usage(): Usage | undefined;
  /** True once the provider's end-of-stream marker was seen. */
  done(): boolean;
}

export interface ProviderAdapter {
  /** Registry id and model prefix, e.g. "openai", "anthropic", "nvidia_nim". */
  id: string;
  displayName: string;
  /** Env var holding the key (from the reference's prefix table); undefined = none required. */
  apiKeyEnv?: string;
  /** Env var overriding the base URL, e.g. OPENAI_BASE_URL. */
  baseUrlEnv: string;
  defaultBaseUrl: string;
  /** Whether a request can be made without a key (ollama, local). */
  keyOptional?: boolean;
  operations: ReadonlySet<Operation>;
  /** Wire format of streams: 'sse' (data: lines) or 'ndjson'. */
  streamFormat: 'sse' | 'ndjson';
  /**
   * The provider returns one choice per chat request (no OpenAI `n`): the pipeline fans `n > 1` out into
   * n parallel calls and merges them (pipeline/fanout.ts). `buildChat` never sends `n` for these.
   */
  singleChoice?: boolean;

  buildChat(req: ChatRequest, model: string, s: ProviderSettings): UpstreamRequest;
  parseChat(body: unknown, model: string): ChatResponse;
  createStreamParser(model: string, requestId: string): StreamParser;

  buildEmbeddings?(req: EmbeddingRequest, model: string, s: ProviderSettings): UpstreamRequest;
  /**
   * `req` (optional, pass it): the adapter returns the encoding the client asked for (`encoding_format`
   * base64 or float), converting when the provider answered in the other one.
   */
  parseEmbeddings?(body: unknown, model: string, req?: EmbeddingRequest): EmbeddingResponse;
  buildRerank?(req: RerankRequest, model: string, s: ProviderSettings): UpstreamRequest;
  /** `req` (optional, pass it): fills `document.text` when the client asked `return_documents`. */
  parseRerank?(body: unknown, model: string, req?: RerankRequest): RerankResponse;
  buildImages?(req: ImageRequest, model: string, s: ProviderSettings): UpstreamRequest;
  parseImages?(body: unknown): ImageResponse;
  buildTranscription?(req: TranscriptionRequest, model: string, s: ProviderSettings): UpstreamRequest;
  parseTranscription?(body: unknown, contentType: string): TranscriptionResponse;
  buildSpeech?(req: SpeechRequest, model: string, s: ProviderSettings): UpstreamRequest;
  buildListModels?(s: ProviderSettings): UpstreamRequest;
  parseListModels?(body: unknown): ModelInfo[];
  /** Native Anthropic Messages path (anthropic adapter only): request passes through as-is. */
  buildAnthropicMessages?(body: Record<string, unknown>, s: ProviderSettings): UpstreamRequest;

  /** Extracts the provider's error message from an error body, for the 502 we return. */
  errorMessage(body: unknown, status: number): string;
}
