// Shared helpers for the compliance tests' linear-time checks.

export const MB = 1024 * 1024;

/** `s` repeated to exactly `n` characters. */
export const rep = (s: string, n: number): string => s.repeat(Math.ceil(n / s.length)).slice(0, n);

/** CPU milliseconds of `f` (not wall time: the test machine is shared), the lower of two runs. */
export function cpuMs(f: () => unknown): number {
  let best = Infinity;
  for (let k = 0; k < 2; k++) {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000);
  }
  return best;
}
