/**
 * `smartflow logs`: the audit log (VAS records), newest first, as a table or JSON.
 */
import { UsageError, flag, has, intFlag, parseArgs } from '../args.js';
import { CLIENT_FLAGS, CLIENT_FLAGS_HELP, cliClient, gatewayDownHelp } from '../client.js';
import { EXIT, progress, type CliIo } from '../io.js';
import type { VASLog } from '../../client/types.js';

export const LOGS_HELP = `Usage: smartflow logs [options]

Show audit log records (newest first).

Options:
  -n, --limit N            How many records (default 20, max 1000)
  --offset N               Skip this many (paging)
  --provider NAME          Only this provider (openai, anthropic, …)
  --model NAME             Only this model
  --days N                 Only the last N days (default 30)
  --user ID                Only this user id
  --errors                 Only failed requests
  --cached                 Only cache hits
  --json                   Print JSON (one array) instead of a table
${CLIENT_FLAGS_HELP}  -h, --help               Show this help
`;

const SPEC = {
  ...CLIENT_FLAGS,
  limit: { value: true, short: 'n' },
  offset: { value: true },
  provider: { value: true },
  model: { value: true },
  days: { value: true },
  user: { value: true },
  errors: {},
  cached: {},
  json: {},
  help: { short: 'h' },
} as const;

const pad = (s: string, n: number): string => (s.length > n ? s.slice(0, n - 1) + '…' : s.padEnd(n));

export function formatLogs(logs: VASLog[]): string {
  const head = `${pad('TIME (UTC)', 20)} ${pad('PROVIDER/MODEL', 34)} ${'TOKENS'.padStart(7)} ${'COST $'.padStart(9)} ${'MS'.padStart(6)} ${pad('CACHE', 9)} ${pad('COMPLIANCE', 10)} STATUS`;
  const rows = logs.map((l) => {
    const ok = l.metrics?.success !== false && !(typeof l.error_status === 'number' && l.error_status >= 400);
    const cache = l.metacache?.hit ? `hit ${String(l.metacache.hit_type ?? '')}`.trim() : 'miss';
    return [
      pad(String(l.timestamp).replace('T', ' ').slice(0, 19), 20),
      pad(`${l.provider}/${l.model}`, 34),
      String(l.tokens_used ?? 0).padStart(7),
      (Number(l.cost) || 0).toFixed(5).padStart(9),
      String(Math.round(Number(l.latency_ms) || 0)).padStart(6),
      pad(cache, 9),
      pad(l.compliance_status ?? '-', 10),
      ok ? 'ok' : `error ${l.error_status ?? ''}`.trim(),
    ].join(' ');
  });
  return [head, ...rows].join('\n') + '\n';
}

export async function logsCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (has(args, 'help')) {
    io.stdout.write(LOGS_HELP);
    return EXIT.ok;
  }
  if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const limit = intFlag(args, 'limit', 1, 1000) ?? 20;
  const offset = intFlag(args, 'offset', 0, 10_000_000) ?? 0;
  const days = intFlag(args, 'days', 1, 3650) ?? 30;
  const filters: Record<string, string> = {};
  if (has(args, 'errors')) filters.status = 'error';
  if (has(args, 'cached')) filters.cached = 'true';
  const client = cliClient(io, args.flags);
  const p = progress(io, 'Reading the audit log');
  try {
    let logs = await client.getLogs({ limit, offset, days, provider: flag(args, 'provider'), model: flag(args, 'model'), userId: flag(args, 'user'), filters });
    p.done();
    // Also filter here, so the flags mean the same whatever filters the gateway understands.
    if (has(args, 'errors')) logs = logs.filter((l) => l.metrics?.success === false || (typeof l.error_status === 'number' && l.error_status >= 400));
    if (has(args, 'cached')) logs = logs.filter((l) => l.metacache?.hit);
    if (has(args, 'json')) io.stdout.write(JSON.stringify(logs, null, 2) + '\n');
    else if (!logs.length) io.stderr.write('No log records match.\n');
    else io.stdout.write(formatLogs(logs));
    return EXIT.ok;
  } catch (e) {
    p.done();
    const help = gatewayDownHelp(client, e);
    io.stderr.write(help ? `smartflow logs: cannot read the audit log.\n${help}` : `smartflow logs: ${(e as Error).message}\n`);
    return EXIT.error;
  } finally {
    await client.close();
  }
}
