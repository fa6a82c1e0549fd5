/**
 * `smartflow gateway`: serve the embedded gateway standalone (OpenAI-compatible API, compliance API,
 * management API) until SIGINT/SIGTERM. Prints where it listens, where the bearer token is kept (never the
 * token itself unless --show-token) and which storage engine is in use.
 */
import { join, resolve } from 'node:path';
import { defaultDataDir, startGatewayService } from '../../compose.js';
import { DEFAULT_CONFIG, type GatewayConfigInput, type ProviderOverride } from '../../config.js';
import { configFilePath, readConfigFile } from '../../config-file.js';
import { UsageError, flag, has, intFlag, parseArgs } from '../args.js';
import { EXIT, progress, type CliIo } from '../io.js';

export const GATEWAY_HELP = `Usage: smartflow gateway [options]

Run the Smartflow gateway on this machine until Ctrl+C (SIGINT) or SIGTERM.

Options:
  --host HOST              Address to bind (default 127.0.0.1; the gateway only accepts loopback Host headers)
  --port N                 OpenAI-compatible API port (default 7775; 0 = any free port)
  --compliance-port N|off  Compliance API port (default 7777, or any free port when --port is 0; off = not served
                           separately, the main port serves it anyway)
  --management-port N|off  Management API port (default 7778, or any free port when --port is 0)
  --data-dir DIR           Where the audit log, cache and token live (default: your per-user app-data folder)
  --virtual-key KEY        Also accept this bearer key (repeatable; or SMARTFLOW_VIRTUAL_KEYS=k1,k2)
  --show-token             Print the bearer token (it is otherwise only stored, 0600, in the data dir)
  -h, --help               Show this help

Provider keys come from the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, …) or the providers section of
~/.smartflow/config.yaml; base URLs from OPENAI_BASE_URL, OLLAMA_BASE_URL, … .
`;

const SPEC = {
  host: { value: true },
  port: { value: true },
  'compliance-port': { value: true },
  'management-port': { value: true },
  'data-dir': { value: true },
  'virtual-key': { value: true, repeat: true },
  'show-token': {},
  help: { short: 'h' },
} as const;

function sidePort(raw: string | undefined, name: string, dflt: number, mainPort: number): number | false {
  if (raw === undefined) return mainPort === 0 ? 0 : dflt;
  if (raw === 'off' || raw === 'none' || raw === 'false') return false;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new UsageError(`--${name} must be a port number (0-65535) or "off", got "${raw}"`);
  return Number(raw);
}

/** Provider keys and base URLs from the config file's `providers:` section (env still wins for keys). */
function providersFromFile(io: CliIo): { keys: Record<string, string>; overrides: Record<string, ProviderOverride> } {
  const keys: Record<string, string> = {};
  const overrides: Record<string, ProviderOverride> = {};
  const read = readConfigFile(configFilePath(io.env));
  if (read.error) io.stderr.write(`warning: ${read.error.message}\n         Continuing with environment settings only.\n`);
  for (const [id, s] of Object.entries(read.config?.providers ?? {})) {
    if (!s) continue;
    if (typeof s.api_key === 'string' && s.api_key) keys[id] = s.api_key;
    const o: ProviderOverride = {};
    if (typeof s.base_url === 'string') o.baseUrl = s.base_url;
    if (typeof s.api_version === 'string') o.apiVersion = s.api_version;
    if (typeof s.enabled === 'boolean') o.enabled = s.enabled;
    if (Object.keys(o).length) overrides[id] = o;
  }
  return { keys, overrides };
}

