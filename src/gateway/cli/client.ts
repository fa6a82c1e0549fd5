/**
 * Builds the SmartflowClient a CLI command uses: the same mode selection as the SDK (explicit
 * --gateway-url, then SMARTFLOW_GATEWAY_URL, then ~/.smartflow/config.yaml, then direct mode), with config
 * file problems shown as warnings on stderr.
 */
import { SmartflowClient } from '../client/client.js';
import { ConnectionError } from '../client/errors.js';
import { effectivePort } from '../client/mode.js';
import { UsageError } from './args.js';
import type { CliIo } from './io.js';

export const CLIENT_FLAGS = {
  'gateway-url': { value: true },
  'data-dir': { value: true },
  timeout: { value: true },
} as const;

export const CLIENT_FLAGS_HELP = `  --gateway-url URL        Use this gateway (default: SMARTFLOW_GATEWAY_URL, then ~/.smartflow/config.yaml,
                           else direct mode with provider keys from the environment)
  --data-dir DIR           Direct mode: the embedded gateway's data folder
  --timeout SECONDS        Request timeout (default 30)
`;

export function cliClient(io: CliIo, flags: Map<string, string[]>): SmartflowClient {
  const t = flags.get('timeout')?.[0];
  const timeout = t !== undefined ? Number(t) : undefined;
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got "${t}"`);
  return new SmartflowClient({
    baseUrl: flags.get('gateway-url')?.[0],
    dataDir: flags.get('data-dir')?.[0],
    timeout,
    env: io.env,
    onWarning: (w) => io.stderr.write(`warning: ${w}\n`),
  });
}

/** One line naming the mode and where requests go. */
export function describeMode(c: SmartflowClient): string {
  if (c.mode === 'gateway') return `gateway mode (${c.baseUrl}, chosen by ${sourceLabel(c.settings.source)})`;
  return `direct mode (embedded gateway, chosen by ${sourceLabel(c.settings.source)})`;
}

function sourceLabel(s: SmartflowClient['settings']['source']): string {
  switch (s) {
    case 'option':
      return '--gateway-url';
    case 'env':
      return 'SMARTFLOW_GATEWAY_URL';
    case 'config':
      return 'config.yaml';
    default:
      return 'default: no gateway configured';
  }
}

const LOCAL_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i;

/**
 * What to tell the user when the gateway cannot be reached (null for other errors): what happened, the
 * command that starts a gateway there (or what to check for a remote one), and how to use direct mode.
 */
export function gatewayDownHelp(c: SmartflowClient, e: unknown): string | null {
  if (c.mode !== 'gateway' || !c.baseUrl || !(e instanceof ConnectionError)) return null;
  const u = new URL(c.baseUrl);
  const port = effectivePort(c.baseUrl);
  const code = e.code ? ` (${e.code})` : '';
  const from = `the URL comes from ${sourceLabel(c.settings.source)}`;
  const lines: string[] = [];
  if (LOCAL_HOST.test(u.hostname)) {
    lines.push(`No Smartflow gateway is running at ${c.baseUrl}: nothing accepted the connection${code}; ${from}.`);
    lines.push(`Start one in another terminal:   smartflow gateway${port === 7775 ? '' : ` --port ${port}`}${u.hostname === 'localhost' || u.hostname === '127.0.0.1' ? '' : ` --host ${u.hostname}`}`);
  } else {
    lines.push(`The Smartflow gateway at ${c.baseUrl} cannot be reached${code}; ${from}.`);
    lines.push(`Check that it is running and reachable from this machine (VPN, firewall), or fix the URL: smartflow configure --gateway-url URL`);
  }
  lines.push(`Or work without a gateway (direct mode, provider keys from the environment): ${c.settings.source === 'env' ? 'unset SMARTFLOW_GATEWAY_URL' : c.settings.source === 'option' ? 'leave out --gateway-url' : 'smartflow configure --mode direct'}`);
  return lines.join('\n') + '\n';
}
