/**
 * Layer 1 recognizers for structured PII: email, phone (validated with libphonenumber-js), credit card
 * (Luhn + issuer ranges), US SSN (SSA validity rules), IBAN (mod-97), IPv4/IPv6 (not version strings),
 * passport / date of birth / medical record numbers (only with context).
 *
 * Every regex here is linear-time: repetitions are bounded, there are no nested unbounded quantifiers,
 * and leading runs are anchored with a look-behind so a long run of digits, dots or letters is entered
 * once, not at every position (the 1 MB adversarial test in test/gateway/compliance pins this).
 */
import { isIPv6 } from 'node:net';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Candidate } from './candidate.js';
import { eachMatch, Hit } from './candidate.js';
import { cardIssuer, ibanCountryLength, ssnValid } from '../validators.js';
import { ContextIndex } from '../context.js';
const EMAIL_AT_RE = /[A-Za-z0-9_.%+\-]@[A-Za-z0-9]/g;
/** Characters of an email local part (A-Z a-z 0-9 . _ % + -), by code unit: a table, not a regex per character. */
const LOCAL_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-') LOCAL_CHAR[c.charCodeAt(0)] = 1;
function localChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c < 128 && LOCAL_CHAR[c] === 1;
}
const IMAGE_SUFFIX = /\.(?:png|jpe?g|gif|svg|webp)$/i;
const EMAIL_DOMAIN_RE = /(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9\-]{1,59})(?![A-Za-z0-9\-])/y;
/** "scheme://user:" right before a local part: the "local part" is a URL password, not a mailbox. */
const URL_USERINFO_BEFORE_RE = /[A-Za-z][A-Za-z0-9+.\-]{1,20}:\/\/[^\s:\/'"<>@]{0,128}:$/;

function alnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Emails are found from each "@": the local part is walked back (max 64), the domain matched sticky. */
export function findEmails(text: string): Candidate[] {
  const out: Candidate[] = [];
  if (text.indexOf('@') < 0) return out;
  let minStart = 0;
  // The regex engine finds "x@y" pairs natively (a run of "@" is skipped without a call per character).
  // test() + lastIndex instead of exec(): no match array per "@" (the match is always 3 characters).
  EMAIL_AT_RE.lastIndex = 0;
  // (Each "@" is judged by judgeEmailAt, a small function V8 optimizes once: see findIpv4s.)
  while (EMAIL_AT_RE.test(text)) {
    const at = EMAIL_AT_RE.lastIndex - 2;
    EMAIL_AT_RE.lastIndex = at + 1;
    minStart = judgeEmailAt(text, at, minStart, out);
  }
  return out;
}

/**
 * The e-mail around the "@" at `at` (findEmails), added to `out`. Returns the new lower bound for a local
 * part's start: the e-mail's end when one is found (EMAIL_AT_RE then resumes there), else `minStart`.
 */
function judgeEmailAt(text: string, at: number, minStart: number, out: Candidate[]): number {
  {
    let s = at;
    while (s > minStart && at - s < 64 && localChar(text, s - 1)) s--;
    // Local part must start with an alphanumeric and not be cut from a longer run.
    while (s < at && !alnum(text.charCodeAt(s))) s++;
    const cut = s > 0 && localChar(text, s - 1) && s > minStart;
    if (s >= at || cut) return minStart;
    // postgres://admin:hunter2@db.internal — the URL-credentials recognizer owns that span (bounded look-back).
    if (s > 0 && text.charCodeAt(s - 1) === 58 /* : */) {
      const before = text.slice(Math.max(0, s - 160), s);
      if (before.includes('://') && URL_USERINFO_BEFORE_RE.test(before)) return minStart;
    }
    EMAIL_DOMAIN_RE.lastIndex = at + 1;
    if (!EMAIL_DOMAIN_RE.test(text)) return minStart;
    const end = EMAIL_DOMAIN_RE.lastIndex; // sticky: the domain's end
    // "user@2x.png" style asset names are not emails (only a 3–4 letter last label can be one).
    const dot4 = text.charCodeAt(end - 4) === 46 || text.charCodeAt(end - 5) === 46;
    if (dot4 && IMAGE_SUFFIX.test(text.slice(Math.max(at, end - 5), end))) return minStart;
    out.push(new Hit(text, 'EMAIL', s, end, 0.9, 'email'));
    EMAIL_AT_RE.lastIndex = end;
    return end;
  }
}

// Phone candidates: optional +country, optional (area), then either 7–15 plain digits or 2–6 groups with
// a mandatory separator between groups (no optional separators between digit runs, so no ambiguity).
// Without a +country code only the first group may be a single digit ("1-800-…"): "1 2 3 4 …" is a
// list, not a number; international numbers keep their single-digit groups ("+30 21 0 1234567").
// A plain run is written \d{7}(?!\d{9})\d{0,8}: \d{7,15} with the same greedy order, and a look-ahead that
// only cuts backtracking, never a match — from a run of 16+ digits it would be followed by a digit, which
// neither the extension nor the end check accepts. Without it a 16-digit card number was tried at every
// length from 15 down to 7 before failing (~4 ms per MB of card numbers). (Checked only once 7 digits
// have matched: a look-ahead at every digit costs more than it saves on dates and short numbers.)
const PHONE_RE =
  /(?<![\w+.\-/:@])(?:\+\d{1,3}[ .\-]?(?:\(\d{1,5}\)[ .\-]?)?(?:\d{7,15}|\d{1,8}(?:[ .\-]\d{1,8}){1,5})|(?:\(\d{1,5}\)[ .\-]?)?(?:\d{7}(?!\d{9})\d{0,8}|\d{1,8}(?:[ .\-]\d{2,8}){1,5}))(?:[ ]?(?:x|ext\.?|#)[ ]?\d{1,6})?(?![\w@]|[.\-/:]\d)/g;
/**
 * Regions a formatted number outside the US plan is tried in (any one that validates it will do, so the
 * order changes only the cost): the broad plans that validate most numbers first (Germany, Japan, China),
 * Great Britain and Canada last — one parse there costs 10–65 µs, as +1 numbers are checked against every
 * country sharing that code. On the Presidio generated texts this order needs 0.8 ms of parsing per pass
 * instead of 3 ms.
 */
const PHONE_REGIONS: CountryCode[] = ['DE', 'JP', 'CN', 'NL', 'IN', 'IL', 'BR', 'FR', 'IT', 'AU', 'ES', 'GB', 'CA'];
/**
 * North American Numbering Plan check (what libphonenumber's US validation amounts to, without a
 * parse per candidate): optional leading 1, area code and exchange start 2–9, area code not N11 or 37x/96x
 * reserved, exchange not N11.
 */
function nanpValid(digits: string): boolean {
  const d = digits.length === 11 && digits[0] === '1' ? digits.slice(1) : digits;
  if (d.length !== 10) return false;
  const a = d.slice(0, 3);
  const e = d.slice(3, 6);
  if (a[0] < '2' || e[0] < '2') return false;
  if (a[1] === '1' && a[2] === '1') return false;
  if (e[1] === '1' && e[2] === '1') return false;
  if (a === '370' || a === '371' || a === '372' || a === '373' || a === '374' || a === '375' || a === '376' || a === '377' || a === '378' || a === '379' || a === '960' || a === '961' || a === '962' || a === '963' || a === '964' || a === '965' || a === '966' || a === '967' || a === '968' || a === '969' || a[1] === '9') return false;
  return true;
}


/** A phone number's extension (" x123", "ext. 45", "#7") at the end of a match. */
const PHONE_EXTENSION_RE = /[ ]?(?:x|ext\.?|#)[ ]?\d{1,6}$/;

const DATE_LIKE = /^(?:\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4})$/;

/** Phone words (context.ts) decide numbers that no numbering plan settles; `ctx` is the scan's shared index. */
export function findPhones(text: string, ctx: ContextIndex = new ContextIndex(text)): Candidate[] {
  const out: Candidate[] = [];
  // A plain loop calling one named function (not a callback through the shared eachMatch, whose call
  // site sees every recognizer's callback and cannot inline any): digit-dense text has a match per number.
  // (Unlike DATE_RE, PHONE_RE is not split into a look-ahead and a sticky regex: inside a look-ahead
  // this pattern scans about 1.5× slower, more than its match arrays cost.)
  PHONE_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  const parsed: ParsedPhones = { plus: undefined, regions: undefined };
  while ((m = PHONE_RE.exec(text)) !== null) judgePhone(text, m[0], m.index, ctx, out, parsed); // (PHONE_RE never matches "")
  return out;
}

/**
 * Answers of libphonenumber per number as written (its core), kept for one scan: a parse costs ~18 µs,
 * and a text that repeats numbers (a contact list pasted twice, a 1 MB log of the same caller: 850 ms
 * per MB before) parses each once. Bounded like findCards' cache: distinct numbers past the bound are
 * parsed every time. Maps made on first use (most texts parse nothing).
 */
interface ParsedPhones {
  /** plusScore per core. */
  plus: Map<string, number> | undefined;
  /** validInSomeRegion per core. */
  regions: Map<string, boolean> | undefined;
}
const PARSED_PHONES_MAX = 1024;

/** The score of a "+…" number that the North American plan does not settle: valid 0.85, possible 0.6, else 0. */
function plusScore(core: string, parsed: ParsedPhones): number {
  const cache = (parsed.plus ??= new Map());
  let score = cache.get(core);
  if (score === undefined) {
    const p = parsePhoneNumberFromString(core);
    score = p?.isValid() ? 0.85 : p?.isPossible() ? 0.6 : 0;
    if (cache.size < PARSED_PHONES_MAX) cache.set(core, score);
  }
  return score;
}

/** True when a number without "+" is valid in one of PHONE_REGIONS. */
function validInSomeRegion(core: string, parsed: ParsedPhones): boolean {
  const cache = (parsed.regions ??= new Map());
  let valid = cache.get(core);
  if (valid === undefined) {
    valid = PHONE_REGIONS.some((region) => parsePhoneNumberFromString(core, region)?.isValid() === true);
    if (cache.size < PARSED_PHONES_MAX) cache.set(core, valid);
  }
  return valid;
}

/** [0-9] by code unit. */
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** DATE_LIKE on text[start, end), by code unit: 1–4 digits, [./-], 1–2 digits, [./-], 1–4 digits. */
function dateLikeAt(text: string, start: number, end: number): boolean {
  let i = start;
  for (let part = 0; part < 3; part++) {
    const from = i;
    const max = part === 1 ? 2 : 4;
    while (i < end && i - from < max && isDigit(text.charCodeAt(i))) i++;
    if (i === from) return false;
    if (part === 2) break;
    const c = i < end ? text.charCodeAt(i) : -1;
    if (c !== 46 && c !== 47 && c !== 45) return false;
    i++;
  }
  return i === end;
}

/** One PHONE_RE match text[start, end) of findPhones: validated, scored and added to `out`, or dropped. */
function judgePhone(text: string, raw: string, start: number, ctx: ContextIndex, out: Candidate[], parsed: ParsedPhones): void {
  const end = start + raw.length;
  {
    // Count digits without a regex first: most candidates in number-heavy text are too short.
    let nd = 0;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) nd++;
    }
    if (nd < 6) return;
    // At most 15 number digits and a 6-digit extension: longer digit groups ("4111 1111 1111 1111 4111 …")
    // fail the length check below anyway, without the string work in between.
    if (nd > 21) return;
    // Dates ("1990-01-02", "1/2/1990") are the commonest digit groups in prose: dropped before the string
    // work below. (Same answer as the DATE_LIKE test on `core` further down: a raw match that is all
    // digits and date separators has no extension, so it is its own core.) By code unit, not a regex.
    if (dateLikeAt(text, start, end)) return;
    // Right after a token that has digits ("A311 5212 3456 78") the digits belong to a longer code.
    if (start >= 2 && (text[start - 1] === ' ' || text[start - 1] === '-')) {
      let j = start - 2;
      let hasDigit = false;
      // ([A-Za-z0-9] by code unit: a regex per character here was most of a phone's cost.)
      while (j >= 0 && j >= start - 12 && alnum(text.charCodeAt(j))) {
        if (text.charCodeAt(j) <= 57 && text.charCodeAt(j) >= 48) hasDigit = true;
        j--;
      }
      if (hasDigit && j < start - 2) return;
    }
    // Six-digit local numbers are grouped in pairs or triples ("61 51 81"), never single digits.
    if (nd === 6) {
      const c1 = raw.charCodeAt(1);
      if (!(c1 >= 48 && c1 <= 57)) return;
    }
    // (An extension needs an "x" — also in "ext" — or a "#": without one the match is its own core, and
    // its digit count is nd. The digits as a string are made only for the rules that read them.)
    const core = raw.indexOf('x') >= 0 || raw.indexOf('#') >= 0 ? raw.replace(PHONE_EXTENSION_RE, '') : raw;
    const nCore = core === raw ? nd : core.replace(/\D/g, '').length;
    let coreDigits: string | undefined;
    if (nCore < 6 || nCore > 15) return;
    // Six digits ("61 51 81") is a short local number only when it is grouped and a phone word is next to it.
    if (nCore === 6 && !(/[ .\-]/.test(core) && ctx.near('SHORT_PHONE', start, start + raw.length, 32, 16, true))) return;
    if (DATE_LIKE.test(core)) return;
    // Dotted quads are IPs or versions, never phones.
    // (US "833.719.3994" is a phone; four dotted groups or a short last group is not.)
    // (All three rules need a "." in the number: without one they are skipped.)
    if (core.includes('.')) {
      const frenchDots = /^0\d(?:\.\d{2}){4}$/.test(core); // "02.27.96.63.08"
      if (!frenchDots && /^\d{1,5}(?:\.\d{1,5}){3,}$/.test(core) || (!frenchDots && /^[\d.]+$/.test(core) && !/^\d{3}\.\d{3}\.\d{4}$/.test(core))) return;
    }
    const hasPlus = raw.startsWith('+');
    const formatted = /[ .\-()]/.test(core);
    // Unformatted digit runs are only US numbers (10 digits, or 11 with a leading 1); anything else is
    // an id or a count, not worth a parse.
    if (!hasPlus && !formatted && !(nCore === 10 || (nCore === 11 && (coreDigits ??= core.replace(/\D/g, ''))[0] === '1'))) return;
    let score = 0;
    if (hasPlus && nCore === 11 && (coreDigits ??= core.replace(/\D/g, ''))[0] === '1' && nanpValid(coreDigits)) {
      // +1 numbers that fit the North American plan: the plan check is the library's answer without a
      // parse (which tries each of the ~25 countries sharing +1).
      score = 0.85;
    } else if (hasPlus) {
      score = plusScore(core, parsed);
    } else {
      // (nanpValid is false for any length but 10 and 11.)
      if ((nCore === 10 || nCore === 11) && nanpValid((coreDigits ??= core.replace(/\D/g, '')))) score = formatted ? 0.75 : 0.45;
      else if (formatted && ctx.near('PHONE', start, start + raw.length, 48, 24, true)) {
        // Outside the US plan a digit group validates too easily (ports, counts): such a number only
        // counts with a phone word nearby, so other regions are only tried for formatted numbers.
        if (validInSomeRegion(core, parsed)) score = 0.4;
      }
    }
    // A separated 7–15 digit group that no region validates is still phone-shaped (local numbers,
    // unknown plans): report it only with a phone word nearby.
    if (score === 0 && formatted && !/^\d{3}-\d{2}-\d{4}$/.test(core)) score = 0.35;
    if (score === 0) return;
    const needsContext = score < 0.5;
    // A Hit, not a plain candidate: detect would wrap it into one anyway.
    out.push(new Hit(text, 'PHONE', start, start + raw.length, score, 'phone', needsContext));
  }
}

// Separated card numbers are written in groups of 4 (Amex/Diners 4-6-5 / 4-6-4): the first four digits are
// never separated, which also keeps "1 2 1 2 …" from being a candidate at every digit.
// (Look-behinds here sit after the first digit — same matches — so the engine can skip to digits.)
const CARD_RE = /\d(?<![\d\-.]\d)\d{3}(?:[ \-]?\d){8,15}(?![\d]|[.\-]\d)/g;

/** Recognizer names per issuer, built once (not a template string per finding). */
const CARD_RECOGNIZER = new Map<string, string>();
function cardRecognizer(issuer: string): string {
  let r = CARD_RECOGNIZER.get(issuer);
  if (r === undefined) CARD_RECOGNIZER.set(issuer, (r = `credit_card:${issuer}`));
  return r;
}

export function findCards(text: string): Candidate[] {
  const out: Candidate[] = [];
  // The same number repeated in one text is validated once (bounded: distinct numbers are few).
  const seen = new Map<string, string | null>();
  // The previous match and its answer: a number repeated back to back (a column of one test card) is
  // compared by code unit, without hashing a string for the map (that lookup was most of a card's cost).
  let prevStart = -1;
  let prevEnd = -1;
  let prevIssuer: string | null = null;
  // A plain loop (not the shared eachMatch, whose callback call cannot be inlined): a card-dense text has
  // 60k+ matches per MB. (CARD_RE never matches "".)
  CARD_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CARD_RE.exec(text)) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    let issuer: string | null | undefined;
    if (prevStart >= 0 && sameSpan(text, prevStart, prevEnd, start, end)) issuer = prevIssuer;
    else {
      const raw = m[0];
      issuer = seen.get(raw);
      if (issuer === undefined) {
        // Separators, if any, must be consistent (all spaces or all dashes).
        issuer = raw.indexOf(' ') >= 0 && raw.indexOf('-') >= 0 ? null : cardIssuer(raw.replace(/\D/g, ''));
        if (seen.size < 1024) seen.set(raw, issuer);
      }
      prevStart = start;
      prevEnd = end;
      prevIssuer = issuer;
    }
    if (issuer) out.push(new Hit(text, 'CREDIT_CARD', start, end, 0.9, cardRecognizer(issuer)));
  }
  return out;
}

