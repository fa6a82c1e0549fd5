/** xAI (Grok) adapter: OpenAI-compatible API at https://api.x.ai/v1 (key: XAI_API_KEY; base URL override: XAI_BASE_URL). */
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const xaiAdapter = createOpenAiCompatibleAdapter({
  id: 'xai',
  displayName: 'xAI (Grok)',
  apiKeyEnv: 'XAI_API_KEY',
  baseUrlEnv: 'XAI_BASE_URL',
  defaultBaseUrl: 'https://api.x.ai/v1',
  operations: ['chat', 'models', 'images'],
  streamUsage: 'inject',
});
