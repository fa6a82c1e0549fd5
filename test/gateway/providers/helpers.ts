// Test helpers for the adapter tests: fixture loading and feeding a recorded stream through the SSE
// splitter and an adapter's StreamParser, split into pieces of a chosen size.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEventSplitter } from '../../../src/gateway/providers/sse.js';
import type { ProviderAdapter } from '../../../src/gateway/providers/types.js';
import type { ChatChunk } from '../../../src/gateway/types.js';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'wire');

export function fixtureText(rel: string): string {
  return readFileSync(join(FIXTURES, rel), 'utf8');
}

export function fixtureJson<T = unknown>(rel: string): T {
  return JSON.parse(fixtureText(rel)) as T;
}

/** Splits bytes into pieces of `size` (0 = one piece), so events and UTF-8 sequences straddle chunks. */
export function pieces(bytes: Uint8Array, size: number): Uint8Array[] {
  if (!size) return [bytes];
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

export interface StreamRun {
  chunks: ChatChunk[];
  error?: unknown;
  parser: ReturnType<ProviderAdapter['createStreamParser']>;
}

/** Runs a recorded stream through splitter + parser, like the transport does. */
export function runStream(adapter: ProviderAdapter, text: string, size = 0, model = 'test-model'): StreamRun {
  const splitter = createEventSplitter(adapter.streamFormat);
  const parser = adapter.createStreamParser(model, 'req-test');
  const chunks: ChatChunk[] = [];
  try {
    for (const p of pieces(new TextEncoder().encode(text), size)) for (const ev of splitter.push(p)) chunks.push(...parser.push(ev));
    for (const ev of splitter.end()) chunks.push(...parser.push(ev));
    chunks.push(...parser.end());
  } catch (error) {
    return { chunks, error, parser };
  }
  return { chunks, parser };
}

/** Chunks without the wall-clock `created` field, for comparison with pinned expectations. */
export function stable(chunks: ChatChunk[]): unknown[] {
  return chunks.map(({ created: _c, ...rest }) => rest);
}