/** text.slice(a, b) === text.slice(c, d), by code unit. */
function sameSpan(text: string, a: number, b: number, c: number, d: number): boolean {
  if (b - a !== d - c) return false;
  for (let i = 0; i < b - a; i++) if (text.charCodeAt(a + i) !== text.charCodeAt(c + i)) return false;
  return true;
}

const SSN_RE = /(\d(?<![\d\-.]\d)\d{2})([\- .]?)(\d{2})\2(\d{4})(?![\d]|[\-.]\d)/g;

export function findSsns(text: string): Candidate[] {
  const out: Candidate[] = [];
  eachMatch(SSN_RE, text, (m) => {
    const [raw, area, sep, group, serial] = m;
    if (!ssnValid(area, group, serial)) return;
    // 3-2-4 grouped with dashes, spaces or dots is the SSN's own shape (phone plans group 3-3-4, ZIP+4 is
    // 5-4, dates 2-2-4): reported on its own, lowered by "version", "order"… words. Nine bare digits are
    // any id (routing numbers, order numbers): those need an SSN word nearby.
    const score = sep === '-' ? 0.6 : sep === '' ? 0.3 : 0.5;
    out.push(new Hit(text, 'SSN', m.index, m.index + raw.length, score, 'ssn', sep === ''));
  });
  // Mis-dashed forms ("078-051121", "07805-1121"; Presidio's weak patterns): only next to an SSN word —
  // 5-4 is also a ZIP+4 code.
  if (text.indexOf('-') >= 0) {
    eachMatch(SSN_WEAK_RE, text, (m) => {
      const digits = m[0].replace('-', '');
      if (!ssnValid(digits.slice(0, 3), digits.slice(3, 5), digits.slice(5))) return;
      // 0.42 + 0.45 with an SSN word: above a phone reading of the same digits ('number' is a phone cue).
      out.push(new Hit(text, 'SSN', m.index, m.index + m[0].length, 0.42, 'ssn', true));
    });
  }
  return out;
}
const SSN_WEAK_RE = /\d(?<![\d\-.]\d)(?:\d{2}-\d{6}|\d{4}-\d{4})(?![\d]|[\-.]\d)/g;

