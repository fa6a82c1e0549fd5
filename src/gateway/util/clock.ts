/**
 * The real clock (monotonic + wall). Tests pass their own `Clock`; nothing in the gateway calls
 * `Date.now()`/`performance.now()` directly on a path that must be testable.
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../types.js';

export function systemClock(): Clock {
  return { now: () => performance.now(), wallNow: () => Date.now() };
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
