/**
 * `smartflow status`: which mode the client is in and why, connectivity (the gateway and its APIs, or
 * each configured provider in direct mode), and cache stats.
 */
import { request } from 'undici';
import { configFilePath } from '../../config-file.js';
import type { SmartflowClient } from '../../client/client.js';
import { UsageError, has, parseArgs } from '../args.js';
import { CLIENT_FLAGS, CLIENT_FLAGS_HELP, cliClient, describeMode, gatewayDownHelp } from '../client.js';
import { EXIT, progress, type CliIo } from '../io.js';

export const STATUS_HELP = `Usage: smartflow status [options]

Show the mode (gateway or direct) and why, connectivity, and cache stats.
Exit code 0 when everything needed is reachable, 1 when the gateway (or every configured provider) is not;
when no gateway is running it says how to start one.

Options:
  --json                   Print JSON
${CLIENT_FLAGS_HELP}  -h, --help               Show this help
`;

const SPEC = { ...CLIENT_FLAGS, json: {}, help: { short: 'h' } } as const;

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T; ms: number } | { ok: false; error: Error; ms: number }> {
  const t = performance.now();
  try {
    const value = await fn();
    return { ok: true, value, ms: performance.now() - t };
  } catch (e) {
    return { ok: false, error: e as Error, ms: performance.now() - t };
  }
}

/** Any HTTP answer from a provider's base URL counts as reachable (auth is checked on real calls). */
async function reach(url: string): Promise<Check['detail'] | Error> {
  try {
    const r = await request(url, { method: 'GET', headersTimeout: 4000, bodyTimeout: 4000, signal: AbortSignal.timeout(5000) });
    await r.body.dump();
    return `reachable (HTTP ${r.statusCode})`;
  } catch (e) {
    const err = e as Error & { code?: string };
    return new Error(err.code ?? err.message);
  }
}

async function gatewayChecks(c: SmartflowClient): Promise<{ checks: Check[]; down?: string }> {
  const checks: Check[] = [];
  const h = await timed(() => c.health());
  checks.push({ name: `gateway ${c.baseUrl}`, ok: h.ok, detail: h.ok ? `ok (${h.ms.toFixed(0)} ms)` : h.error.message });
  if (!h.ok) return { checks, down: gatewayDownHelp(c, h.error) ?? undefined };
  const ph = await timed(() => c.getProviderHealth());
  if (ph.ok) for (const p of ph.value) checks.push({ name: `provider ${p.provider}`, ok: p.status !== 'unhealthy', detail: `${p.status}, ${Math.round(p.latency_ms)} ms, ${(p.success_rate * 100).toFixed(0)}% success, ${p.requests_total} requests` });
  else checks.push({ name: 'management API', ok: false, detail: ph.error.message });
  return { checks };
}

async function directChecks(c: SmartflowClient): Promise<Check[]> {
  const providers = (await c.providerStatus()).filter((p) => p.configured && p.implemented);
  if (!providers.length) return [{ name: 'providers', ok: false, detail: 'no provider key found. Set OPENAI_API_KEY (or ANTHROPIC_API_KEY, GEMINI_API_KEY, …) or run `smartflow configure`.' }];
  return Promise.all(
    providers.map(async (p) => {
      const r = await reach(p.baseUrl);
      return { name: `provider ${p.id}`, ok: !(r instanceof Error), detail: r instanceof Error ? `unreachable at ${p.baseUrl} (${r.message})` : `${r} at ${p.baseUrl}` };
    }),
  );
}

export async function statusCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (has(args, 'help')) {
    io.stdout.write(STATUS_HELP);
    return EXIT.ok;
  }
  if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const client = cliClient(io, args.flags);
  const p = progress(io, client.mode === 'gateway' ? `Checking ${client.baseUrl}` : 'Checking providers');
  try {
    const { checks, down } = client.mode === 'gateway' ? await gatewayChecks(client) : { checks: await directChecks(client), down: undefined };
    // No point asking a gateway that is not there for its cache stats (it would only wait again).
    const cache = down ? { ok: false as const, error: new Error('the gateway is not running'), ms: 0 } : await timed(() => client.getCacheStats());
    p.done();
    const ok = client.mode === 'gateway' ? checks[0].ok : checks.some((c) => c.ok);
    if (has(args, 'json')) {
      io.stdout.write(
        JSON.stringify(
          { mode: client.mode, source: client.settings.source, gateway_url: client.baseUrl ?? null, config_file: client.settings.configPath, config_error: client.settings.configError ?? null, checks, cache: cache.ok ? cache.value : { error: cache.error.message } },
          null,
          2,
        ) + '\n',
      );
    } else {
      const out = io.stdout;
      out.write(`Mode:        ${describeMode(client)}\n`);
      out.write(`Config file: ${configFilePath(io.env)}${client.settings.configError ? ` (ignored: ${client.settings.configError})` : ''}\n`);
      out.write(`Connectivity:\n`);
      for (const ch of checks) out.write(`  ${ch.ok ? '✓' : '✗'} ${ch.name}: ${ch.detail}\n`);
      if (cache.ok) {
        const s = cache.value;
        out.write(`Cache:       ${s.hits} hits, ${s.misses} misses (${(s.hit_rate * 100).toFixed(1)}% hit rate), L1 ${s.l1_hits} / L2 ${s.l2_hits} / L3 ${s.l3_hits}, ${s.tokens_saved} tokens and $${(s.cost_saved_cents / 100).toFixed(2)} saved, ${s.entries} entries\n`);
      } else out.write(`Cache:       unavailable (${cache.error.message})\n`);
    }
    if (down) io.stderr.write(`\n${down}`);
    return ok ? EXIT.ok : EXIT.error;
  } catch (e) {
    p.done();
    io.stderr.write(`smartflow status: ${(e as Error).message}\n${gatewayDownHelp(client, e) ?? ''}`);
    return EXIT.error;
  } finally {
    await client.close();
  }
}