// Groups of four separated by spaces or dashes (one kind throughout), or no separator at all.
const IBAN_RE = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:(?:[ ]?[A-Za-z0-9]{4}){2,8}(?:[ ]?[A-Za-z0-9]{1,3})?|(?:-[A-Za-z0-9]{4}){2,8}(?:-[A-Za-z0-9]{1,3})?)(?![A-Za-z0-9])/g;

export function findIbans(text: string): Candidate[] {
  const out: Candidate[] = [];
  // A plain loop and a judge on offsets (no callback, slices, case conversions or regexes per match): an
  // IBAN-dense 1 MB text has 30k+ matches. (IBAN_RE never matches "".)
  IBAN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = IBAN_RE.exec(text)) !== null) judgeIban(text, m.index, m.index + m[0].length, out);
  return out;
}

/** Upper-cases an ASCII letter code (IBAN_RE's matches are ASCII letters, digits, " " and "-"). */
function asciiUpper(c: number): number {
  return c >= 97 && c <= 122 ? c - 32 : c;
}

/**
 * One IBAN_RE match text[start, matchEnd): country length, exact length, one letter case, mod-97 (what
 * ibanValid checks on the compact upper-case form; its shape regex always holds for such a match: two
 * letters, two digits, then letters and digits).
 */
function judgeIban(text: string, start: number, matchEnd: number, out: Candidate[]): void {
  const len = ibanCountryLength(String.fromCharCode(asciiUpper(text.charCodeAt(start)), asciiUpper(text.charCodeAt(start + 1))));
  if (!len) return;
  // Take exactly `len` alphanumerics (the regex may have swallowed a following short word).
  let n = 0;
  let i = start;
  let lower = false;
  let upper = false;
  for (; i < matchEnd && n < len; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 45) continue;
    n++;
    if (c >= 97) lower = true;
    else if (c >= 65) upper = true;
  }
  if (n < len) return;
  const end = i;
  if (end < text.length && alnum(text.charCodeAt(end))) return;
  // Letters are written in one case ("GB82 WEST…" or all lower-case): "LV80 bANK …" is not an IBAN.
  if (lower && upper) return;
  // mod-97 over the compact upper-case form moved by four (BBAN first, then country and check digits).
  let rem = 0;
  let k = 0;
  for (let pass = 0; pass < 2; pass++) {
    k = 0;
    for (let q = start; q < end; q++) {
      const c = text.charCodeAt(q);
      if (c === 32 || c === 45) continue;
      const at = k++;
      if (pass === 0 ? at < 4 : at >= 4) continue;
      const u = asciiUpper(c);
      const v = u >= 65 ? u - 55 : u - 48;
      rem = v >= 10 ? rem * 100 + v : rem * 10 + v;
      // Reduced only when large: the remainder mod 97 is the same, and every value stays an exact integer
      // (below 2^53) — one "%" per few characters instead of one each.
      if (rem >= 2 ** 40) rem %= 97;
    }
  }
  if (rem % 97 !== 1) return;
  out.push(new Hit(text, 'IBAN', start, end, 0.9, 'iban'));
}

