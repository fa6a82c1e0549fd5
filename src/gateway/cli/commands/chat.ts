/**
 * `smartflow chat "…"`: sends one message and streams the reply to stdout as it arrives.
 */
import { readStdin } from '../stdin.js';
import { UsageError, flag, has, parseArgs } from '../args.js';
import { CLIENT_FLAGS, CLIENT_FLAGS_HELP, cliClient, gatewayDownHelp } from '../client.js';
import { EXIT, progress, type CliIo } from '../io.js';

export const CHAT_HELP = `Usage: smartflow chat [options] "message"     (or - to read the message from stdin)

Send a message through Smartflow and stream the reply to stdout.

Options:
  -m, --model MODEL        Model (default: default_model from config.yaml, else gpt-4o); provider/model works too
  -s, --system TEXT        System prompt
  --temperature T          Sampling temperature (default 0.7)
  --max-tokens N           Cap the reply length
  --no-stream              Wait for the whole reply instead of streaming
  --no-cache               Bypass the cache for this request
${CLIENT_FLAGS_HELP}  -h, --help               Show this help
`;

const SPEC = {
  ...CLIENT_FLAGS,
  model: { value: true, short: 'm' },
  system: { value: true, short: 's' },
  temperature: { value: true },
  'max-tokens': { value: true },
  'no-stream': {},
  'no-cache': {},
  help: { short: 'h' },
} as const;

export async function chatCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (has(args, 'help')) {
    io.stdout.write(CHAT_HELP);
    return EXIT.ok;
  }
  let message = args.positionals.join(' ');
  if (message === '-') message = await readStdin(io);
  if (!message.trim()) throw new UsageError('give a message, e.g. smartflow chat "Hello"');
  const tRaw = flag(args, 'temperature');
  const temperature = tRaw === undefined ? undefined : Number(tRaw);
  if (temperature !== undefined && !(temperature >= 0 && temperature <= 2)) throw new UsageError(`--temperature must be between 0 and 2, got "${tRaw}"`);
  const mRaw = flag(args, 'max-tokens');
  const maxTokens = mRaw === undefined ? undefined : Number(mRaw);
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0)) throw new UsageError(`--max-tokens must be a positive whole number, got "${mRaw}"`);

  const client = cliClient(io, args.flags);
  const ac = new AbortController();
  const off = io.onShutdownSignal(() => ac.abort());
  const opts = { model: flag(args, 'model'), systemPrompt: flag(args, 'system'), temperature, maxTokens, signal: ac.signal, cache: has(args, 'no-cache') ? ('off' as const) : ('default' as const) };
  const p = progress(io, `Asking ${opts.model ?? client.defaultModel} (${client.mode} mode)`);
  let started = false;
  try {
    if (has(args, 'no-stream')) {
      const r = await client.chatCompletions([...(opts.systemPrompt ? [{ role: 'system', content: opts.systemPrompt }] : []), { role: 'user', content: message }], opts);
      p.done();
      started = true;
      io.stdout.write(r.content.endsWith('\n') ? r.content : `${r.content}\n`);
      io.stderr.write(`[${r.provider || 'provider'} ${r.model} · ${r.usage.total_tokens} tokens${r.cached ? ` · cache hit (${r.cacheHitType})` : ''}]\n`);
    } else {
      let last = '';
      for await (const delta of client.streamChat(message, opts)) {
        if (!started) {
          p.done();
          started = true;
        }
        io.stdout.write(delta);
        last = delta;
      }
      if (!started) p.done();
      if (!last.endsWith('\n')) io.stdout.write('\n');
    }
    return EXIT.ok;
  } catch (e) {
    if (!started) p.done();
    else io.stdout.write('\n');
    if (ac.signal.aborted) {
      io.stderr.write('Stopped.\n');
      return 130;
    }
    io.stderr.write(`smartflow chat: ${(e as Error).message}\n${gatewayDownHelp(client, e) ?? ''}`);
    return EXIT.error;
  } finally {
    off();
    await client.close();
  }
}
