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
  onDidChangeState: vscode.Event<void>;
}

export function createApi(manager: GatewayManager, version: string): SmartflowApi {
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
    onDidChangeState: manager.onDidChange,
  };
}