// An address may follow ":" ("ip:10.0.0.1", the IPv4 tail of "…::ffff:192.0.2.1") but not "<digit>:"
// (times, ratios). Dotted numbers running on after it (group 1) make a version or an OID — see findIps.
const IPV4_RE = /(?<![\w.\-/])(?<!\d:)(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w\-])((?:\.\d{1,10}){1,8}(?![\w\-]|\.\d))?(?::\d{1,5})?/g;
/** IPV4_RE split at its optional parts: the four numbers (global), then group 1 and the port (sticky). */
const IPV4_CORE_RE = /(?<![\w.\-/])(?<!\d:)(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w\-])/g;
const IPV4_TAIL_RE = /(?:\.\d{1,10}){1,8}(?![\w\-]|\.\d)/y;
const IPV4_PORT_RE = /:\d{1,5}/y;
/** Char code at `i`, or -1 past the text's end (charCodeAt's NaN there deoptimizes optimized callers). */
function codeAt(text: string, i: number): number {
  return i < text.length ? text.charCodeAt(i) : -1;
}
function isDigitOrDot(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46;
}
/** Private-range prefixes: "192.168.1.1.1" is a mistyped address, while "1.3.6.1.4.1" is an OID. */
const PRIVATE_V4 = /^(?:10|192\.168|172\.(?:1[6-9]|2\d|3[01]))\./;
const VERSION_BEFORE = /(?:version|ver|release|build|v|sdk|os|rev|tag|@)["'\s:=]{0,4}$/i;

/**
 * Cheap pre-check for VERSION_BEFORE: skipping up to four of its separators ["'\s:=] back from `at`, the
 * character reached must be able to end one of its keywords (version, ver, release, build, v, sdk, os,
 * rev, tag, @). False means the regex cannot match.
 */
function versionWordBefore(text: string, at: number): boolean {
  let i = at - 1;
  for (let k = 0; k <= 4 && i >= 0; k++, i--) {
    const c = text.charCodeAt(i) | 0x20; // lower-case ASCII letters; "@" (64) becomes "`" (96)
    if (c === 110 || c === 114 || c === 101 || c === 100 || c === 118 || c === 107 || c === 115 || c === 103 || c === 96) return true; // n r e d v k s g @
  }
  return false;
}

export function findIps(text: string, ctx: ContextIndex = new ContextIndex(text)): Candidate[] {
  const out: Candidate[] = [];
  // Two functions, not one with two loops: V8 compiles (and on a new input shape recompiles) each hot
  // loop with its function, and a 1 MB scan pays that compiler time.
  findIpv4s(text, ctx, out);
  if (twoColonsInHexRun(text)) findIpv6s(text, ctx, out);
  return out;
}

/** [0-9A-Fa-f] by code unit. */
function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/**
 * findIpv6s keeps only matches whose address has two or more ":", and IPV6_RE's colons all sit in one run
 * of at most 39 hex digits and colons: so it can report something only where a ":" is followed, after at
 * most 37 hex digits, by another ":". Without such a pair (prose, "key: value" lines, times like 12:30 —
 * the usual colons) the scan is skipped; the regex visits every character of the text otherwise.
 */
function twoColonsInHexRun(text: string): boolean {
  const n = text.length;
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
    let j = i + 1;
    while (j < n && j - i <= 38 && isHex(text.charCodeAt(j))) j++;
    if (j < n && j - i <= 38 && text.charCodeAt(j) === 58) return true;
  }
  return false;
}

