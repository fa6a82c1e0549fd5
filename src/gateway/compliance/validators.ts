/**
 * Checksums and validity rules that turn pattern matches into findings: Luhn and card issuer ranges,
 * US SSN area/group/serial rules, IBAN mod-97 with per-country lengths, Shannon entropy for tokens.
 * Pure functions over strings; no regexes with unbounded repetition here.
 */

/** Luhn (mod 10) over the digits of `s` (non-digits ignored). */
export function luhnValid(s: string): boolean {
  let sum = 0;
  let dbl = false;
  let n = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    let d = c - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
    n++;
  }
  return n > 0 && sum % 10 === 0;
}

/** Issuer (IIN) ranges with their allowed lengths; a Luhn-valid number outside them is not a card. */
const ISSUERS: Array<{ name: string; test: (d: string) => boolean; lengths: number[] }> = [
  { name: 'visa', test: (d) => d[0] === '4', lengths: [13, 16, 19] },
  { name: 'mastercard', test: (d) => inRange(d, 2, 51, 55) || inRange(d, 4, 2221, 2720), lengths: [16] },
  { name: 'amex', test: (d) => d.startsWith('34') || d.startsWith('37'), lengths: [15] },
  { name: 'diners', test: (d) => inRange(d, 3, 300, 305) || d.startsWith('36') || d.startsWith('38') || d.startsWith('39') || d.startsWith('309'), lengths: [14, 16, 19] },
  { name: 'discover', test: (d) => d.startsWith('6011') || d.startsWith('65') || inRange(d, 3, 644, 649) || inRange(d, 6, 622126, 622925), lengths: [16, 19] },
  { name: 'jcb', test: (d) => inRange(d, 4, 3528, 3589), lengths: [16, 17, 18, 19] },
  { name: 'unionpay', test: (d) => d.startsWith('62') || d.startsWith('81'), lengths: [16, 17, 18, 19] },
  { name: 'maestro', test: (d) => ['5018', '5020', '5038', '5893', '6304', '6759', '6761', '6762', '6763', '5019', '6390'].some((p) => d.startsWith(p)) || d.startsWith('50') || inRange(d, 2, 56, 69), lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
  { name: 'mir', test: (d) => inRange(d, 4, 2200, 2204), lengths: [16, 17, 18, 19] },
  { name: 'uatp', test: (d) => d[0] === '1', lengths: [15] },
];

function inRange(d: string, len: number, lo: number, hi: number): boolean {
  const v = Number(d.slice(0, len));
  return d.length >= len && v >= lo && v <= hi;
}

/** Returns the issuer name when `digits` (digits only) is a Luhn-valid number in a known range. */
export function cardIssuer(digits: string): string | null {
  if (digits.length < 12 || digits.length > 19) return null;
  if (!luhnValid(digits)) return null;
  // All-same digits (0000…, 1111…) pass Luhn for some lengths but are placeholders, not cards.
  if (/^(\d)\1+$/.test(digits)) return null;
  for (const is of ISSUERS) if (is.test(digits) && is.lengths.includes(digits.length)) return is.name;
  return null;
}

/**
 * US SSN rules (SSA): area not 000, 666 or 900–999; group not 00; serial not 0000; plus the
 * well-known advertising numbers that were never issued.
 */
export function ssnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  if (area.length !== 3 || group.length !== 2 || serial.length !== 4) return false;
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  const all = area + group + serial;
  if (all === '078051120' || all === '219099999' || all === '123456789') return false;
  if (/^(\d)\1{8}$/.test(all)) return false;
  return true;
}

/** IBAN lengths by country (ISO 13616 registry). */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18,
  FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23,
  IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27,
  MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28,
  PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27,
  SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
  // Partner/experimental registries seen in the wild.
  AO: 25, BF: 28, BJ: 28, CF: 27, CG: 27, CI: 28, CM: 27, CV: 25, DZ: 26, GA: 27, GQ: 27, GW: 25, IR: 26,
  KM: 27, MA: 28, MG: 27, ML: 28, MZ: 25, NE: 28, SN: 28, TD: 27, TG: 28,
};

