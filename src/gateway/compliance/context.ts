/**
 * Context words (which raise or lower a finding's confidence), found lazily and at most once per place.
 *
 * Scoring used to slice a window around every candidate and run a regex on it; on an input with 100k
 * candidates (a 1 MB run of "a@b.cc") that per-candidate cost dominated the scan. Here each kind's words
 * are found by that kind's regex (KIND_WORD_RES) over the lower-cased text, lazily, in blocks: only blocks next to a
 * value that is asked about are scanned, each at most once per kind, and "is there a word of kind K
 * within N characters before / after this span" is a binary search over that block's hits.
 *
 * Words are whole words (\b), as they were when each window was tested on its own.
 */
import type { EntityType } from './types.js';

/** The words of each kind, as plain alternations (no anchors). */
const WORDS = {
  EMAIL: 'e-?mail|mail(?:to)?|contact|address',
  PHONE:
    'phone|call(?:ed|ing)?|tel|telephone|mobile|cell|fax|office|contact|reach|dial|whats ?app|sms|text|answering|ring|ext|landline|hotline|number',
  /** Six-digit phone numbers need one of these ("number" alone also fits ids such as NI numbers). */
  SHORT_PHONE: 'phone|call|tel|telephone|mobile|cell|fax|office|reach|dial',
  CREDIT_CARD: 'card|credit|debit|visa|master ?card|amex|payment|pay|cc|cvv|expir[a-z]*|billing',
  SSN: 'ssn|ssns|social security|social sec|tax ?id|taxpayer|ss#|ss #|sin',
  IBAN: 'iban|bank|account|transfer|wire|payment',
  IP_ADDRESS:
    'ip|ips|ipv4|ipv6|address|host|server|client|from|src|dst|source|destination|connect[a-z]*|remote|network|gateway|proxy|login',
  /** Loopback / unspecified / broadcast addresses count only next to these. */
  SPECIAL_IP: 'ip|ips|ipv4|ipv6|localhost|loopback|broadcast|unspecified|default|subnet|route|cidr|src|dst|connect[a-z]*|from',
  // Passport words in the languages whose formats the recognizer knows (en, es, pt, fr, it, de, nl, ko).
  PASSPORT:
    'passports?|travel document|travel doc|pasaporte|passaporte|passeport|passaporto|reisepass|pass-?nr|passnummer|paspoort|여권',
  DATE_OF_BIRTH: 'birth|born|dob|d\\.o\\.b|birthday|birthdate|b-day',
  MRN: 'mrn|medical record|patient|chart|health record|hospital|admission|ehr|emr',
  /** Words that say "this is not personal data" (docs, tests, versions, code positions). */
  NEGATIVE:
    'version|versions|ver|build|release|semver|port|line|lines|commit|sha|hash|checksum|uuid|guid|order|invoice|tracking|timestamp|epoch|sample|example|dummy|fake|isbn|sku',
} as const;

export type ContextKind = keyof typeof WORDS;
const KINDS = Object.keys(WORDS) as ContextKind[];

// Korean has no word boundaries in the \b sense (ASCII only): its words are matched as they are.
const NON_LATIN = /[^\x00-\x7f]/;
/**
 * `words` is an alternation split at "|" — pieces of a group such as "call(?:ed|ing)?" stay adjacent and
 * in order, so joining each bucket again restores them (no group mixes Latin and other scripts).
 */
function wordsRe(words: string[], flags: string): RegExp {
  const latin = words.filter((w) => !NON_LATIN.test(w)).join('|');
  const other = words.filter((w) => NON_LATIN.test(w)).join('|');
  return new RegExp([latin && `\\b(?:${latin})\\b`, other].filter(Boolean).join('|') || '(?!)', flags);
}
/**
 * Per-kind regexes run over the lower-cased text: a case-sensitive regex scans several times faster than
 * the same regex with the `i` flag. The `i` variants are only used when lower-casing changes the text's
 * length (a few Unicode letters such as "İ" do), because offsets must stay those of the original text.
 */
const KIND_RE = Object.fromEntries(KINDS.map((k) => [k, wordsRe(WORDS[k].split('|'), 'g')])) as Record<ContextKind, RegExp>;
const KIND_RE_I = Object.fromEntries(KINDS.map((k) => [k, wordsRe(WORDS[k].split('|'), 'gi')])) as Record<ContextKind, RegExp>;
/**
 * Each kind's regex as a pair that allocates nothing per word (block scans, see ContextIndex.scan): the
 * pattern inside a look-ahead finds where the next word starts (a zero-width match: lastIndex stays at
 * its start), and the pattern, sticky, where that word ends. Leftmost start and first-alternative end
 * are exactly the plain regex's match; a word-dense 1 MB text has 70k+ words, and exec's match array and
 * string per word were a third of a date-dense scan's garbage.
 */
