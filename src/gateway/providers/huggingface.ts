/** HuggingFace adapter: OpenAI-compatible API at https://router.huggingface.co/v1 (key: HUGGINGFACE_API_KEY; base URL override: HUGGINGFACE_BASE_URL). */
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const huggingfaceAdapter = createOpenAiCompatibleAdapter({
  id: 'huggingface',
  displayName: 'HuggingFace',
  apiKeyEnv: 'HUGGINGFACE_API_KEY',
  baseUrlEnv: 'HUGGINGFACE_BASE_URL',
  defaultBaseUrl: 'https://router.huggingface.co/v1',
  operations: ['chat', 'models'],
  streamUsage: 'inject',
});
