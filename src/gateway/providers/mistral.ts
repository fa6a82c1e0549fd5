/** Mistral AI adapter: OpenAI-compatible API at https://api.mistral.ai/v1 (key: MISTRAL_API_KEY; base URL override: MISTRAL_BASE_URL). */
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const mistralAdapter = createOpenAiCompatibleAdapter({
  id: 'mistral',
  displayName: 'Mistral AI',
  apiKeyEnv: 'MISTRAL_API_KEY',
  baseUrlEnv: 'MISTRAL_BASE_URL',
  defaultBaseUrl: 'https://api.mistral.ai/v1',
  operations: ['chat', 'embeddings', 'models'],
  // Sends usage in its final stream chunk unasked; its API rejects or ignores stream_options.
  streamUsage: 'always',
});
