/** Perplexity AI adapter: OpenAI-compatible API at https://api.perplexity.ai (key: PERPLEXITY_API_KEY; base URL override: PERPLEXITY_BASE_URL). */
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const perplexityAdapter = createOpenAiCompatibleAdapter({
  id: 'perplexity',
  displayName: 'Perplexity AI',
  apiKeyEnv: 'PERPLEXITY_API_KEY',
  baseUrlEnv: 'PERPLEXITY_BASE_URL',
  defaultBaseUrl: 'https://api.perplexity.ai',
  operations: ['chat'],
  // Sends usage in its final stream chunk unasked; its API rejects or ignores stream_options.
  streamUsage: 'always',
});
