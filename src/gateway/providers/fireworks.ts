/** Fireworks AI adapter: OpenAI-compatible API at https://api.fireworks.ai/inference/v1 (key: FIREWORKS_API_KEY; base URL override: FIREWORKS_BASE_URL). */
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const fireworksAdapter = createOpenAiCompatibleAdapter({
  id: 'fireworks',
  displayName: 'Fireworks AI',
  apiKeyEnv: 'FIREWORKS_API_KEY',
  baseUrlEnv: 'FIREWORKS_BASE_URL',
  defaultBaseUrl: 'https://api.fireworks.ai/inference/v1',
  operations: ['chat', 'embeddings', 'models'],
  // Sends usage in its final stream chunk unasked; its API rejects or ignores stream_options.
  streamUsage: 'always',
});