export async function gatewayCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (has(args, 'help')) {
    io.stdout.write(GATEWAY_HELP);
    return EXIT.ok;
  }
  if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const host = flag(args, 'host') ?? '127.0.0.1';
  const port = intFlag(args, 'port', 0, 65535) ?? 7775;
  const compliancePort = sidePort(flag(args, 'compliance-port'), 'compliance-port', 7777, port);
  const managementPort = sidePort(flag(args, 'management-port'), 'management-port', 7778, port);
  const dataDir = resolve(io.cwd, flag(args, 'data-dir') ?? defaultDataDir());
  const virtualKeys = [
    ...(args.flags.get('virtual-key') ?? []),
    ...(io.env.SMARTFLOW_VIRTUAL_KEYS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  ];
  const fromFile = providersFromFile(io);
  const config: GatewayConfigInput = { dataDir, server: { ...DEFAULT_CONFIG.server, host, port }, providers: fromFile.overrides };

  const p = progress(io, 'Starting the Smartflow gateway');
  let service: Awaited<ReturnType<typeof startGatewayService>>;
  try {
    service = await startGatewayService({
      config,
      env: io.env,
      providerKeys: fromFile.keys,
      virtualKeys,
      listen: { main: true, compliance: compliancePort, management: managementPort },
    });
  } catch (e) {
    p.done();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      io.stderr.write(`smartflow: a port is already in use (${err.message}). Stop the other process or choose another port with --port / --compliance-port / --management-port (0 = any free port).\n`);
    } else if (err.code === 'EACCES') {
      io.stderr.write(`smartflow: not allowed to listen there (${err.message}). Use a port above 1024.\n`);
    } else {
      io.stderr.write(`smartflow: the gateway could not start: ${err.message ?? String(e)}\n`);
    }
    return EXIT.error;
  }
  p.done();
  const out = io.stdout;
  out.write(`Smartflow gateway listening\n`);
  out.write(`  OpenAI-compatible API  ${service.url}/v1\n`);
  if (service.complianceUrl) out.write(`  Compliance API         ${service.complianceUrl}\n`);
  if (service.managementUrl) out.write(`  Management API         ${service.managementUrl}\n`);
  out.write(`  Data dir               ${dataDir}\n`);
  if (service.tokenPath) out.write(`  Bearer token file      ${service.tokenPath}\n`);
  else if (io.env.SMARTFLOW_LOCAL_TOKEN) out.write(`  Bearer token           from SMARTFLOW_LOCAL_TOKEN\n`);
  else out.write(`  Bearer token           kept in memory only (the data dir is not writable; use --show-token)\n`);
  if (has(args, 'show-token')) out.write(`  Bearer token           ${service.token}\n`);
  if (virtualKeys.length) out.write(`  Virtual keys           ${virtualKeys.length} accepted\n`);
  const st = service.storage;
  out.write(`  Audit log              ${st.engine ? `SQLite (${st.engine}) in ${join(dataDir, 'audit.db')}` : `off — ${st.error ?? 'requests are not being logged'}`}\n`);
  for (const name of ['cache', 'compliance'] as const) {
    const l = service.layers?.[name];
    if (l) out.write(`  ${(name[0].toUpperCase() + name.slice(1)).padEnd(23)}${l.layer ? 'on' : l.enabled ? `off — ${l.error ?? 'failed to start'}` : 'disabled in settings'}\n`);
  }
  if (host === '0.0.0.0' || host === '::') {
    io.stderr.write(`warning: listening on every interface, but requests are only answered when their Host header is a loopback name (DNS-rebinding defence); bind a specific address (--host 10.0.0.5) for clients on other machines.\n`);
  } else if (!/^(127\.|localhost$|::1$)/.test(host)) {
    io.stderr.write(`warning: ${host} is reachable from other machines; every request still needs the bearer token or a virtual key.\n`);
  }
  out.write(`Press Ctrl+C to stop.\n`);

  await new Promise<void>((resolveStop) => {
    const off = io.onShutdownSignal((sig) => {
      off();
      io.stderr.write(`\nReceived ${sig}, shutting down…\n`);
      resolveStop();
    });
  });
  try {
    await service.close();
  } catch (e) {
    io.stderr.write(`smartflow: error while closing: ${(e as Error).message}\n`);
    return EXIT.error;
  }
  io.stderr.write('Gateway stopped.\n');
  return EXIT.ok;
}
