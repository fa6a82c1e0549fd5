/**
 * Secret recognizers that need structure or context beyond a vendor prefix: base32 OTP/2FA seeds,
 * Atlassian Data Center PATs (base64 of "<numeric id>:<random bytes>"), Alibaba access-key secrets
 * next to their LTAI key id, Salesforce org ids next to "org"/"salesforce" words, key material written
 * as byte arrays ("key = {0x35, 0x34, …}", "Secret: []byte{…}") and hard-coded fallbacks of
 * environment lookups (getenv("X", "fallback"), os.environ.get("X") or "fallback").
 *
 * Every regex here is bounded and has no nested quantifiers; lists are walked by hand.
 */
import type { Candidate } from './candidate.js';
import { eachMatch } from './candidate.js';
import { tokenRuns } from './runs.js';

// --- base32 OTP seeds (RFC 4648 alphabet; TOTP seeds are 80 or 160 bits → 16 or 32 characters) ---
// A seed is a whole token: a run of [A-Za-z0-9_\-+/=.] — token runs (runs.ts) split at "~$|%" — made of
// [A-Z2-7] only.
const BASE32_TOKEN = /^[A-Z2-7]+$/;

function findOtpSeeds(text: string, out: Candidate[], runs: ArrayLike<number>): void {
  for (let r = 0; r < runs.length; r += 3) {
    let a = runs[r];
    const end = runs[r + 1];
    if (!runs[r + 2]) {
      // No "~$|%" inside: the run is the token. (Its first character is checked before the slice: a
      // seed is [A-Z2-7] only, and a card-dense text has a 16-digit run per card.)
      if ((end - a === 16 || end - a === 32) && base32Char(text.charCodeAt(a))) otpSeed(text.slice(a, end), a, out);
      continue;
    }
    for (let i = a; i <= end; i++) {
      const c = i < end ? text.charCodeAt(i) : 0;
      if (i < end && c !== 126 /* ~ */ && c !== 36 /* $ */ && c !== 124 /* | */ && c !== 37 /* % */) continue;
      if (i - a === 16 || i - a === 32) otpSeed(text.slice(a, i), a, out);
      a = i + 1;
    }
  }
}

/** [A-Z2-7] by code unit. */
function base32Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 50 && c <= 55);
}

function otpSeed(tok: string, at: number, out: Candidate[]): void {
  {
    if (!BASE32_TOKEN.test(tok)) return;
    const digits = tok.replace(/[^2-7]/g, '').length;
    const letters = tok.length - digits;
    // Random base32 has ~19% digits; constant names and words have none or few.
    if (digits < 2 || letters < tok.length / 2) return;
    if (/^[A-F2-7]+$/.test(tok)) return; // uppercase hex
    if (/(.)\1{3}/.test(tok)) return; // runs are padding or filler, not random seeds
    // Enough distinct symbols for a random draw (16 random base32 chars have ≥ 9 distinct ~99.9% of the time).
    if (new Set(tok).size < (tok.length === 16 ? 9 : 15)) return;
    out.push({ type: 'API_KEY', start: at, end: at + tok.length, score: 0.6, recognizer: 'secret:otp_seed' });
  }
}

// --- Atlassian (Jira / Confluence / Bitbucket Data Center) personal access tokens ---
// 44 base64 characters that decode to "<numeric id>:<20 random bytes>"; the decoded id is the check.
const B64_44_RE = /(?<![A-Za-z0-9+=_\-])[MNO][A-Za-z0-9+/]{43}(?![A-Za-z0-9+\/=_\-])/g;

function findAtlassianDcPat(text: string, out: Candidate[]): void {
  eachMatch(B64_44_RE, text, (m) => {
    const decoded = Buffer.from(m[0], 'base64').toString('latin1');
    if (!/^\d{6,16}:/.test(decoded)) return;
    out.push({ type: 'API_KEY', start: m.index, end: m.index + 44, score: 0.9, recognizer: 'secret:atlassian_dc_pat', contextApplied: true });
  });
}

// --- Alibaba Cloud: the 30-character AccessKey secret written next to its LTAI AccessKey id ---
const ALIBABA_PAIR_RE = /(?<![A-Za-z0-9])LTAI[A-Za-z0-9]{12,20}(?![A-Za-z0-9])/g;
const ALIBABA_SECRET_RE = /(?<![A-Za-z0-9])[A-Za-z0-9]{30}(?![A-Za-z0-9])/y;

