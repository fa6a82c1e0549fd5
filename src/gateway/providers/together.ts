/** Together AI adapter: OpenAI-compatible API at https://api.together.xyz/v1 (key: TOGETHER_API_KEY; base URL override: TOGETHER_BASE_URL). */
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const togetherAdapter = createOpenAiCompatibleAdapter({
  id: 'together',
  displayName: 'Together AI',
  apiKeyEnv: 'TOGETHER_API_KEY',
  baseUrlEnv: 'TOGETHER_BASE_URL',
  defaultBaseUrl: 'https://api.together.xyz/v1',
  operations: ['chat', 'embeddings', 'models', 'images', 'rerank'],
  // Sends usage in its final stream chunk unasked; its API rejects or ignores stream_options.
  streamUsage: 'always',
});
