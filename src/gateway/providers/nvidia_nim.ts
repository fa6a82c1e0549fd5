/** NVIDIA NIM adapter: OpenAI-compatible API at https://integrate.api.nvidia.com/v1 (key: NVIDIA_NIM_API_KEY; base URL override: NVIDIA_NIM_BASE_URL). */
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const nvidiaNimAdapter = createOpenAiCompatibleAdapter({
  id: 'nvidia_nim',
  displayName: 'NVIDIA NIM',
  apiKeyEnv: 'NVIDIA_NIM_API_KEY',
  baseUrlEnv: 'NVIDIA_NIM_BASE_URL',
  defaultBaseUrl: 'https://integrate.api.nvidia.com/v1',
  operations: ['chat', 'embeddings', 'models'],
  streamUsage: 'inject',
});
