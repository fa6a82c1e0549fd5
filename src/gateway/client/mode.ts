/**
 * Mode selection in the reference's priority order:
 *   0. an embedded GatewayService       → direct mode on it (the extension's own gateway)
 *   1. an explicit base URL            → gateway mode
 *   2. SMARTFLOW_GATEWAY_URL           → gateway mode
 *   3. ~/.smartflow/config.yaml        → its mode (gateway with gateway_url, or direct)
 *   4. nothing configured              → direct mode, provider keys from the environment
 * A malformed config file is reported as a warning and skipped; the client still starts from the others.
 */
import { configFilePath, readConfigFile, type ConfigFileRead, type SmartflowFileConfig } from '../config-file.js';
import type { ClientMode, SmartflowClientOptions } from './types.js';

export interface ResolvedMode {
  mode: ClientMode;
  /** Which source decided: option, env, config, default. */
  source: 'option' | 'env' | 'config' | 'default';
  baseUrl?: string;
  apiKey?: string;
  timeoutMs: number;
  managementPort: number;
  compliancePort: number;
  /** Whether the user chose the side ports / URLs (options or config file) rather than the defaults. */
  explicitSide: { compliance: boolean; management: boolean };
  complianceUrl?: string;
  managementUrl?: string;
  bridgePort: number;
  defaultModel: string;
  /** Provider keys for direct mode: options override the config file (the environment is read by the gateway). */
  providerKeys: Record<string, string>;
  /** Provider base URL / api version overrides from the config file. */
  providerOverrides: Record<string, { baseUrl?: string; apiVersion?: string; enabled?: boolean }>;
  configFile: ConfigFileRead;
  /**
   * Direct mode: the embedded gateway's settings from the file's `gateway:` section (partial
   * GatewayConfig: compliance policy, cache, audit, routing …) and its data_dir.
   */
  gatewaySettings: { config: Record<string, unknown>; dataDir?: string };
  warnings: string[];
}

