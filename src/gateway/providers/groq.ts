/** Groq adapter: OpenAI-compatible API at https://api.groq.com/openai/v1 (key: GROQ_API_KEY; base URL override: GROQ_BASE_URL). */
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const groqAdapter = createOpenAiCompatibleAdapter({
  id: 'groq',
  displayName: 'Groq',
  apiKeyEnv: 'GROQ_API_KEY',
  baseUrlEnv: 'GROQ_BASE_URL',
  defaultBaseUrl: 'https://api.groq.com/openai/v1',
  operations: ['chat', 'models', 'transcription', 'speech'],
  // Reports stream usage in x_groq.usage on the last chunk (read by the shared stream parser).
  streamUsage: 'always',
  // Groq accepts only n = 1; more choices are fanned out by the gateway.
  singleChoice: true,
});