interface WordRes {
  start: RegExp;
  end: RegExp;
}
const wordRes = (re: RegExp, flags: string): WordRes => ({ start: new RegExp(`(?=${re.source})`, `g${flags}`), end: new RegExp(`(?:${re.source})`, `y${flags}`) });
const KIND_WORD_RES = Object.fromEntries(KINDS.map((k) => [k, wordRes(KIND_RE[k], '')])) as Record<ContextKind, WordRes>;
const KIND_WORD_RES_I = Object.fromEntries(KINDS.map((k) => [k, wordRes(KIND_RE_I[k], 'i')])) as Record<ContextKind, WordRes>;

/**
 * The characters a word of each kind can start with (ContextIndex.scan finds a word's start from its
 * end with these): `ascii` marks ASCII first letters of the Latin words (which follow a \b), `other` lists
 * the first characters of the other words (no \b). Null for a kind with a character class or an unbounded
 * part ("connect[a-z]*", no length bounds) or whose first characters cannot be read off the split
 * alternation: those kinds keep the look-ahead search.
 */
interface FirstChars {
  ascii: Uint8Array;
  other: string;
  /** The shortest and longest word, in UTF-16 code units. */
  minLength: number;
  maxLength: number;
}

/** [shortest, longest] match of an alternation of literals, "(?:…)" groups, "?" and "\\." escapes. */
function wordLengths(src: string): [number, number] {
  let i = 0;
  const alt = (): [number, number] => {
    const r = seq();
    while (src[i] === '|') {
      i++;
      const o = seq();
      r[0] = Math.min(r[0], o[0]);
      r[1] = Math.max(r[1], o[1]);
    }
    return r;
  };
  const seq = (): [number, number] => {
    const r: [number, number] = [0, 0];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      let len: [number, number] = [1, 1];
      if (src.startsWith('(?:', i)) {
        i += 3;
        len = alt();
        i++; // ")"
      } else i += src[i] === '\\' ? 2 : 1;
      if (src[i] === '?') {
        i++;
        len = [0, len[1]];
      }
      r[0] += len[0];
      r[1] += len[1];
    }
    return r;
  };
  return alt();
}

