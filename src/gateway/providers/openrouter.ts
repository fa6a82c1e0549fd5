/** OpenRouter adapter: OpenAI-compatible API at https://openrouter.ai/api/v1 (key: OPENROUTER_API_KEY; base URL override: OPENROUTER_BASE_URL). */
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const openrouterAdapter = createOpenAiCompatibleAdapter({
  id: 'openrouter',
  displayName: 'OpenRouter',
  apiKeyEnv: 'OPENROUTER_API_KEY',
  baseUrlEnv: 'OPENROUTER_BASE_URL',
  defaultBaseUrl: 'https://openrouter.ai/api/v1',
  operations: ['chat', 'models', 'embeddings'],
  streamUsage: 'inject',
});
