/** Vercel AI Gateway adapter: OpenAI-compatible API at https://ai-gateway.vercel.sh/v1 (key: VERCEL_AI_GATEWAY_API_KEY; base URL override: VERCEL_AI_GATEWAY_BASE_URL). */
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const vercelAiGatewayAdapter = createOpenAiCompatibleAdapter({
  id: 'vercel_ai_gateway',
  displayName: 'Vercel AI Gateway',
  apiKeyEnv: 'VERCEL_AI_GATEWAY_API_KEY',
  baseUrlEnv: 'VERCEL_AI_GATEWAY_BASE_URL',
  defaultBaseUrl: 'https://ai-gateway.vercel.sh/v1',
  operations: ['chat', 'embeddings', 'models'],
  streamUsage: 'inject',
});