function firstChars(words: string): FirstChars | null {
  if (/[*+{[]/.test(words)) return null;
  const ascii = new Uint8Array(128);
  let other = '';
  // (A piece such as "ing)?" of "call(?:ed|ing)?" adds a letter that starts no word: an extra candidate
  // costs a sticky test, a missing one would be wrong.)
  for (const w of words.split('|')) {
    const c = w.charCodeAt(0);
    if (NON_LATIN.test(w)) {
      if (c < 128) return null;
      other += w[0];
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) ascii[c] = 1;
    else return null;
  }
  const [minLength, maxLength] = wordLengths(words);
  return { ascii, other, minLength, maxLength };
}
const FIRST_CHARS = Object.fromEntries(KINDS.map((k) => [k, firstChars(WORDS[k])])) as Record<ContextKind, FirstChars | null>;

/** [A-Za-z0-9_] by code unit: \w, as \b reads it in a regex without the "u" flag. */
function asciiWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * The next position in [i, e) of `part` (the lower-cased text) where a word of a kind can start (its first character is one of
 * `first`, and a Latin word's needs a \b before it), or -1.
 */
function nextWordStart(part: string, i: number, e: number, first: FirstChars): number {
  for (; i < e; i++) {
    const c = part.charCodeAt(i);
    if (c < 128) {
      if (first.ascii[c] === 1 && (i === 0 || !asciiWordChar(part.charCodeAt(i - 1)))) return i;
    } else if (first.other.length !== 0 && first.other.indexOf(part[i]) >= 0) return i;
  }
  return -1;
}

/** Which context kind an entity type's positive words belong to. */
export const POSITIVE_KIND: Partial<Record<EntityType, ContextKind>> = {
  EMAIL: 'EMAIL',
  PHONE: 'PHONE',
  CREDIT_CARD: 'CREDIT_CARD',
  SSN: 'SSN',
  IBAN: 'IBAN',
  IP_ADDRESS: 'IP_ADDRESS',
  PASSPORT: 'PASSPORT',
  DATE_OF_BIRTH: 'DATE_OF_BIRTH',
  MRN: 'MRN',
};

/** Context-only types are scanned at all only when one of their words is somewhere in the text. */
const GATED = ['PASSPORT', 'DATE_OF_BIRTH', 'MRN'] as const;
type GatedKind = (typeof GATED)[number];

const GATED_BIT: Record<GatedKind, number> = { PASSPORT: 1, DATE_OF_BIRTH: 2, MRN: 4 };
/**
 * The three kinds' words as one regex (same words and boundaries as KIND_RE). Without a capture group per
 * kind: a search that finds nothing — the usual answer — runs ~30 % faster without them.
 */
const gatedRe = (flags: string): RegExp => new RegExp(GATED.map((k) => `(?:${wordsRe(WORDS[k].split('|'), '').source})`).join('|'), flags);
const GATED_RE = gatedRe('g');
const GATED_RE_I = gatedRe('gi');

/** Hits are indexed lazily in blocks of this many characters: only blocks next to a candidate are scanned. */
const BLOCK = 2048;
/** Longer than any context word or phrase ("travel document", "social security"). */
const MAX_WORD = 24;

/** After this many questions about one kind, the whole text is searched once for any of its words. */
const ASK_BEFORE_WHOLE_TEXT = 64;

/** One kind's lazily built index: scanned blocks, questions asked, and whether the text has none of its words. */
interface KindState {
  blocks: Array<Hits | undefined>;
  asked: number;
  absent: boolean;
}

/** Start and end offsets of one kind's words in one block, in text order. */
interface Hits {
  starts: number[];
  ends: number[];
}

/**
 * The context words of one text, built once per scan. Only the blocks around values that are asked
 * about are scanned (each at most once per kind), so a 1 MB text full of context words and without
 * candidates costs nothing here. `extra` is caller-supplied context (e.g. "patient_intake") that counts
 * as a word next to every candidate.
 */
export class ContextIndex {
  private readonly text: string;
  /**
   * The lower-cased text the regexes run on, and those regexes: set by `prepare` on the first search, not
   * in the constructor — many scans ask nothing (a text without digits and without e-mails, addresses or
   * other candidates that have context words), and lower-casing 1 MB costs ~1 ms and a 1 MB copy.
   */
  private subject = '';
  private res: Record<ContextKind, RegExp> = KIND_RE;
  private wordRes: Record<ContextKind, WordRes> = KIND_WORD_RES;
  private prepared = false;
  private readonly kinds = new Map<ContextKind, KindState>();
  private readonly extraKinds = new Set<ContextKind>();
  /** GATED_BIT bits of the context-only kinds with a word in the text; -1 until first asked. */
  private gatedBits = -1;

  constructor(text: string, extra?: string) {
    this.text = text;
    if (extra) {
      const e = extra.replace(/[_\-]/g, ' ');
      for (const k of KINDS) {
        const re = KIND_RE_I[k];
        re.lastIndex = 0;
        if (re.test(e)) this.extraKinds.add(k);
      }
    }
  }

  private prepare(): void {
    if (this.prepared) return;
    this.prepared = true;
    const text = this.text;
    const lower = text.toLowerCase();
    // Offsets must stay those of the original text: lower-casing changes the length for a few letters.
    const same = lower.length === text.length;
    this.subject = same ? lower : text;
    this.res = same ? KIND_RE : KIND_RE_I;
    this.wordRes = same ? KIND_WORD_RES : KIND_WORD_RES_I;
  }

  /**
   * True when the text or the caller's context has a word of `kind` (context-only kinds). Worked out on
   * first use: a text without the digits those values need never pays for the whole-text word search.
   */
  has(kind: GatedKind): boolean {
    if (this.gatedBits < 0) this.gatedBits = this.gatedKindsInText();
    return (this.gatedBits & GATED_BIT[kind]) !== 0 || this.extraKinds.has(kind);
  }

  /**
   * Which context-only kinds have a word in the text, as GATED_BIT bits: one search for all three (a
   * digit-rich prompt asks about each; three whole-text searches cost more than one). Once a word is
   * found, each kind gets one search of its own (KIND_RE: the same answer as `has` per kind; each stops at
   * its first word), not a loop over every word of the text: a word-dense 1 MB text ("1990-01-02 dob …")
   * has 70k, and a match array each was a third of its scan's garbage.
   */
  private gatedKindsInText(): number {
    this.prepare();
    const re = this.res === KIND_RE ? GATED_RE : GATED_RE_I;
    re.lastIndex = 0;
    if (!re.test(this.subject)) return 0;
    let bits = 0;
    for (const k of GATED) {
      const own = this.res[k];
      own.lastIndex = 0;
      if (own.test(this.subject)) bits |= GATED_BIT[k];
    }
    return bits;
  }

  /**
   * True when a word of `kind` lies entirely within `before` characters before `start` or `after`
   * characters after `end` (the caller's context counts too unless `textOnly`).
   */
  near(kind: ContextKind, start: number, end: number, before: number, after: number, textOnly = false): boolean {
    if (!textOnly && this.extraKinds.size !== 0 && this.extraKinds.has(kind)) return true;
    let k = this.kinds.get(kind);
    if (k === undefined) {
      k = { blocks: new Array<Hits | undefined>(Math.ceil(this.text.length / BLOCK)), asked: 0, absent: false };
      this.kinds.set(kind, k);
    }
    if (k.absent) return false;
    // Candidate-dense texts (a 1 MB list of addresses asks 100k times): once a kind has been asked about
    // often, one search of the whole text says whether it has any such word at all; when it has none,
    // every later question is answered without a block lookup. (Words exist in some block exactly when
    // the whole-text search finds one, so the answers are the same.)
    if (k.asked <= ASK_BEFORE_WHOLE_TEXT && ++k.asked > ASK_BEFORE_WHOLE_TEXT) {
      this.prepare();
      const re = this.res[kind];
      re.lastIndex = 0;
      k.absent = !re.test(this.subject);
      if (k.absent) return false;
    }
    return this.within(kind, k.blocks, Math.max(0, start - before), start) || this.within(kind, k.blocks, end, Math.min(this.text.length, end + after));
  }

  /** True when a word of `kind` lies entirely inside [lo, hi) (`blocks`: that kind's scanned blocks). */
  private within(kind: ContextKind, blocks: Array<Hits | undefined>, lo: number, hi: number): boolean {
    if (hi <= lo) return false;
    for (let b = Math.floor(lo / BLOCK); b * BLOCK < hi; b++) {
      const h = blocks[b] ?? (blocks[b] = this.scan(kind, b));
      const s = h.starts;
      if (s.length === 0) continue;
      // First hit starting at or after lo.
      let x = 0;
      let y = s.length;
      while (x < y) {
        const mid = (x + y) >> 1;
        if (s[mid] < lo) x = mid + 1;
        else y = mid;
      }
      for (let i = x; i < s.length && s[i] < hi; i++) if (h.ends[i] <= hi) return true;
    }
    return false;
  }

  /** Finds the words of `kind` starting in block `b` (a word may run past the block's end). */
  private scan(kind: ContextKind, b: number): Hits {
    const h: Hits = { starts: [], ends: [] };
    const lo = b * BLOCK;
    const hi = lo + BLOCK;
    // The block plus one character before (so \b at its start sees the real neighbour) and room for the
    // longest word after: the regex never runs past the block, however far away the next word is.
    const from = Math.max(0, lo - 1);
    this.prepare();
    const part = this.subject.slice(from, hi + MAX_WORD + 1);
    const { start, end } = this.wordRes[kind];
    const first = FIRST_CHARS[kind];
    if (first !== null && this.wordRes === KIND_WORD_RES) {
      // The plain regex's test() gives each word's end without a match array (a look-ahead search is about
      // twice as slow). Its start is the leftmost position at or after the search's start where the pattern
      // matches: a position where a word can start (nextWordStart: necessary conditions) between the
      // longest and the shortest word back. Of several such positions the first that the sticky regex
      // matches is it (every earlier one fails, or the search would have stopped there); the last needs no
      // test. (Read on the flat lower-cased text, not on the slice: charCodeAt on a slice is slower. No
      // position read is the slice's first, where \b would differ: the search starts one past it.)
      const re = this.res[kind];
      const subject = this.subject;
      let searchFrom = lo;
      re.lastIndex = lo - from;
      while (re.test(part)) {
        const e = re.lastIndex + from;
        const last = e - first.minLength + 1;
        let at = nextWordStart(subject, Math.max(searchFrom, e - first.maxLength), last, first);
        for (let next = nextWordStart(subject, at + 1, last, first); next >= 0; next = nextWordStart(subject, at + 1, last, first)) {
          end.lastIndex = at - from;
          if (end.test(part)) break;
          at = next;
        }
        if (at >= hi) break;
        h.starts.push(at);
        h.ends.push(e);
        searchFrom = e;
      }
      re.lastIndex = 0;
      return h;
    }
    start.lastIndex = lo - from;
    // (No word is empty: each sticky match ends past its start, so the search moves on.)
    while (start.test(part)) {
      const at = start.lastIndex;
      if (at + from >= hi) break;
      end.lastIndex = at;
      end.test(part); // matches: the look-ahead just did, from here
      h.starts.push(at + from);
      h.ends.push(end.lastIndex + from);
      start.lastIndex = end.lastIndex;
    }
    return h;
  }
}
