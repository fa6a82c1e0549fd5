/** Novita AI adapter: OpenAI-compatible API at https://api.novita.ai/v3/openai (key: NOVITA_API_KEY; base URL override: NOVITA_BASE_URL). */
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const novitaAdapter = createOpenAiCompatibleAdapter({
  id: 'novita',
  displayName: 'Novita AI',
  apiKeyEnv: 'NOVITA_API_KEY',
  baseUrlEnv: 'NOVITA_BASE_URL',
  defaultBaseUrl: 'https://api.novita.ai/v3/openai',
  operations: ['chat', 'embeddings', 'models'],
  streamUsage: 'inject',
});