function findIpv4s(text: string, ctx: ContextIndex, out: Candidate[]): void {
  // IPV4_RE in three steps, on offsets: test() + lastIndex instead of exec() (no match array and no
  // match string per address: a 1 MB list of addresses has 100k+ of them). The core's leftmost match is
  // IPV4_RE's (everything after the core is optional); its start is found by walking back over digits
  // and dots (the look-behind guarantees the character before it is neither).
  // The loop only finds cores; each is judged by judgeIpv4 (it also moves the regex past the address's
  // tail and port). A long loop in a function called once per scan is compiled on-stack (OSR) in the
  // middle of a scan and again later as a whole; kept this small, that costs little, while the
  // per-address work sits in a small function V8 optimizes once, after its first few hundred calls.
  IPV4_CORE_RE.lastIndex = 0;
  while (IPV4_CORE_RE.test(text)) judgeIpv4(text, IPV4_CORE_RE.lastIndex, ctx, out);
}

/** One IPv4 core ending at `coreEnd` (findIpv4s): tail, port, version words, netmasks, special addresses. */
function judgeIpv4(text: string, coreEnd: number, ctx: ContextIndex, out: Candidate[]): void {
  const core = IPV4_CORE_RE;
  {
    let start = coreEnd - 7;
    while (start > 0 && isDigitOrDot(text.charCodeAt(start - 1))) start--;
    // IPV4_RE's optional tail (group 1) and port, tried in its order.
    // (Each starts with its own character: the regex runs only after a "." / ":".)
    // (Reads past the text's end go through codeAt: in optimized code such a read deoptimizes the loop.)
    const after = codeAt(text, coreEnd);
    let tailEnd = coreEnd;
    if (after === 46) {
      IPV4_TAIL_RE.lastIndex = coreEnd;
      if (IPV4_TAIL_RE.test(text)) tailEnd = IPV4_TAIL_RE.lastIndex;
    }
    core.lastIndex = tailEnd;
    if (codeAt(text, tailEnd) === 58) {
      IPV4_PORT_RE.lastIndex = tailEnd;
      if (IPV4_PORT_RE.test(text)) core.lastIndex = IPV4_PORT_RE.lastIndex;
    }
    if (tailEnd > coreEnd) {
      // One stray number after a private-range address: the address is the first four numbers.
      const dot2 = text.indexOf('.', coreEnd + 1);
      if (!PRIVATE_V4.test(text.slice(start, tailEnd)) || (dot2 >= 0 && dot2 < tailEnd)) return;
    }
    const rawLen = coreEnd - start;
    // "version": "1.2.3.4", v1.2.3.4, build 10.0.19041.1 — version strings, not addresses. (The regex
    // runs only when the word before can end one of its keywords: most addresses follow a space or digit.)
    if (versionWordBefore(text, start) && VERSION_BEFORE.test(text.slice(Math.max(0, start - 14), start))) return;
    // Netmasks and CIDR ranges describe networks, not hosts.
    // (First-character tests before each literal comparison: this runs per address.)
    const first = text.charCodeAt(start);
    const broadcast = rawLen === 15 && first === 50 && text.startsWith('255.255.255.255', start);
    if (!broadcast && first === 50 && text.startsWith('255.', start) && /^255\.(?:(?:0|128|192|224|240|248|252|254|255)\.){2}(?:0|128|192|224|240|248|252|254|255)$/.test(text.slice(start, coreEnd))) return;
    // CIDR ranges ("10.0.0.0/8") are reported with their prefix length.
    const cidr = after !== 47 /* / */ ? null : /^\/(?:3[0-2]|[12]?\d)(?![\d.\w])/.exec(text.slice(coreEnd, coreEnd + 4));
    const end = coreEnd + (cidr ? cidr[0].length : 0);
    const special = (rawLen === 7 && first === 48 && text.startsWith('0.0.0.0', start)) || (first === 49 && text.startsWith('127.', start)) || broadcast;
    // Loopback / unspecified / broadcast addresses are everywhere in code ("listen(3000, '0.0.0.0')"):
    // they count only when the text is talking about addresses.
    if (special && !cidr && !ctx.near('SPECIAL_IP', start, end, 32, 16, true)) return;
    out.push(new Hit(text, 'IP_ADDRESS', start, end, special ? 0.6 : 0.7, 'ipv4', false, special));
  }
}

