/**
 * The API other extensions get from `activate()`:
 *
 * @example
 *   const sf = vscode.extensions.getExtension('smartflow.smartflow-vscode')?.exports as SmartflowApi;
 *   const text = await sf.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
 *   const url = sf.gatewayUrl(); // OpenAI-compatible endpoint on 127.0.0.1 (bearer: sf.localToken())
 */
import type * as vscode from 'vscode';
import type { ChatRequest, ModelInfo } from '../gateway/types.js';
import type { GatewayBackend, ScanOutcome } from './backend.js';
import type { EmbeddedBackend } from './embedded-backend.js';
import type { GatewayManager } from './gateway-manager.js';
import type { SmartflowClient } from '../gateway/client/client.js';
import type { Secrets } from './settings.js';
import { gatewayModule } from './gateway-module.js';

export interface SmartflowApi {
  readonly version: string;
  mode(): 'direct' | 'gateway';
  /** The OpenAI-compatible base URL other tools can call (local endpoint or the remote gateway). */
  gatewayUrl(): string | null;
  /** Bearer token of the local endpoint (direct mode only). */
  localToken(): string | null;
  /** The backend every view uses (waits for a start in progress). */
  client(): Promise<GatewayBackend>;
  /** Non-streaming convenience: the reply text. */
  chat(req: ChatRequest, signal?: AbortSignal): Promise<{ content: string; provider: string; model: string; cached: boolean }>;
  listModels(): Promise<ModelInfo[]>;
  scan(text: string): Promise<ScanOutcome>;
  /**
   * A SmartflowClient (the SDK, with the reference's method names) connected to what the views use: the
   * local endpoint in direct mode (needs smartflow.localEndpoint.enabled), the remote gateway otherwise.
   * Do not close it; it is replaced when the mode or URL changes.
   */
  smartflowClient(): Promise<SmartflowClient>;
  onDidChangeState: vscode.Event<void>;
}

export function createApi(manager: GatewayManager, secrets: Secrets, version: string): SmartflowApi {
  let cached: { key: string; client: SmartflowClient } | null = null;
  return {
    version,
    mode: () => manager.settings.mode,
    gatewayUrl: () => manager.backend?.info().url ?? null,
    localToken: () => {
      const b = manager.backend as (GatewayBackend & Partial<Pick<EmbeddedBackend, 'service'>>) | null;
      return (b?.mode === 'direct' && b.service?.token) || null;
    },
    client: () => manager.ready(),
    async chat(req, signal) {
      const b = await manager.ready();
      const stream = await b.chatStream(req, signal ?? new AbortController().signal);
      let content = '';
      for await (const c of stream) content += c.choices?.[0]?.delta?.content ?? '';
      const meta = await stream.meta;
      return { content, provider: meta.provider, model: meta.model, cached: meta.cached };
    },
    listModels: async () => (await manager.ready()).listModels(),
    scan: async (text) => (await manager.ready()).scan(text),
    async smartflowClient() {
      const b = await manager.ready();
      const url = b.info().url;
      if (!url) throw new Error('Smartflow: the local endpoint is off. Enable smartflow.localEndpoint.enabled, or use client() instead.');
      const key = b.mode === 'direct' ? ((b as GatewayBackend & Partial<Pick<EmbeddedBackend, 'service'>>).service?.token ?? undefined) : await secrets.virtualKey();
      const id = `${url}|${key ?? ''}`;
      if (cached?.key === id) return cached.client;
      const old = cached?.client;
      // Loaded on demand: the SDK pulls in the HTTP client.
      const Client = gatewayModule().SmartflowClient;
      cached = { key: id, client: new Client({ baseUrl: url, apiKey: key, defaultModel: manager.settings.defaultModel }) };
      void old?.close().catch(() => undefined);
      return cached.client;
    },
    onDidChangeState: manager.onDidChange,
  };
}
