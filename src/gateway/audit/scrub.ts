/**
 * Defence in depth for the audit log: whatever reaches a text column is scrubbed of strings shaped like
 * credentials before insert — provider API keys (OpenAI `sk-…`, Anthropic `sk-ant-…`, Google `AIza…`),
 * AWS access key ids (`AKIA…`), GitHub tokens (`ghp_…` and friends), Slack tokens and any
 * `Bearer …` / `Authorization:` value. Upstream layers should never hand us a key; this makes sure a
 * mistake there can not put one on disk.
 */

export const KEY_PLACEHOLDER = '[REDACTED_KEY]';

// One alternation so a string is scanned once. Lengths are lower bounds that real keys exceed and
// ordinary words do not reach.
const KEY_SHAPES = new RegExp(
  [
    String.raw`\bsk-ant-[A-Za-z0-9_\-]{8,}`,
    String.raw`\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}`,
    String.raw`\bAKIA[0-9A-Z]{16}\b`,
    String.raw`\bASIA[0-9A-Z]{16}\b`,
    String.raw`\bgh[pousr]_[A-Za-z0-9]{20,}`,
    String.raw`\bgithub_pat_[A-Za-z0-9_]{20,}`,
    String.raw`\bAIza[0-9A-Za-z_\-]{30,}`,
    String.raw`\bxox[abprs]-[A-Za-z0-9\-]{10,}`,
    String.raw`\b[Bb]earer\s+[A-Za-z0-9._~+/=\-]{8,}`,
    String.raw`\b[Aa]uthorization"?\s*[:=]\s*"?[A-Za-z]+\s+[A-Za-z0-9._~+/=\-]{8,}`,
    // x-api-key / api_key / apiKey headers and fields, in header, query or JSON form.
    String.raw`\b(?:[Xx]-)?[Aa][Pp][Ii][_-]?[Kk][Ee][Yy]"?\s*[:=]\s*"?[A-Za-z0-9._~+/=\-]{8,}`,
  ].join('|'),
  'g',
);

const MIN_KEY_SHAPE = 15;

/** Returns `s` with every key-shaped substring replaced by `[REDACTED_KEY]`. */
export function scrubSecrets(s: string): string;
export function scrubSecrets(s: string | null | undefined): string | null;
export function scrubSecrets(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  // Every shape above is at least 15 characters long: short fields (provider, model, ids) skip the scan.
  if (s.length < MIN_KEY_SHAPE) return s;
  KEY_SHAPES.lastIndex = 0;
  return KEY_SHAPES.test(s) ? s.replace(KEY_SHAPES, KEY_PLACEHOLDER) : s;
}
