/**
 * The flat provider registry: id → adapter. Adding a provider is one file plus one line here.
 * Also lists the prefixes from the reference's table that need a protocol we have not built, so routing
 * can name them in a clear error instead of guessing.
 */
import { GatewayError } from '../errors.js';
import type { ProviderAdapter } from './types.js';
import { openaiAdapter } from './openai.js';
import { anthropicAdapter } from './anthropic.js';
import { cohereAdapter } from './cohere.js';
import { azureAdapter } from './azure.js';
import { geminiAdapter } from './gemini.js';
import { ollamaAdapter } from './ollama.js';
import { localAdapter } from './local.js';
import { xaiAdapter } from './xai.js';
import { mistralAdapter } from './mistral.js';
import { groqAdapter } from './groq.js';
import { openrouterAdapter } from './openrouter.js';
import { togetherAdapter } from './together.js';
import { fireworksAdapter } from './fireworks.js';
import { perplexityAdapter } from './perplexity.js';
import { novitaAdapter } from './novita.js';
import { nvidiaNimAdapter } from './nvidia_nim.js';
import { huggingfaceAdapter } from './huggingface.js';
import { vercelAiGatewayAdapter } from './vercel_ai_gateway.js';

const ADAPTERS: Readonly<Record<string, ProviderAdapter>> = Object.freeze({
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  azure: azureAdapter,
  gemini: geminiAdapter,
  ollama: ollamaAdapter,
  local: localAdapter,
  cohere: cohereAdapter,
  xai: xaiAdapter,
  mistral: mistralAdapter,
  groq: groqAdapter,
  openrouter: openrouterAdapter,
  together: togetherAdapter,
  fireworks: fireworksAdapter,
  perplexity: perplexityAdapter,
  novita: novitaAdapter,
  nvidia_nim: nvidiaNimAdapter,
  huggingface: huggingfaceAdapter,
  vercel_ai_gateway: vercelAiGatewayAdapter,
});

/** Prefixes from the reference's table whose protocol is not built (they fail with `unsupported_provider`). */
export const NOT_BUILT_PROVIDERS: Readonly<Record<string, { displayName: string; apiKeyEnv: string; why: string }>> = Object.freeze({
  vertex_ai: { displayName: 'Google Vertex AI', apiKeyEnv: 'VERTEXAI_API_KEY', why: 'needs Google Cloud OAuth and per-project regional endpoints' },
  deepgram: { displayName: 'Deepgram', apiKeyEnv: 'DEEPGRAM_API_KEY', why: 'speech-to-text with its own listen API, not chat completions' },
  replicate: { displayName: 'Replicate', apiKeyEnv: 'REPLICATE_API_KEY', why: 'asynchronous prediction jobs rather than chat completions' },
});

/** The adapter for a provider id, or undefined. */
export function getAdapter(id: string): ProviderAdapter | undefined {
  return Object.prototype.hasOwnProperty.call(ADAPTERS, id) ? ADAPTERS[id] : undefined;
}

/** The adapter for a provider id; throws `unsupported_provider` / `unknown_model` naming the id otherwise. */
export function requireAdapter(id: string): ProviderAdapter {
  const a = getAdapter(id);
  if (a) return a;
  const nb = Object.prototype.hasOwnProperty.call(NOT_BUILT_PROVIDERS, id) ? NOT_BUILT_PROVIDERS[id] : undefined;
  if (nb) {
    throw new GatewayError('unsupported_provider', `The "${id}/" provider (${nb.displayName}) is not supported yet: it ${nb.why}. Use another provider prefix.`, {
      provider: id,
    });
  }
  throw new GatewayError('unknown_model', `Unknown provider "${id}". Known providers: ${listAdapters().map((x) => x.id).join(', ')}.`);
}

/** Every built adapter, in registry order. */
export function listAdapters(): ProviderAdapter[] {
  return Object.values(ADAPTERS);
}