function findAlibabaSecret(text: string, out: Candidate[]): void {
  if (!text.includes('LTAI')) return;
  eachMatch(ALIBABA_PAIR_RE, text, (m) => {
    // The secret follows within a short separator run (", ", "\", \"", ":", newline + key name …).
    const from = m.index + m[0].length;
    const limit = Math.min(text.length, from + 48);
    for (let i = from; i < limit; i++) {
      if (!/[A-Za-z0-9]/.test(text[i])) continue;
      ALIBABA_SECRET_RE.lastIndex = i;
      const s = ALIBABA_SECRET_RE.exec(text);
      if (s && /\d/.test(s[0]) && /[a-z]/.test(s[0]) && /[A-Z]/.test(s[0])) {
        out.push({ type: 'API_KEY', start: i, end: i + 30, score: 0.9, recognizer: 'secret:alibaba_secret', contextApplied: true });
        return;
      }
      // Skip the rest of this word (a key name such as "secret=").
      while (i < limit && /[A-Za-z0-9]/.test(text[i])) i++;
    }
  });
}

// --- Salesforce org ids: 15- or 18-character ids starting "00D", only near org words ---
const SF_ORG_RE = /(?<![A-Za-z0-9])00D(?:[A-Za-z0-9]{15}|[A-Za-z0-9]{12})(?![A-Za-z0-9])/g;
const SF_CONTEXT = /(?:org|salesforce|sfdc|force\.com)/i;

function findSalesforceOrgIds(text: string, out: Candidate[]): void {
  // "D" first: a substring search for "00D" is slow on digit-heavy text (a candidate at every "0").
  if (text.indexOf('D') < 0 || !text.includes('00D')) return;
  eachMatch(SF_ORG_RE, text, (m) => {
    const body = m[0].slice(3);
    if (!/\d/.test(body) || !/[A-Z]/.test(body)) return;
    const before = text.slice(Math.max(0, m.index - 80), m.index);
    if (!SF_CONTEXT.test(before)) return;
    out.push({ type: 'API_KEY', start: m.index, end: m.index + m[0].length, score: 0.8, recognizer: 'secret:salesforce_org_id', contextApplied: true });
  });
}

// --- Key material as numeric arrays next to a key-like name ---
const ARRAY_KEY_RE = /(?:key|secret|token|salt|passw(?:or)?d|nonce|iv)(?![a-z])/gi;
const BYTE_RE = /(?:0x[0-9a-fA-F]{1,2}|\d{1,3})(?![0-9A-Za-z])/y;
const MIN_BYTES = 8;

