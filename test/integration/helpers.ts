// Integration harness: the product assembled the way a user meets it — `startGatewayService` on a fresh
// temp data dir (real SQLite), its HTTP listener on an ephemeral loopback port, the provider simulator as
// every upstream (through its env()), and helpers to read the audit log over HTTP and to scan every
// SQLite file the gateway left behind for values that must never be stored.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { startSimulator, type Simulator, type SimulatorOptions } from '../sim/simulator.js';
import { startGatewayService, type GatewayService, type GatewayServiceOptions } from '../../src/gateway/compose.js';
import { silentLogger } from '../../src/gateway/util/logger.js';
import type { GatewayConfigInput } from '../../src/gateway/config.js';

/** Distinctive provider keys, so a leak is unmistakable when the data dir is scanned. */
export const TEST_KEYS = {
  OPENAI_API_KEY: 'sk-proj-integrationOPENAIkey0000000000000001',
  ANTHROPIC_API_KEY: 'sk-ant-api03-integrationANTHROPICkey00000000002',
  GEMINI_API_KEY: 'AIzaSyIntegrationGeminiKey000000000000003',
} as const;

export function tempDir(prefix = 'sf-int-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Simulator env with our distinctive keys in place of the simulator's default ones. */
export function simEnv(sim: Simulator, extra: Record<string, string> = {}): Record<string, string> {
  return { ...sim.env(), ...TEST_KEYS, ...extra };
}

export interface Product {
  sim: Simulator;
  svc: GatewayService;
  dataDir: string;
  url: string;
  token: string;
  /** The official OpenAI client pointed at the gateway (no client-side retries: we test ours). */
  openai: OpenAI;
  /** GET/POST against the gateway with the bearer token; JSON parsed when possible. */
  api(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiResult>;
  /** Newest-first audit records over HTTP (`GET /api/logs`). */
  logs(query?: string): Promise<any[]>;
  /** Close and start the service again on the same data dir (a restart). */
  restart(): Promise<void>;
  /** Close the service only (the data dir stays for inspection). */
  stop(): Promise<void>;
  /** Close everything and delete the data dir. */
  close(): Promise<void>;
}

export interface ApiResult {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface StartOptions {
  /** Config sections over the embedded defaults (port is always 0 here). */
  config?: Record<string, unknown>;
  sim?: SimulatorOptions;
  /** Reuse a running simulator (its requests are shared). */
  simulator?: Simulator;
  env?: Record<string, string>;
  dataDir?: string;
  service?: Partial<GatewayServiceOptions>;
}

/** Starts the product on its embedded defaults (only the port and data dir differ). */
export async function startProduct(o: StartOptions = {}): Promise<Product> {
  const sim = o.simulator ?? (await startSimulator(o.sim));
  const dataDir = o.dataDir ?? tempDir();
  const cfg = { ...(o.config ?? {}), server: { ...((o.config?.server as object) ?? {}), port: 0 }, dataDir } as GatewayConfigInput;
  const boot = () =>
    startGatewayService({ config: cfg, env: simEnv(sim, o.env), listen: { main: true }, logger: silentLogger, ...(o.service ?? {}) });
  let svc = await boot();
  const p: Product = {
    sim,
    svc,
    dataDir,
    url: svc.url!,
    token: svc.token,
    openai: new OpenAI({ baseURL: `${svc.url}/v1`, apiKey: svc.token, maxRetries: 0, timeout: 30_000 }),
    async api(path, init = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${p.token}`, ...(init.headers ?? {}) };
      let body: string | undefined;
      if (init.body !== undefined) {
        body = JSON.stringify(init.body);
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(p.url + path, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body });
      const text = await res.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async logs(query = 'limit=100') {
      const r = await p.api(`/api/logs?${query}`);
      if (r.status !== 200) throw new Error(`GET /api/logs answered ${r.status}: ${r.text}`);
      return r.json.logs;
    },
    async restart() {
      await svc.close();
      svc = await boot();
      p.svc = svc;
      p.url = svc.url!;
      p.token = svc.token;
      p.openai = new OpenAI({ baseURL: `${svc.url}/v1`, apiKey: svc.token, maxRetries: 0, timeout: 30_000 });
    },
    async stop() {
      await svc.close();
    },
    async close() {
      await svc.close().catch(() => undefined);
      if (!o.simulator) await sim.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return p;
}

/** Concatenated text deltas of an OpenAI stream, and how many chunks carried content. */
export async function drain(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<{ text: string; contentChunks: number; finish: string | null }> {
  let text = '';
  let contentChunks = 0;
  let finish: string | null = null;
  for await (const c of stream) {
    const d = c.choices[0]?.delta?.content;
    if (d) {
      text += d;
      contentChunks++;
    }
    finish = c.choices[0]?.finish_reason ?? finish;
  }
  return { text, contentChunks, finish };
}

export interface Leak {
  file: string;
  where: string;
  needle: string;
}

/**
 * Every place a needle occurs in the data dir's SQLite files: each text/blob cell of every table of every
 * `*.db` (read through SQLite), and the raw bytes of each `*.db`, `*.db-wal` and `*.db-shm` file (free
 * pages and WAL frames keep text a query no longer shows). Call after the service is closed.
 */
export function scanDataDir(dataDir: string, needles: string[], o: { files?: RegExp; rawBytes?: boolean } = {}): Leak[] {
  const leaks: Leak[] = [];
  const files = readdirSync(dataDir).filter((f) => /\.db(-wal|-shm)?$/.test(f) && (!o.files || o.files.test(f)));
  for (const f of files.filter((f) => f.endsWith('.db'))) {
    const db = new Database(join(dataDir, f), { readonly: true, fileMustExist: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
      for (const { name } of tables) {
        for (const row of db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).iterate() as Iterable<Record<string, unknown>>) {
          for (const [col, v] of Object.entries(row)) {
            const s = typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('latin1') : null;
            if (s === null) continue;
            for (const n of needles) if (s.includes(n)) leaks.push({ file: f, where: `${name}.${col}`, needle: n });
          }
        }
      }
    } finally {
      db.close();
    }
  }
  if (o.rawBytes !== false) {
    for (const f of files) {
      const p = join(dataDir, f);
      if (!statSync(p).isFile()) continue;
      const bytes = readFileSync(p).toString('latin1');
      for (const n of needles) if (bytes.includes(n)) leaks.push({ file: f, where: 'raw bytes', needle: n });
    }
  }
  return leaks;
}

/** For assertion messages: which needle, which file and column (never the needle itself in full). */
export function describeLeaks(leaks: Leak[]): string {
  return leaks.map((l) => `${l.file} ${l.where}: "${l.needle.slice(0, 6)}…"`).join('; ');
}