function findIpv6s(text: string, ctx: ContextIndex, out: Candidate[]): void {
  eachMatch(IPV6_RE, text, (m) => {
    let raw = m[0];
    const zone = raw.indexOf('%');
    const addr = zone >= 0 ? raw.slice(0, zone) : raw;
    if ((addr.match(/:/g) ?? []).length < 2) return;
    if (!isIPv6(addr)) {
      // A trailing ':' (end of a sentence "at fe80::1:") or a port suffix is not part of the address.
      return;
    }
    const loop = addr === '::' || addr === '::1';
    // Something like "a::b" in prose or code (C++ scopes) needs digits or enough groups to be an address.
    if (!loop && !/\d/.test(addr) && addr.split(':').filter(Boolean).length < 3) return;
    raw = raw.replace(/[:]+$/, (s) => (isIPv6(raw) ? s : ''));
    const cidr6 = /^\/(?:12[0-8]|1[01]\d|\d{1,2})(?![\d\w])/.exec(text.slice(m.index + raw.length, m.index + raw.length + 5));
    const end6 = m.index + raw.length + (cidr6 ? cidr6[0].length : 0);
    if (loop && !cidr6 && !ctx.near('SPECIAL_IP', m.index, end6, 32, 16, true)) return;
    out.push({ type: 'IP_ADDRESS', start: m.index, end: end6, score: loop ? 0.6 : 0.75, recognizer: 'ipv6', contextApplied: loop });
  });
}