function findByteArrays(text: string, out: Candidate[]): void {
  if (!text.includes('{') && !text.includes('[')) return;
  let lastEnd = -1;
  eachMatch(ARRAY_KEY_RE, text, (m) => {
    if (m.index < lastEnd) return;
    const prev = m.index > 0 ? text[m.index - 1] : '';
    // The name starts an identifier part: "monkey", "DIV", "hockey" hide no key; "hmacSecret", "AES_KEY"
    // do, and so does an all-caps compound of a longer name ("AESKEY", "HMACSECRET").
    const camel = /[a-z]/.test(prev) && /[A-Z]/.test(m[0][0]);
    const capsCompound = /[A-Z]/.test(prev) && m[0].length >= 3 && m[0] === m[0].toUpperCase();
    if (/[A-Za-z]/.test(prev) && !camel && !capsCompound) return;
    // Up to 32 characters of declaration ("Key:", "[] = ", " = (byte[]) ", "[]byte") before the bracket.
    let i = m.index + m[0].length;
    const declEnd = Math.min(text.length, i + 32);
    while (i < declEnd && text[i] !== '{') {
      if (text[i] === '[') {
        // "[16]", "[]" (C array sizes, Go "[]byte") are part of the declaration; any other "[" opens a list.
        const size = /^\[\d{0,4}\]/.exec(text.slice(i, i + 6));
        if (!size) break;
        i += size[0].length;
        continue;
      }
      if (/[\n;"'(]/.test(text[i])) return;
      i++;
    }
    if (text[i] !== '{' && text[i] !== '[') return;
    let p = i + 1;
    let first = -1;
    let last = -1;
    let n = 0;
    const limit = Math.min(text.length, p + 8192);
    while (p < limit) {
      while (p < limit && /[ \t\r\n\\]/.test(text[p])) p++;
      BYTE_RE.lastIndex = p;
      const b = BYTE_RE.exec(text);
      if (!b) break;
      if (first < 0) first = p;
      p += b[0].length;
      last = p;
      n++;
      while (p < limit && /[ \t]/.test(text[p])) p++;
      if (text[p] !== ',') break;
      p++;
    }
    if (n < MIN_BYTES) return;
    out.push({ type: 'API_KEY', start: first, end: last, score: 0.8, recognizer: 'secret:byte_array_key', contextApplied: true });
    lastEnd = last;
  });
}

// --- Hard-coded fallbacks of environment lookups ---
const ENV_FALLBACK_RE = /(?:getenv|environ\.get|env\.get|getEnv|Getenv|GetEnvironmentVariable)\([ \t]{0,3}["']([A-Za-z0-9_.\-]{1,64})["'][ \t]{0,3}(?:,[ \t]{0,3}["']([^"'\n]{4,128})["']|\)[ \t]{0,3}(?:or|\|\||\?\?|\?:)[ \t]{0,3}["']([^"'\n]{4,128})["'])/g;
const ENV_NAMES = ['getenv', 'environ.get', 'env.get', 'getEnv', 'Getenv', 'GetEnvironmentVariable'];
const SECRET_NAME = /pass(?:word|wd|phrase)?|pwd|secret|token|api[_\-]?key|apikey|private[_\-]?key|credential/i;

function findEnvFallbacks(text: string, out: Candidate[]): void {
  // The lookup names are case-sensitive in ENV_FALLBACK_RE: plain substring checks gate it. Each name
  // holds "nv": one search rules most texts out (six searches of a 1 MB text cost ~1.5 ms), after one for
  // "v", as a search runs at the speed of its first character's frequency ("n" is common).
  if (text.indexOf('v') < 0 || text.indexOf('nv') < 0 || !ENV_NAMES.some((n) => text.includes(n))) return;
  eachMatch(ENV_FALLBACK_RE, text, (m) => {
    const value = m[2] ?? m[3];
    if (!value) return;
    // The secret-ness comes from the variable name or the name of what it is assigned to.
    // Only this line's last 60 characters (a bounded look-back keeps the scan linear).
    const back = text.slice(Math.max(0, m.index - 60), m.index);
    const lhs = back.slice(back.lastIndexOf('\n') + 1);
    if (!SECRET_NAME.test(m[1]) && !SECRET_NAME.test(lhs)) return;
    if (/^(?:\$\{|\{\{|<)|^(?:changeme|password|secret|default|none|null|test|example|your[_\-]?\w{0,20})$/i.test(value)) return;
    if (/\s/.test(value) && value.split(/\s+/).length > 2) return; // a sentence, not a secret
    const start = m.index + m[0].length - 1 - value.length;
    out.push({ type: 'PASSWORD', start, end: start + value.length, score: 0.85, recognizer: 'secret:env_fallback', contextApplied: true });
  });
}

/** The longest run of a runs.ts list (0 when empty). */
function longestRun(runs: ArrayLike<number>): number {
  let max = 0;
  for (let r = 0; r < runs.length; r += 3) if (runs[r + 1] - runs[r] > max) max = runs[r + 1] - runs[r];
  return max;
}

/**
 * `runs`: token runs of 16+ characters (runs.ts triples), shared with the other secret recognizers;
 * `maxRun`: the longest of them, when the caller knows it.
 */
export function findContextSecrets(text: string, runs: ArrayLike<number> = tokenRuns(text, 16), maxRun = longestRun(runs)): Candidate[] {
  const out: Candidate[] = [];
  findOtpSeeds(text, out, runs);
  // A DC token is 44 characters of [A-Za-z0-9+/], all token characters: only a run that long can hold one
  // (its regex otherwise visits the whole text: ~1 ms per MB).
  if (maxRun >= 44) findAtlassianDcPat(text, out);
  findAlibabaSecret(text, out);
  findSalesforceOrgIds(text, out);
  findByteArrays(text, out);
  findEnvFallbacks(text, out);
  return out;
}
