/**
 * Azure OpenAI adapter: OpenAI JSON on deployment paths,
 * `{AZURE_API_BASE}/openai/deployments/{deployment}/chat/completions?api-version=…`, with the key in an
 * `api-key` header. The model after "azure/" is the deployment name. AZURE_API_VERSION (or the config's
 * apiVersion) picks the API version; default 2024-10-21 (GA, supports stream usage).
 */
import { GatewayError } from '../errors.js';
import type { ProviderSettings } from '../types.js';
import { joinUrl } from './shared.js';
import { createOpenAiCompatibleAdapter } from './openai-compatible.js';

export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

function azureUrl(root: string, path: string, deployment: string, s: ProviderSettings): string {
  if (!root) {
    throw new GatewayError(
      'missing_api_key',
      'Azure OpenAI needs its endpoint: set AZURE_API_BASE (e.g. https://my-resource.openai.azure.com) and AZURE_API_KEY, then retry.',
      { provider: 'azure' },
    );
  }
  const v = encodeURIComponent(s.apiVersion ?? AZURE_DEFAULT_API_VERSION);
  // Listing models is not per deployment.
  if (path === 'models') return `${joinUrl(root, 'openai/models')}?api-version=${v}`;
  return `${joinUrl(root, `openai/deployments/${encodeURIComponent(deployment)}/${path}`)}?api-version=${v}`;
}

export const azureAdapter = createOpenAiCompatibleAdapter({
  id: 'azure',
  displayName: 'Azure OpenAI',
  apiKeyEnv: 'AZURE_API_KEY',
  baseUrlEnv: 'AZURE_API_BASE',
  defaultBaseUrl: '',
  operations: ['chat', 'embeddings', 'models', 'images', 'transcription', 'speech'],
  streamUsage: 'inject',
  openAiNative: true,
  url: azureUrl,
  authHeaders: (s): Record<string, string> => (s.apiKey ? { 'api-key': s.apiKey } : {}),
  modelInBody: false,
});