const IPV6_RE = /(?<![\w:.\-])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]{2,39}(?:\.\d{1,3}){0,3}(?:%[A-Za-z0-9]{1,15})?(?![\w:])/g;

// Passport numbers, in the shapes countries print them: 1 letter + 7–8 digits (IN, AU, CN, US, KR),
// 2 letters + 6–7 digits (CA, GB, IT, JP, IE), 3 letters + 6 digits (ES), letter-3-letter-4 (KR since
// 2021), 2 digits + 2 letters + 5 digits (FR), 9 characters of the German ICAO alphabet (DE, no vowels),
// or 8–9 digits (US, GB, RU). Any of these is just an id without a passport word nearby, so they are
// reported only with context.
const PASSPORT_RE =
  /(?<![\w\-])(?:[A-Za-z]\d{7,8}|[A-Za-z]{2}\d{6,7}|[A-Za-z]{3}\d{6}|[A-Za-z]\d{3}[A-Za-z]\d{4}|\d{2}[A-Za-z]{2}\d{5}|[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}|[cfghjklmnprtvwxyz][cfghjklmnprtvwxyz0-9]{8}|\d{8,9})(?![\w\-])/g;

export function findPassports(text: string): Candidate[] {
  const out: Candidate[] = [];
  // test() + lastIndex: no match array and string per match. Every form is letters and digits only, and the
  // character before a match is no word character (the look-behind), so the match is the run of word
  // characters that ends at lastIndex. (PASSPORT_RE never matches "".)
  PASSPORT_RE.lastIndex = 0;
  while (PASSPORT_RE.test(text)) {
    const end = PASSPORT_RE.lastIndex;
    let start = end;
    while (start > 0 && wordChar(text.charCodeAt(start - 1))) start--;
    // The German alphabet form must carry digits (a nine-consonant word is not a number).
    let digits = 0;
    for (let i = start; i < end; i++) if (text.charCodeAt(i) <= 57) digits++;
    if (digits < 3) continue;
    // (Hits, not plain candidates, here and for MRNs: detect would wrap each into one anyway, and an
    // id-dense text has 60k+ of them.)
    out.push(new Hit(text, 'PASSPORT', start, end, 0.2, 'passport', true));
  }
  return out;
}

