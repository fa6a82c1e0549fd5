/**
 * Small helpers the adapters share: URL joining, the missing-key error, JSON shape checks, OpenAI-style
 * error extraction and the multipart/form-data body for audio uploads. Plain functions, no state.
 */
import { randomBytes } from 'node:crypto';
import { GatewayError } from '../errors.js';
import type { EmbeddingResponse, ProviderSettings } from '../types.js';
import type { ProviderAdapter } from './types.js';

/** Joins a base URL and a path with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
  const b = base.endsWith('/') ? base.slice(0, -1) : base;
  return path.startsWith('/') ? b + path : `${b}/${path}`;
}

/** Throws `missing_api_key` (with the env var to set) when the provider needs a key and none is configured. */
export function requireKey(a: Pick<ProviderAdapter, 'id' | 'displayName' | 'apiKeyEnv' | 'keyOptional'>, s: ProviderSettings): void {
  if (s.apiKey || a.keyOptional || !a.apiKeyEnv) return;
  throw new GatewayError(
    'missing_api_key',
    `No API key for ${a.displayName}: set ${a.apiKeyEnv} in the environment (or store it with "Smartflow: Set Provider Key"), then retry.`,
    { provider: a.id },
  );
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Asserts the upstream body is a JSON object; a provider returning anything else is a 502. */
export function expectObject(body: unknown, provider: string, what: string): Record<string, unknown> {
  if (isObject(body)) return body;
  throw new GatewayError('upstream_error', `${provider} returned an unexpected ${what} response (not a JSON object). Check the provider's base URL.`, {
    provider,
  });
}

/** Parses one stream event's JSON; malformed data is an upstream error, never a crash. */
export function parseEventJson(data: string, provider: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    throw new GatewayError('upstream_error', `${provider} sent a malformed stream event (invalid JSON: ${truncate(data, 120)}). Retry the request.`, {
      provider,
    });
  }
  if (!isObject(v)) {
    throw new GatewayError('upstream_error', `${provider} sent a malformed stream event (not a JSON object: ${truncate(data, 120)}).`, { provider });
  }
  return v;
}

export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/**
 * Error message from an OpenAI-style (`{"error":{"message"}}`), Anthropic-style
 * (`{"type":"error","error":{"message"}}`), Cohere/Mistral-style (`{"message"}`/`{"detail"}`) or plain
 * text body, falling back to the status.
 */
export function genericErrorMessage(body: unknown, status: number): string {
  if (typeof body === 'string' && body.trim()) return truncate(body.trim(), 500);
  if (isObject(body)) {
    const e = body.error;
    if (isObject(e) && typeof e.message === 'string') return e.message;
    if (typeof e === 'string') return e;
    if (typeof body.message === 'string') return body.message;
    if (typeof body.detail === 'string') return body.detail;
    if (Array.isArray(body.detail) && isObject(body.detail[0]) && typeof body.detail[0].msg === 'string') return body.detail[0].msg;
  }
  // Gemini wraps its error object in an array: [{"error":{...}}].
  if (Array.isArray(body) && isObject(body[0])) return genericErrorMessage(body[0], status);
  return `upstream returned HTTP ${status}`;
}

/** Base request headers for a JSON POST with a bearer key (when there is one). */
export function bearerJsonHeaders(s: ProviderSettings): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (s.apiKey) h.authorization = `Bearer ${s.apiKey}`;
  if (s.headers) Object.assign(h, s.headers);
  return h;
}

/**
 * Makes embeddings match the encoding the client asked for. The official OpenAI SDK asks for base64 by
 * default and decodes it as little-endian float32, so a provider that ignores `encoding_format` (or
 * cannot do base64, like Cohere) must not hand it float arrays, and vice versa.
 */
export function applyEmbeddingEncoding(res: EmbeddingResponse, format: 'float' | 'base64' | undefined): EmbeddingResponse {
  const wantBase64 = format === 'base64';
  for (const d of res.data) {
    if (wantBase64 && Array.isArray(d.embedding)) {
      d.embedding = Buffer.from(new Float32Array(d.embedding).buffer).toString('base64');
    } else if (!wantBase64 && typeof d.embedding === 'string') {
      const b = Buffer.from(d.embedding, 'base64');
      const copy = new Uint8Array(b); // aligned copy for the Float32Array view
      d.embedding = Array.from(new Float32Array(copy.buffer, 0, Math.floor(copy.length / 4)));
    }
  }
  return res;
}

// ---------------------------------------------------------------------------------------------------
// multipart/form-data (audio transcription uploads)
// ---------------------------------------------------------------------------------------------------

export interface MultipartField {
  name: string;
  value: string | { data: Uint8Array; filename: string; contentType?: string };
}

/** Builds a multipart/form-data body (RFC 7578). Returns the bytes and the content-type with its boundary. */
export function buildMultipart(fields: MultipartField[], boundary = `----smartflow${randomBytes(12).toString('hex')}`): { body: Uint8Array; contentType: string } {
  const parts: Buffer[] = [];
  for (const f of fields) {
    const name = f.name.replace(/"/g, '%22');
    if (typeof f.value === 'string') {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${f.value}\r\n`, 'utf8'));
    } else {
      const filename = f.value.filename.replace(/[\r\n"]/g, '_');
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${f.value.contentType ?? 'application/octet-stream'}\r\n\r\n`,
          'utf8',
        ),
      );
      parts.push(Buffer.from(f.value.data.buffer, f.value.data.byteOffset, f.value.data.byteLength));
      parts.push(Buffer.from('\r\n', 'utf8'));
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return { body: new Uint8Array(Buffer.concat(parts)), contentType: `multipart/form-data; boundary=${boundary}` };
}
