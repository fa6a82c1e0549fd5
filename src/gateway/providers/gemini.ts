/**
 * Google Gemini adapter through Gemini's OpenAI-compatible endpoint (`…/v1beta/openai/`), which takes
 * the key as a bearer token. GEMINI_API_KEY; GEMINI_BASE_URL overrides the endpoint root.
 */
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const geminiAdapter = createOpenAiCompatibleAdapter({
  id: 'gemini',
  displayName: 'Google Gemini',
  apiKeyEnv: 'GEMINI_API_KEY',
  baseUrlEnv: 'GEMINI_BASE_URL',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai',
  operations: ['chat', 'embeddings', 'models', 'images'],
  streamUsage: 'inject',
  // The compatible /models endpoint lists ids as "models/gemini-2.0-flash"; requests use the bare name.
  normalizeModelId: (id) => (id.startsWith('models/') ? id.slice('models/'.length) : id),
});
