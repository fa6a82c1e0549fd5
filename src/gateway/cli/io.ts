/**
 * What a CLI command may touch of the outside world: streams, environment, signals. main() builds the
 * real one from `process`; tests can pass their own, so no command reaches for globals directly.
 */
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves when SIGINT or SIGTERM arrives (used by long-running commands to shut down cleanly). */
  onShutdownSignal(listener: (signal: string) => void): () => void;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    onShutdownSignal(listener) {
      const on = (sig: NodeJS.Signals): void => listener(sig);
      process.on('SIGINT', on);
      process.on('SIGTERM', on);
      return () => {
        process.off('SIGINT', on);
        process.off('SIGTERM', on);
      };
    },
  };
}

/**
 * A progress indicator for slow steps, drawn on stderr only when it is a terminal (so piped output
 * stays clean); otherwise a single "…" line so logs still show what was waited on.
 */
export function progress(io: CliIo, label: string): { done(final?: string): void } {
  const tty = Boolean(io.stderr.isTTY);
  if (!tty) {
    io.stderr.write(`${label}…\n`);
    return { done() {} };
  }
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  const draw = (): void => {
    io.stderr.write(`\r${frames[i++ % frames.length]} ${label}…`);
  };
  draw();
  const timer = setInterval(draw, 80);
  timer.unref?.();
  return {
    done(final?: string) {
      clearInterval(timer);
      io.stderr.write(`\r\x1b[K${final ? final + '\n' : ''}`);
    },
  };
}

export const EXIT = { ok: 0, error: 1, usage: 2, findings: 3 } as const;