/** IBAN check: known country, right length, mod-97 == 1. `compact` is uppercase without spaces. */
export function ibanValid(compact: string): boolean {
  const cc = compact.slice(0, 2);
  const len = IBAN_LENGTHS[cc];
  if (!len || compact.length !== len) return false;
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return false;
  const re = compact.slice(4) + compact.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < re.length; i++) {
    const c = re.charCodeAt(i);
    const v = c >= 65 ? c - 55 : c - 48;
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

export function ibanCountryLength(cc: string): number | undefined {
  return IBAN_LENGTHS[cc];
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string, scratch?: EntropyScratch): number {
  return shannonEntropyOf(s, 0, s.length, scratch);
}

/**
 * shannonEntropy of `s.slice(from, to)`, without making the slice. Code units are enough for tokens
 * (ASCII). With a scratch (an EntropyScratch owned by one scan) an ASCII range is counted in one pass
 * into the scratch's reused tables: no allocation per call (key-dense text judges 40k values per MB),
 * and for short ranges each p·log2(p) term comes from a constant table (TERMS) instead of a
 * Math.log2 call per distinct character. The counts wrap at 16 bits exactly as the Uint16Array they
 * replace, each term is the same double expression, and the sum runs in the same order (first
 * occurrence), so the result is bit-identical to the plain computation.
 */
export function shannonEntropyOf(s: string, from: number, to: number, scratch?: EntropyScratch): number {
  const n = to - from;
  if (n <= 0) return 0;
  if (scratch === undefined || n > 0xffff) return entropyPlain(s, from, to);
  const counts = scratch.counts;
  const seen = scratch.seen;
  let k = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) {
      // Non-ASCII: put the table back to zero and count over all 16-bit code units.
      for (let q = 0; q < k; q++) counts[seen[q]] = 0;
      return entropyOfCounts(s.slice(from, to), new Uint16Array(65536));
    }
    if (counts[c]++ === 0) seen[k++] = c;
  }
  // Each count is read once and put back to zero in the same loop.
  let h = 0;
  if (n <= TERM_MAX_N) {
    const row = (n * (n + 1)) >> 1;
    for (let q = 0; q < k; q++) {
      const c = seen[q];
      const cnt = counts[c];
      counts[c] = 0;
      h -= TERMS[row + cnt];
    }
  } else {
    for (let q = 0; q < k; q++) {
      const c = seen[q];
      const p = counts[c] / n;
      counts[c] = 0;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

/** Longest range whose p·log2(p) terms are tabulated per length (values and tokens are mostly shorter). */
const TERM_MAX_N = 64;

/**
 * p·log2(p) for p = cnt / n, every n ≤ TERM_MAX_N and 0 < cnt ≤ n, at TERMS[n(n+1)/2 + cnt]: the same
 * double expression as the plain computation, so sums are bit-identical. A constant table of a pure
 * function (computed once at load, ~2k entries): no per-scan state. Typed, so each term is read as a raw
 * double — per-length plain arrays (the former per-scan tables) were read as boxed values in optimized
 * code, one heap number per term (~300 bytes of garbage per judged value).
 */
const TERMS = new Float64Array(((TERM_MAX_N + 1) * (TERM_MAX_N + 2)) >> 1);
for (let n = 1; n <= TERM_MAX_N; n++) {
  for (let cnt = 1; cnt <= n; cnt++) {
    const p = cnt / n;
    TERMS[((n * (n + 1)) >> 1) + cnt] = p * Math.log2(p);
  }
}

/**
 * Reusable tables for shannonEntropyOf's ASCII path, one per scan (never shared between scans): the
 * counts (all zero between calls) and the codes seen in first-occurrence order.
 */
export class EntropyScratch {
  // Typed arrays (about twice as fast here as plain ones) on one buffer: typed arrays over 64 bytes get
  // an off-heap backing store, so one allocation per scan rather than two.
  private readonly buffer = new ArrayBuffer(128 * 4 + 128);
  readonly counts = new Int32Array(this.buffer, 0, 128);
  readonly seen = new Uint8Array(this.buffer, 128 * 4, 128);
}

export function entropyScratch(): EntropyScratch {
  return new EntropyScratch();
}

/** shannonEntropyOf without a scratch (a fresh table per call). */
function entropyPlain(s: string, from: number, to: number): number {
  const n = to - from;
  for (let i = from; i < to; i++) {
    if (s.charCodeAt(i) >= 128) return entropyOfCounts(s.slice(from, to), new Uint16Array(65536));
  }
  const counts: number[] = new Array<number>(128).fill(0);
  const seen: number[] = [];
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const prev = counts[c];
    counts[c] = (prev + 1) & 0xffff;
    if (prev === 0) seen.push(c);
  }
  let h = 0;
  for (let k = 0; k < seen.length; k++) {
    const p = counts[seen[k]] / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** shannonEntropy over any code units (a full 16-bit table). */
function entropyOfCounts(s: string, counts: Uint16Array): number {
  const seen: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (counts[c]++ === 0) seen.push(c);
  }
  let h = 0;
  for (const c of seen) {
    const p = counts[c] / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Counts character classes present (lower, upper, digit, other). */
export function charClasses(s: string): number {
  let l = 0, u = 0, d = 0, o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) l = 1;
    else if (c >= 65 && c <= 90) u = 1;
    else if (c >= 48 && c <= 57) d = 1;
    else o = 1;
  }
  return l + u + d + o;
}

/** True for hex strings of hash lengths (md5/sha1/sha256/sha512, git ids): digests, not secrets by themselves. */
export function looksLikeHash(s: string): boolean {
  return [7, 8, 12, 32, 40, 56, 64, 96, 128].includes(s.length) && /^[0-9a-f]+$/i.test(s);
}

export function looksLikeUuid(s: string): boolean {
  // (A UUID is exactly 36 characters: the length test spares the regex for every other value.)
  return s.length === 36 && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
