/**
 * Ollama adapter: Ollama's OpenAI-compatible API under `/v1`. OLLAMA_BASE_URL is the server root as
 * Ollama documents it (default http://localhost:11434); a value that already ends in /v1 is accepted
 * too. No key is needed; OLLAMA_API_KEY is sent as a bearer token when set (for authenticating proxies).
 */
import { joinUrl } from './shared.js';
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const ollamaAdapter = createOpenAiCompatibleAdapter({
  id: 'ollama',
  displayName: 'Ollama',
  apiKeyEnv: 'OLLAMA_API_KEY',
  keyOptional: true,
  baseUrlEnv: 'OLLAMA_BASE_URL',
  defaultBaseUrl: 'http://localhost:11434',
  operations: ['chat', 'embeddings', 'models'],
  streamUsage: 'inject',
  // Ollama's OpenAI endpoint does not implement `n`; more choices are fanned out by the gateway.
  singleChoice: true,
  apiRoot: (base) => (/\/v1\/?$/.test(base) ? base : joinUrl(base, 'v1')),
});
