/**
 * Context words (which raise or lower a finding's confidence), found lazily and at most once per place.
 *
 * Scoring used to slice a window around every candidate and run a regex on it; on an input with 100k
 * candidates (a 1 MB run of "a@b.cc") that per-candidate cost dominated the scan. Here each kind's words
 * are found by one regex per kind over the lower-cased text, lazily, in blocks: only blocks next to a
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
  private readonly subject: string;
  private readonly res: Record<ContextKind, RegExp>;
  private readonly kinds = new Map<ContextKind, KindState>();
  private readonly extraKinds = new Set<ContextKind>();
  private readonly gated = new Map<GatedKind, boolean>();

  constructor(text: string, extra?: string) {
    const lower = text.toLowerCase();
    // Offsets must stay those of the original text: lower-casing changes the length for a few letters.
    const same = lower.length === text.length;
    this.subject = same ? lower : text;
    this.res = same ? KIND_RE : KIND_RE_I;
    if (extra) {
      const e = extra.replace(/[_\-]/g, ' ');
      for (const k of KINDS) {
        const re = KIND_RE_I[k];
        re.lastIndex = 0;
        if (re.test(e)) this.extraKinds.add(k);
      }
    }
  }

  /**
   * True when the text or the caller's context has a word of `kind` (context-only kinds). Worked out on
   * first use: a text without the digits those values need never pays for the whole-text word search.
   */
  has(kind: GatedKind): boolean {
    let v = this.gated.get(kind);
    if (v === undefined) {
      const re = this.res[kind];
      re.lastIndex = 0;
      v = this.extraKinds.has(kind) || re.test(this.subject);
      this.gated.set(kind, v);
    }
    return v;
  }

  /**
   * True when a word of `kind` lies entirely within `before` characters before `start` or `after`
   * characters after `end` (the caller's context counts too unless `textOnly`).
   */
  near(kind: ContextKind, start: number, end: number, before: number, after: number, textOnly = false): boolean {
    if (!textOnly && this.extraKinds.size !== 0 && this.extraKinds.has(kind)) return true;
    let k = this.kinds.get(kind);
    if (k === undefined) {
      k = { blocks: new Array<Hits | undefined>(Math.ceil(this.subject.length / BLOCK)), asked: 0, absent: false };
      this.kinds.set(kind, k);
    }
    if (k.absent) return false;
    // Candidate-dense texts (a 1 MB list of addresses asks 100k times): once a kind has been asked about
    // often, one search of the whole text says whether it has any such word at all; when it has none,
    // every later question is answered without a block lookup. (Words exist in some block exactly when
    // the whole-text search finds one, so the answers are the same.)
    if (k.asked <= ASK_BEFORE_WHOLE_TEXT && ++k.asked > ASK_BEFORE_WHOLE_TEXT) {
      const re = this.res[kind];
      re.lastIndex = 0;
      k.absent = !re.test(this.subject);
      if (k.absent) return false;
    }
    return this.within(kind, k.blocks, Math.max(0, start - before), start) || this.within(kind, k.blocks, end, Math.min(this.subject.length, end + after));
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
    const part = this.subject.slice(from, hi + MAX_WORD + 1);
    const re = this.res[kind];
    re.lastIndex = lo - from;
    let m: RegExpExecArray | null;
    while ((m = re.exec(part)) !== null && m.index + from < hi) {
      h.starts.push(m.index + from);
      h.ends.push(m.index + from + m[0].length);
    }
    return h;
  }
}
