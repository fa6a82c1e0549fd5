/**
 * One chat attempt against one target: build the provider request and send it with retries — or, for
 * n > 1 on a provider without `n`, n one-choice calls merged (fanout.ts). Its own module so core.ts and
 * fanout.ts do not import each other.
 */
import { GatewayError } from '../errors.js';
import type { ChatRequest, RequestContext } from '../types.js';
import type { ProviderAdapter, UpstreamRequest } from '../providers/types.js';
import type { Target } from '../routing/router.js';
import { sendWithRetries, type Pipe, type SendResult } from './core.js';
import { needsFanOut, sendFanOut } from './fanout.js';

/** Builds a chat request for one target and sends it with retries; the caller reads the body. */
export async function sendChat(
  p: Pipe,
  t: Target,
  req: ChatRequest,
  ctx: RequestContext,
): Promise<SendResult & { adapter: ProviderAdapter; up: UpstreamRequest; reopen?: () => Promise<SendResult> }> {
  const adapter = p.adapter(t.provider);
  if (!adapter.operations.has('chat')) {
    throw new GatewayError('unsupported_operation', `${adapter.displayName} does not support chat completions.`, { provider: t.provider });
  }
  // n > 1 on a provider without `n`: n parallel one-choice calls, merged (see fanout.ts).
  if (needsFanOut(adapter, req)) return sendFanOut(p, t, adapter, req, ctx);
  const up = adapter.buildChat(req, t.model, p.settings(adapter));
  const r = await sendWithRetries(p, adapter, up, ctx);
  // Named fields rather than a spread: one object shape on the hot path, no property-copy loop.
  return { adapter, up, res: r.res, attempts: r.attempts, waitedMs: r.waitedMs, doneAt: r.doneAt };
}