export function resolveMode(opts: SmartflowClientOptions = {}): ResolvedMode {
  const env = opts.env ?? process.env;
  const configFile = readConfigFile(opts.configPath ?? configFilePath(env));
  const warnings: string[] = [];
  if (configFile.error) warnings.push(`${configFile.error.message} (ignored; using the other settings)`);
  const file: SmartflowFileConfig = configFile.config ?? {};
  const gw = configFile.gateway;
  const { server: _server, dataDir: gwDataDir, ...gwConfig } = gw?.settings.config ?? {};
  void _server; // host/port only matter to a listening gateway

  let mode: ClientMode = 'direct';
  let source: ResolvedMode['source'] = 'default';
  let baseUrl: string | undefined;
  if (opts.embedded) {
    source = 'option';
  } else if (opts.baseUrl) {
    mode = 'gateway';
    source = 'option';
    baseUrl = opts.baseUrl;
  } else if (env.SMARTFLOW_GATEWAY_URL) {
    mode = 'gateway';
    source = 'env';
    baseUrl = env.SMARTFLOW_GATEWAY_URL;
  } else if (configFile.config && (file.mode || file.gateway_url)) {
    source = 'config';
    if (file.mode === 'direct') mode = 'direct';
    else if (file.gateway_url) {
      mode = 'gateway';
      baseUrl = file.gateway_url;
    } else {
      warnings.push(`${configFile.path}: mode is "gateway" but gateway_url is not set; using direct mode. Run \`smartflow configure\` to set it.`);
    }
  }
  // Bad gateway: values only matter to direct mode's own embedded gateway; they keep their defaults.
  if (gw && mode === 'direct' && !opts.embedded) for (const e of gw.errors) warnings.push(e.message);
  if (baseUrl && !/^https?:\/\//i.test(baseUrl)) {
    throw new TypeError(`Smartflow gateway URL "${baseUrl}" must start with http:// or https://.`);
  }

  // An explicit option, then the environment, then the file (the virtual key `smartflow configure` saved).
  const apiKey = opts.apiKey ?? env.SMARTFLOW_API_KEY ?? file.api_key;

  const providerKeys: Record<string, string> = {};
  const providerOverrides: ResolvedMode['providerOverrides'] = {};
  for (const [id, s] of Object.entries(file.providers ?? {})) {
    if (!s) continue;
    if (typeof s.api_key === 'string' && s.api_key) providerKeys[id] = s.api_key;
    const o: { baseUrl?: string; apiVersion?: string; enabled?: boolean } = {};
    if (typeof s.base_url === 'string') o.baseUrl = s.base_url;
    if (typeof s.api_version === 'string') o.apiVersion = s.api_version;
    if (typeof s.enabled === 'boolean') o.enabled = s.enabled;
    if (Object.keys(o).length) providerOverrides[id] = o;
  }
  Object.assign(providerKeys, opts.providerKeys ?? {});

  return {
    mode,
    source,
    baseUrl,
    apiKey,
    timeoutMs: Math.round((opts.timeout ?? file.timeout ?? 30) * 1000),
    managementPort: opts.managementPort ?? file.management_port ?? 7778,
    compliancePort: opts.compliancePort ?? file.compliance_port ?? 7777,
    explicitSide: {
      compliance: opts.complianceUrl !== undefined || opts.compliancePort !== undefined || file.compliance_port !== undefined,
      management: opts.managementUrl !== undefined || opts.managementPort !== undefined || file.management_port !== undefined,
    },
    complianceUrl: opts.complianceUrl,
    managementUrl: opts.managementUrl,
    bridgePort: opts.bridgePort ?? file.bridge_port ?? 3500,
    defaultModel: opts.defaultModel ?? env.SMARTFLOW_DEFAULT_MODEL ?? file.default_model ?? 'gpt-4o',
    providerKeys,
    providerOverrides,
    configFile,
    gatewaySettings: { config: gwConfig, dataDir: typeof gwDataDir === 'string' ? gwDataDir : undefined },
    warnings,
  };
}

/** The port a URL connects to (its explicit port, else the scheme's default). */
export function effectivePort(url: string): number {
  const u = new URL(url);
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}

/** The reference's main port: only a gateway there is assumed to have its side APIs on 7777 / 7778. */
export const REFERENCE_MAIN_PORT = 7775;

/**
 * Where the compliance and management APIs are, deterministically:
 *   - an explicit URL (options) or port (options or config file) → that;
 *   - the main URL on port 7775 → the same host on 7777 / 7778, as the reference does;
 *   - any other main port (e.g. `smartflow gateway --port 0`) → the main URL itself, so a request never
 *     lands on some other service that happens to listen on 7777 / 7778. Our gateway serves every API on
 *     its main port too.
 * In every case a side URL that refuses the connection (nothing listening) falls back to the main URL.
 */
export function surfaceUrls(baseUrl: string, r: Pick<ResolvedMode, 'compliancePort' | 'managementPort' | 'explicitSide' | 'complianceUrl' | 'managementUrl'>): { complianceUrl: string; managementUrl: string } {
  const onReferencePort = effectivePort(baseUrl) === REFERENCE_MAIN_PORT;
  const pick = (url: string | undefined, explicit: boolean, port: number): string => {
    if (url) return url.replace(/\/+$/, '');
    if (explicit || onReferencePort) return sideUrl(baseUrl, port);
    return baseUrl;
  };
  return {
    complianceUrl: pick(r.complianceUrl, r.explicitSide.compliance, r.compliancePort),
    managementUrl: pick(r.managementUrl, r.explicitSide.management, r.managementPort),
  };
}

/** The same host as `baseUrl` on another port, as the reference derives compliance_url / management_url. */
export function sideUrl(baseUrl: string, port: number): string {
  const u = new URL(baseUrl);
  u.port = String(port);
  u.pathname = '';
  u.search = '';
  return u.toString().replace(/\/+$/, '');
}
