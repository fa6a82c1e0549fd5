/**
 * Long runs of token characters, found in one pass by a table lookup per character and shared by the
 * secret recognizers that only care about whole tokens (high-entropy strings, base32 seeds). A regex
 * with a look-behind at its start visits every position for each of those recognizers; this visits each
 * character once for all of them. (secrets.ts finds the same runs together with its vendor hints;
 * this stand-alone form serves findContextSecrets when it is called on its own.)
 */

/** [A-Za-z0-9_\-+/=.~$|%]: the characters of an opaque token (base64, base64url, hex, base32, JWT parts). */
/** 1 for token characters, 2 for the ones that also split base64-like alphabets ("~$|%"). */
const TOKEN = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/=.') TOKEN[c.charCodeAt(0)] = 1;
for (const c of '~$|%') TOKEN[c.charCodeAt(0)] = 2;

/**
 * Runs of at least `min` token characters as a flat list of [start, end, split] triples; `split` is 1
 * when the run contains one of "~$|%" (so consumers that split there can skip runs without them).
 */
export function tokenRuns(text: string, min: number): number[] {
  const out: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c >= 128 || TOKEN[c] === 0) {
      i++;
      continue;
    }
    let split = TOKEN[c] === 2 ? 1 : 0;
    let j = i + 1;
    let t = 0;
    while (j < n && (c = text.charCodeAt(j)) < 128 && (t = TOKEN[c]) !== 0) {
      if (t === 2) split = 1;
      j++;
    }
    if (j - i >= min) out.push(i, j, split);
    i = j + 1;
  }
  return out;
}
