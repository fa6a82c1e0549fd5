/**
 * "local" adapter: any OpenAI-compatible server (vLLM, llama.cpp server, LM Studio, LocalAI, …).
 * LOCAL_BASE_URL is its API root including /v1 (default http://localhost:8000/v1, vLLM's default);
 * LOCAL_API_KEY is optional and sent as a bearer token when set.
 */
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const localAdapter = createOpenAiCompatibleAdapter({
  id: 'local',
  displayName: 'Local OpenAI-compatible server',
  apiKeyEnv: 'LOCAL_API_KEY',
  keyOptional: true,
  baseUrlEnv: 'LOCAL_BASE_URL',
  defaultBaseUrl: 'http://localhost:8000/v1',
  operations: ['chat', 'embeddings', 'models', 'images', 'transcription', 'speech', 'rerank'],
  streamUsage: 'inject',
});
