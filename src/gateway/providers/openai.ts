/**
 * OpenAI adapter: the reference wire format. OPENAI_API_KEY; OPENAI_BASE_URL (including /v1, as the
 * official SDKs expect) overrides https://api.openai.com/v1 for proxies and tests.
 */
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const openaiAdapter = createOpenAiCompatibleAdapter({
  id: 'openai',
  displayName: 'OpenAI',
  apiKeyEnv: 'OPENAI_API_KEY',
  baseUrlEnv: 'OPENAI_BASE_URL',
  defaultBaseUrl: 'https://api.openai.com/v1',
  operations: ['chat', 'embeddings', 'models', 'images', 'transcription', 'speech'],
  streamUsage: 'inject',
  openAiNative: true,
});
