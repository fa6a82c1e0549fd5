// Test harness: a provider simulator plus a gateway service (real HTTP on loopback, temp data dir),
// torn down together. Used by the server, pipeline and compose tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../sim/simulator.js';
import { startGatewayService, type GatewayService, type GatewayServiceOptions } from '../../../src/gateway/compose.js';
import { silentLogger } from '../../../src/gateway/util/logger.js';
import type { GatewayConfigInput } from '../../../src/gateway/config.js';

export interface Harness {
  sim: Simulator;
  svc: GatewayService;
  url: string;
  token: string;
  dataDir: string;
  close(): Promise<void>;
}

// config.ts's DeepPartial only recurses into index-signature types, so sections are typed loosely here.
type ConfigOver = Record<string, unknown>;

export async function startHarness(
  over: { config?: ConfigOver; sim?: SimulatorOptions; env?: Record<string, string>; service?: Partial<GatewayServiceOptions> } = {},
): Promise<Harness> {
  const sim = await startSimulator(over.sim);
  const dataDir = mkdtempSync(join(tmpdir(), 'sf-gw-test-'));
  const base: ConfigOver = {
    server: { host: '127.0.0.1', port: 0 },
    // Fast retries in tests; the policy itself is what is under test, not the wall-clock wait.
    retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5000 },
    cache: { enabled: false },
    compliance: { enabled: false },
    audit: { enabled: false },
  };
  const config = merge(base, over.config ?? {}) as ConfigOver;
  const svc = await startGatewayService({
    config: { ...config, dataDir } as GatewayConfigInput,
    env: { ...sim.env(), ...(over.env ?? {}) },
    token: 'test-token',
    logger: silentLogger,
    ...(over.service ?? {}),
  });
  return {
    sim,
    svc,
    url: svc.url!,
    token: svc.token,
    dataDir,
    async close() {
      await svc.close();
      await sim.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' ? merge(cur as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/** Raw fetch against the gateway with the token (override headers to test auth / host). */
export async function call(h: Harness, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; raw?: string | Uint8Array } = {}): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${h.token}`, ...(init.headers ?? {}) };
  let body: string | Uint8Array | undefined = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(h.url + path, { method: init.method ?? (body !== undefined ? 'POST' : 'GET'), headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