/** [A-Za-z0-9_] (\w) by code unit. */
function wordChar(c: number): boolean {
  return alnum(c) || c === 95;
}

// Dates: 3/23/1940, 1940-03-23, 23.03.1940, March 23, 1940, 23 March 1940. DOB only with birth context.
const MONTHS = 'Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?';
const DATE_RE = new RegExp(
  `(?<![\\w/.\\-])(?:\\d{1,2}[/.\\-]\\d{1,2}[/.\\-](?:19|20)?\\d{2}|(?:19|20)\\d{2}-\\d{1,2}-\\d{1,2}|(?:${MONTHS})\\.? \\d{1,2}(?:st|nd|rd|th)?,? (?:19|20)\\d{2}|\\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:${MONTHS}),? (?:19|20)\\d{2})(?![\\w/]|[.\\-]\\d)`,
  'gi',
);

/**
 * DATE_RE as two regexes that allocate nothing per date: the same pattern inside a look-ahead finds where
 * the next match starts (a zero-width match: lastIndex stays at its start), and the same pattern, sticky,
 * finds where it ends. Leftmost start and first-alternative end are exactly DATE_RE's match.
 */
const DATE_START_RE = new RegExp(`(?=${DATE_RE.source})`, 'gi');
const DATE_STICKY_RE = new RegExp(DATE_RE.source, 'yi');

export function findDates(text: string): Candidate[] {
  const out: Candidate[] = [];
  // (A plain loop, as in findPhones. DATE_RE never matches the empty string.) test() + lastIndex: a
  // date-dense text has 70k+ dates per MB, and a match array and a string each were most of its garbage.
  DATE_START_RE.lastIndex = 0;
  while (DATE_START_RE.test(text)) {
    const start = DATE_START_RE.lastIndex;
    DATE_STICKY_RE.lastIndex = start;
    DATE_STICKY_RE.test(text); // matches: the look-ahead just did, from here
    const end = DATE_STICKY_RE.lastIndex;
    out.push(new Hit(text, 'DATE_OF_BIRTH', start, end, 0.15, 'date_of_birth', true));
    DATE_START_RE.lastIndex = end;
  }
  return out;
}

// Medical record numbers: optional MRN- prefix and 6–10 digits/letters; only with medical context.
const MRN_RE = /(?<![\w\-])(?:MRN[\-: #]{0,3})?[A-Z]{0,3}\d{6,10}(?![\w\-])/g;

export function findMrns(text: string): Candidate[] {
  const out: Candidate[] = [];
  eachMatch(MRN_RE, text, (m) => {
    // (/^MRN/i by code unit: the match is ASCII.)
    const p = m.index;
    const prefixed = (text.charCodeAt(p) | 0x20) === 109 && (codeAt(text, p + 1) | 0x20) === 114 && (codeAt(text, p + 2) | 0x20) === 110;
    out.push(new Hit(text, 'MRN', m.index, m.index + m[0].length, prefixed ? 0.6 : 0.2, 'mrn', !prefixed));
  });
  return out;
}
