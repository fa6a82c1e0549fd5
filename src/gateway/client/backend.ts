/**
 * The seam between SmartflowClient and where requests are served: a remote gateway over HTTP
 * (http-backend.ts) or the embedded gateway in this process (direct-backend.ts). Both speak the same
 * paths for the compliance/management/audit API, so every client method has one implementation.
 */
import type {
  AnthropicMessagesRequest,
  BinaryResponse,
  ChatChunk,
  ChatRequest,
  EmbeddingRequest,
  EmbeddingResponse,
  ImageRequest,
  ImageResponse,
  ModelInfo,
  RerankRequest,
  RerankResponse,
  SpeechRequest,
  TranscriptionRequest,
  TranscriptionResponse,
  ProviderStatus,
} from '../types.js';
import type { AIResponse, ClientMode } from './types.js';

export interface CallOptions {
  signal?: AbortSignal;
  userId?: string;
  conversationId?: string;
  cache?: 'default' | 'off';
  /** Extra headers (gateway mode only), e.g. x-api-key for the Anthropic path. */
  headers?: Record<string, string>;
}

/** Which listener an API path lives on in gateway mode: main 7775, compliance 7777, management 7778. */
export type Surface = 'main' | 'compliance' | 'management';

export interface ApiCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface Backend {
  readonly mode: ClientMode;
  /** What requests go to, for messages: the gateway URL, or "the embedded gateway". */
  readonly target: string;
  chat(req: ChatRequest, o: CallOptions): Promise<AIResponse>;
  /** Starts the call; the iterable yields chunks and ends (or throws a SmartflowError). */
  chatStream(req: ChatRequest, o: CallOptions): Promise<AsyncIterable<ChatChunk>>;
  anthropicMessages(body: AnthropicMessagesRequest, o: CallOptions): Promise<unknown>;
  embeddings(req: EmbeddingRequest, o: CallOptions): Promise<EmbeddingResponse>;
  rerank(req: RerankRequest, o: CallOptions): Promise<RerankResponse>;
  images(req: ImageRequest, o: CallOptions): Promise<ImageResponse>;
  transcription(req: TranscriptionRequest, o: CallOptions): Promise<TranscriptionResponse>;
  speech(req: SpeechRequest, o: CallOptions): Promise<BinaryResponse>;
  listModels(o: CallOptions): Promise<ModelInfo[]>;
  /** Direct mode: the providers the embedded gateway knows and whether each has a key. */
  providers?(): ProviderStatus[];
  /** JSON API call on a surface; resolves with the parsed body, rejects with a SmartflowError. */
  api(surface: Surface, call: ApiCall): Promise<unknown>;
  close(): Promise<void>;
}

/** Builds a query string, dropping undefined values. */
export function queryString(q: ApiCall['query']): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
