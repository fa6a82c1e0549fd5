/**
 * Layer 2: PERSON and street ADDRESS detection that works offline — a lexicon + context model.
 *
 * PERSON: runs of capitalised words scored by a public name lexicon (@cspell/dict-people-names, see
 * data/people-names.ts), honorifics (Mr., Dr.…), cue phrases ("my name is", "Dear", "said", "by"),
 * list/conjunction structure, and a stop list of capitalised words that are not names.
 * ADDRESS: an address grammar — house number + street words + street type (or a street-type prefix
 * such as "rue"/"via"/"calle", or a compound like "…straße"/"…gata"), P.O./PSC boxes, unit lines
 * (Apt/Suite/Unit), then city / state / postal-code / country parts on the following lines.
 *
 * Linear-time: capitalised-word runs come from one bounded regex; address grammar is applied from
 * number anchors forward over a bounded window.
 */
import type { Candidate } from './candidate.js';
import { eachMatch, Hit } from './candidate.js';
import { PEOPLE_NAMES } from '../data/people-names.js';
import { COMMON_WORD_NAMES } from '../data/common-word-names.js';

/** Lazily built name set, owned by the closure (no module-level mutable state beyond this cache). */
const lexicon = (() => {
  let set: Set<string> | null = null;
  return (): Set<string> => {
    if (!set) {
      set = new Set();
      for (const n of PEOPLE_NAMES.split('\n')) if (n.length > 1) set.add(n.toLowerCase());
      // Words the list contains that are far more often ordinary English words.
      for (const w of NOT_NAMES) set.delete(w);
    }
    return set;
  };
})();

/**
 * Names that are mostly ordinary words ("Echo: hello", "Hope this helps", "Page 3"): alone they are a
 * PERSON only after an honorific or a strong cue ("Dear Hope,", "my name is Echo"); leading a run they need
 * a known, unambiguous name after them ("Hope Sandoval"). Generated list (data/common-word-names.ts).
 */
const commonWordNames = (() => {
  let set: Set<string> | null = null;
  return (): Set<string> => (set ??= new Set([...COMMON_WORD_NAMES.split(' '), ...NAME_HOMOGRAPHS]));
})();

/**
 * Given names that are also everyday words, kept by hand on top of the generated list because the
 * corpus sees them mostly as names ("Mark", "Grace", "Frank"): they too need evidence when alone.
 */
const NAME_HOMOGRAPHS = `will art bill bliss brook brown chance chase clay cliff cook crystal dale dawn faith fisher ford
  forest fox frank gay gold grace grant gray green hall hill holly hope hunter iris ivy jack joy king lake lane
  love major mark marsh mason miles moon moss page park pearl price prince reed rich rose ruby russell sage
  sharp snow sky spring star stone summer swift wall ward white wood woods young`.split(/\s+/);

/**
 * HTTP header and auth-scheme words ("Authorization: Bearer …", "Content-Type: …"): capitalised in every
 * request dump and never a person ("Bearer Authorization" was reported as a name on repeated headers).
 */
const HTTP_HEADER_WORDS = `bearer authorization authentication www-authenticate token basic digest negotiate ntlm oauth
  content content-type content-length content-encoding type accept accept-encoding accept-language cookie set-cookie
  user-agent referer x-api-key x-auth-token proxy-authorization`;

/** Capitalised words that are common at sentence starts or in titles and are not names. */
const NOT_NAMES = new Set(
  `a an the this that these those there here then than what which who whom whose when where why how
  to in on at of for from with by as into about over under up down out off i'm i'll i've i'd it's that's
  princess prince duke duchess royal highness majesty saint civil thai
  i me my mine we us our you your he him his she her it its they them their
  yes no not ok okay hi hello hey dear thanks thank regards best cheers sincerely please sorry
  mr mrs ms miss dr prof sir madam
  monday tuesday wednesday thursday friday saturday sunday january february march april may june july
  august september october november december today tomorrow yesterday
  and or but if so because while after before since until unless also just only even still yet
  street st avenue ave road rd drive lane boulevard court way place suite apt unit floor box
  rue rua via calle avenida camino strada ulica utca plaza praça travessa estrada corso viale piazza
  new old good great big small high low long short first last next other same own all any each every
  some many much more most few less least one two three four five six seven eight nine ten
  can could would should shall might must may do does did done have has had be is are was were
  case day fields long north short south true west
  god lord king queen president doctor nurse manager director officer captain general
  english french german spanish italian american british chinese japanese russian
  company inc ltd llc corp group bank university school hospital hotel center centre
  email phone address name user admin account password number card credit payment order
  call text send get set make take give see look find use try ask tell work help need want
  true false null none error warning info debug note todo fixme
  amazon apple google microsoft facebook twitter
  ${HTTP_HEADER_WORDS}`.split(/\s+/).filter(Boolean),
);

const HONORIFIC = /(?:^|[^\p{L}])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lady|Lord|Rev|Fr|Sr|Jr|Capt|Col|Gen|Sgt|Hon)\.?\s*$/u;
const CUE_WORDS = new Set(
  `is am i'm me named called dear hi hello hey thanks regards sincerely cheers signed from by to with and or for contact
  ask tell met meet told said says wrote cc attn attention author patient client customer employee user partner husband
  wife son daughter mother father brother sister friend colleague manager mr mrs ms dr name names`.split(/\s+/),
);

/** True when the words just before a capitalised run are a person cue ("my name is", "Dear", "by", ", "). */
function cueBefore(before: string): boolean {
  const tail = before.slice(-24);
  if (/[,>:]\s*$/.test(tail)) return true;
  const m = /([A-Za-z']{1,12})[\s:,]*$/.exec(tail);
  return !!m && CUE_WORDS.has(m[1].toLowerCase());
}
const CUE_AFTER = /^(?:'s\b|’s\b|\s*,\s*(?:can|could|would|will|please|i|we|you)\b|\s+[a-z]{2,14}ed\b|\s+(?:spent|says|said|told|thinks|went|is a|was a|has been|points out)\b|\s*,\s*(?:the|a|an|who|our|my|his|her)\b|\s+(?:said|says|wrote|writes|told|asked|is|was|will|has|had|lives|called|from|and|at|in)\b|\s*[:;(]|\s*\n)/i;

// A capitalised word: Unicode uppercase then letters / apostrophes / hyphens (bounded).
// The look-behind comes after the first capital (same matches): the engine then skips to capitals
// instead of testing the look-behind at every position (~1.7x faster on prose).
const CAP_RUN_RE = /\p{Lu}(?<![\p{L}\p{N}_@.\/\\-]\p{Lu})[\p{Ll}\p{Lu}'’\-]{0,24}(?:\.?[ \t]+(?:(?:van|von|der|den|de|del|della|di|da|du|le|la|bin|ibn|al|el|ten|ter|dos|das|y)[ \t]+){0,2}\p{Lu}[\p{Ll}\p{Lu}'’\-]{0,24}){0,3}(?![\p{L}\p{N}_@])/gu;
const SUFFIX_TITLES = /^(?:PhD|MD|Jr|Sr|II|III|IV|DDS|Esq)$/;

/** Countries and place words: a capitalised run made of these is a location, not a person. */
const PLACES = new Set(
  `afghanistan albania algeria andorra angola antigua argentina armenia australia austria azerbaijan bahamas bahrain
  bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia botswana brazil brunei bulgaria burkina burundi
  cambodia cameroon canada cape verde chad chile china colombia comoros congo costa rica croatia cuba cyprus czech czechia
  denmark djibouti dominica dominican ecuador egypt el salvador equatorial eritrea estonia eswatini ethiopia fiji finland
  france gabon gambia georgia germany ghana greece grenada guatemala guinea guyana haiti honduras hungary iceland india
  indonesia iran iraq ireland israel italy ivory jamaica japan jordan kazakhstan kenya kiribati korea kosovo kuwait
  kyrgyzstan laos latvia lebanon lesotho liberia libya liechtenstein lithuania luxembourg macedonia madagascar malawi
  malaysia maldives mali malta marshall mauritania mauritius mexico micronesia moldova monaco mongolia montenegro morocco
  mozambique myanmar namibia nauru nepal netherlands zealand nicaragua niger nigeria norway oman pakistan palau palestine
  panama papua paraguay peru philippines poland portugal qatar romania russia rwanda samoa san marino sao tome saudi
  senegal serbia seychelles sierra leone singapore slovakia slovenia solomon somalia spain sri lanka sudan suriname
  sweden switzerland syria taiwan tajikistan tanzania thailand timor togo tonga trinidad tobago tunisia turkey
  turkmenistan tuvalu uganda ukraine uruguay uzbekistan vanuatu vatican venezuela vietnam yemen zambia zimbabwe
  england scotland wales britain america africa europe asia antarctica oceania greenland hong kong macau puerto
  republic kingdom islands island states united federation emirates city county province region territory district
  nevis grenadines principe herzegovina barbuda caicos leste bissau lucia vincent kitts verde faso`.split(/\s+/).filter(Boolean),
);
const ORG_AFTER = /^[ \t]*(?:office|firm|llp|headquarters)\b|^[ \t]*(?:,[ \t]*)?(?:Ltd|Inc|LLC|L\.L\.C|Corp|Corporation|Co|GmbH|PLC|AG|SA|BV|NV|Group|Company|Partners|Associates|Holdings|Foundation|University|Institute|Bank|Hotel|Weekly|Times|TV|Records|Studios?|&)\b/;
/**
 * Cheap pre-check for ORG_AFTER: past blanks and one comma, the next character must be able to start one
 * of its words ("office", "Ltd", "&"…). False means the regex cannot match.
 */
function orgAfterPossible(after: string): boolean {
  let i = 0;
  while (i < after.length && (after.charCodeAt(i) === 32 || after.charCodeAt(i) === 9 || after.charCodeAt(i) === 44)) i++;
  return i < after.length && ORG_FIRST.has(after.charCodeAt(i));
}
const ORG_FIRST = new Set([...'oflhLICGPASBNFUHTWR&'].map((c) => c.charCodeAt(0)));
const PARTICLES = /^(?:van|von|der|den|de|del|della|di|da|du|le|la|bin|ibn|al|el|ten|ter|dos|das|y)$/;
const STRONG_CUE_WORDS = new Set(
  `is am i'm me named called dear hi hello hey says said told asked starring mr mrs ms dr miss user name names maiden
  regards sincerely cheers thanks signed attn cc patient client customer employee husband wife son daughter mother
  father brother sister friend colleague partner`.split(/\s+/),
);
const LOWER_CUE_RE =
  // One leading \b (not one per alternative) lets the engine dispatch on the first letter: ~2x faster.
  // The cue is group 1, not a named group: a named group allocates a `groups` object per match, and most
  // matches ("to the", "of a") are dropped at once.
  /\b(my name is|name is|call me|calls me|named (?:him|her)|named|i'm|i am|this is|dear|hi|hello|says|said|user:|name:|starring|by|mrs?\.|ms\.|dr\.|mrs?|ms|dr|add|with|to|and|of)[ \t]+([a-z][\p{Ll}'’\-]{1,24})(?:[ \t]+([a-z][\p{Ll}'’\-]{1,24}))?/gu;
const ORG_TOKENS = new Set(
  `ltd inc llc corp plc gmbh tv weekly times news records studio studios services solutions systems technologies
  technology group partners associates holdings foundation institute university bank hotel census score labs software
  consulting media network networks capital ventures industries international global corporation agency app apps
  nation energy bio biosciences pharma therapeutics motors airlines movers logistics maintenance insurance ratings`.split(/\s+/),
);

function cueStrength(before: string): 0 | 1 | 2 {
  const tail = before.slice(-28);
  const m = /([A-Za-z']{1,12})[\s:,.]*$/.exec(tail);
  const w = m ? m[1].toLowerCase() : '';
  if (STRONG_CUE_WORDS.has(w)) return 2;
  if (/[,>:]\s*$/.test(tail) || CUE_WORDS.has(w)) return 1;
  return 0;
}

// Bounded whitespace: an unbounded [ \t]+ here goes quadratic on a run of spaces.
const AND_RE = /,?[ \t]{1,3}and[ \t]{1,3}(?=[^ \t])/g;
const LETTER = /[\p{L}'’\-]/u;

function isNameChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const k = c.charCodeAt(0);
  if ((k >= 65 && k <= 90) || (k >= 97 && k <= 122)) return true;
  if (k < 128) return k === 39 || k === 45;
  return LETTER.test(c);
}

/**
 * The single-word items of "A, B, C and D" around the " and " at [sepStart, sepEnd): walked by hand
 * (at most 9 items of at most 25 characters), or null when the shape does not fit.
 */
function listItems(text: string, sepStart: number, sepEnd: number): Array<[number, number]> | null {
  let e = sepEnd;
  while (e < text.length && e - sepEnd < 25 && isNameChar(text[e])) e++;
  if (e - sepEnd < 2 || isNameChar(text[e]) || /[0-9]/.test(text[e] ?? '')) return null;
  const items: Array<[number, number]> = [[sepEnd, e]];
  let pos = sepStart;
  for (let k = 0; k < 9; k++) {
    let s = pos;
    while (s > 0 && pos - s < 25 && isNameChar(text[s - 1])) s--;
    if (pos - s < 2 || isNameChar(text[s - 1]) || /[0-9]/.test(text[s - 1] ?? '')) break;
    items.unshift([s, pos]);
    if (s >= 2 && text[s - 2] === ',' && (text[s - 1] === ' ' || text[s - 1] === '\t')) pos = s - 2;
    else break;
  }
  return items.length >= 2 ? items : null;
}

const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'dame', 'lady', 'lord', 'rev', 'fr', 'sr', 'jr', 'capt', 'col', 'gen', 'sgt', 'hon']);

interface Preceding {
  /** Last word before the position (lower-case, ASCII letters and apostrophes), '' if none. */
  word: string;
  /** The word starts with a capital (honorifics are written "Dr", "Mrs"). */
  capital: boolean;
  /** Punctuation between that word and the position: ',', ':', '>', '.', '!', '?', or ''. */
  punct: string;
  newline: boolean;
}

/** Scans back from `pos` over spaces/punctuation to the previous word — no regex, bounded. */
function preceding(text: string, pos: number): Preceding {
  let i = pos - 1;
  let punct = '';
  let newline = false;
  const floor = Math.max(0, pos - 40);
  while (i >= floor) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') i--;
    else if (c === '\n') { newline = true; i--; }
    else if (c === ',' || c === ':' || c === '>' || c === '.' || c === '!' || c === '?' || c === ';') { if (!punct) punct = c; i--; }
    else break;
  }
  let j = i;
  while (j >= floor && i - j < 14) {
    const c = text.charCodeAt(j);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 39) j--;
    else break;
  }
  const raw = text.slice(j + 1, i + 1);
  return { word: raw.toLowerCase(), capital: raw.length > 0 && raw.charCodeAt(0) <= 90, punct, newline: newline || i < floor && pos - 40 <= 0 };
}

/**
 * True when the run's first core word is a common word that is also a name ("Echo", "Will") and nothing
 * after it is a known, unambiguous name: capitalisation alone is not evidence for those words.
 */
function commonWordLed(infos: TokInfo[]): boolean {
  let seen = 0;
  for (const t of infos) {
    if (t.skip) continue;
    if (seen++ === 0) {
      if (!t.common) return false;
    } else if (!t.known || t.common) return true;
  }
  // Alone: needs evidence. Followed only by known, unambiguous names ("Mark Johnson"): a name.
  return seen <= 1;
}

/** What the person rules need to know about one capitalised word; computed once per distinct word per scan. */
interface TokInfo {
  /** Lower-case, without trailing ".", "'" or "’". */
  low: string;
  /** A suffix title (PhD, Jr) or a name particle (van, de): not a core name word. */
  skip: boolean;
  particle: boolean;
  stop: boolean;
  place: boolean;
  org: boolean;
  honorific: boolean;
  /** In the name lexicon / a common word that is also a name (possessive "'s" removed). */
  known: boolean;
  common: boolean;
  /** All capitals and longer than one letter ("NASA"). */
  caps: boolean;
}

const PARTICLE_SET = new Set(PARTICLES.source.slice(4, -2).split('|'));

const STOP = 1;
const PLACE = 2;
const ORG = 4;
const HONOR = 8;
const KNOWN = 16;
const COMMON = 32;
/**
 * Every word list above as one map from a lower-case word to flag bits: one lookup per word instead of
 * six set lookups (this runs for every capitalised word of every prompt). Built on first use, like the
 * lexicon it includes.
 */
const wordFlags = (() => {
  let map: Map<string, number> | null = null;
  return (): Map<string, number> => {
    if (!map) {
      const m = new Map<string, number>();
      const mark = (words: Iterable<string>, bit: number): void => {
        for (const w of words) m.set(w, (m.get(w) ?? 0) | bit);
      };
      mark(lexicon(), KNOWN);
      mark(commonWordNames(), COMMON);
      mark(NOT_NAMES, STOP);
      mark(PLACES, PLACE);
      mark(ORG_TOKENS, ORG);
      mark(HONORIFICS, HONOR);
      map = m;
    }
    return map;
  };
})();
const SUFFIX_SET = new Set(SUFFIX_TITLES.source.slice(4, -2).split('|'));

function tokInfo(t: string, flags: Map<string, number>): TokInfo {
  let e = t.length;
  while (e > 0 && (t[e - 1] === '.' || t[e - 1] === "'" || t[e - 1] === '’')) e--;
  const low = (e === t.length ? t : t.slice(0, e)).toLowerCase();
  const base = low.endsWith("'s") || low.endsWith('’s') ? low.slice(0, -2) : low;
  const particle = PARTICLE_SET.has(t);
  // "John": a lower-case ASCII second letter settles "not all capitals" without upper-casing the word.
  const c1 = t.charCodeAt(1);
  const caps = t.length > 1 && !(c1 >= 97 && c1 <= 122) && t === t.toUpperCase();
  const f = flags.get(low) ?? 0;
  const fb = base === low ? f : flags.get(base) ?? 0;
  return {
    low,
    skip: particle || SUFFIX_SET.has(t),
    particle,
    stop: (f & STOP) !== 0,
    place: (f & PLACE) !== 0,
    org: (f & ORG) !== 0,
    honorific: (f & HONOR) !== 0,
    known: (fb & KNOWN) !== 0,
    common: (fb & COMMON) !== 0,
    caps,
  };
}

/** "A B C" → ["A", "B", "C"] for single-space separated words. */
function splitSpaces(run: string): string[] {
  const out: string[] = [];
  let p = 0;
  for (;;) {
    const q = run.indexOf(' ', p);
    if (q < 0) {
      out.push(p === 0 ? run : run.slice(p));
      return out;
    }
    out.push(run.slice(p, q));
    p = q + 1;
  }
}

/** What the person rules derive from a capitalised run alone, as offsets relative to the run's start. */
interface RunShape {
  startOff: number;
  endOff: number;
  coreN: number;
  known: number;
  firstKnown: boolean;
  /** commonWordLed(infos) */
  commonLed: boolean;
}

/** The run-only part of the person rules; null when the run is never a name, wherever it stands. */
function runShape(run: string, info: (t: string) => TokInfo): RunShape | null {
  // Single spaces (the usual case) split by hand: ~2x cheaper than String#split per run.
  let toks = run.indexOf('\t') < 0 && run.indexOf('  ') < 0 ? splitSpaces(run) : run.split(/[ \t]+/);
  let start = 0;
  // Drop leading stop words ("The Peter Pham version", "Dear John") from the span.
  let afterHonorific = false;
  while (toks.length && info(toks[0]).stop) {
    afterHonorific = info(toks[0]).honorific && toks.length > 1;
    start += toks[0].length;
    while (run[start] === ' ' || run[start] === '\t') start++;
    toks = toks.slice(1);
  }
  if (!toks.length) return null;
  // A full stop after a word longer than an initial or honorific ends the sentence: "Hoover. Who".
  for (let k = 0; k < toks.length - 1; k++) {
    if (toks[k].endsWith('.') && toks[k].length > 4) {
      toks = toks.slice(0, k + 1);
      toks[k] = toks[k].slice(0, -1);
      break;
    }
  }
  let infos = toks.map(info);
  // A stop word inside the run: keep a two-word name before it ("Katie Giles Apt."), otherwise it is a
  // title-case phrase ("Quick Brown Fox"), not a name.
  for (let k = 0; k < infos.length; k++) {
    const t = infos[k];
    if (t.particle) continue;
    if (afterHonorific && t.stop && k === 0) continue; // "Mr. Young"
    if (t.stop || t.place || t.org) {
      if (k < 2 || t.org || t.place) return null;
      toks = toks.slice(0, k);
      infos = infos.slice(0, k);
      break;
    }
  }
  const last = toks[toks.length - 1];
  // (The run contains `last` at or after `start`, so this is the offset the text search found.)
  const end = run.indexOf(last, start) + last.length;
  if (end <= start) return null;
  let coreN = 0;
  let known = 0;
  let allCaps = true;
  let firstKnown = false;
  for (const t of infos) {
    if (t.skip) continue;
    if (coreN === 0) firstKnown = t.known;
    coreN++;
    if (t.known) known++;
    if (!t.caps) allCaps = false;
  }
  if (!coreN || allCaps) return null;
  return { startOff: start, endOff: end, coreN, known, firstKnown, commonLed: commonWordLed(infos) };
}

/**
 * `mayHaveCapitals` false (no ASCII capital and no non-ASCII character in the text) skips the
 * capitalised-run pass, which cannot match then; lists and lower-case cues are still looked for.
 */
export function findPersons(text: string, mayHaveCapitals = true): Candidate[] {
  const out: Candidate[] = [];
  const lex = lexicon();
  // Names repeat within a text: each distinct word is looked up once per scan. (Per scan, not per
  // process: a cross-call memo would keep words from users' prompts in memory and be module state.)
  const infoCache = new Map<string, TokInfo>();
  const flags = wordFlags();
  const info = (t: string): TokInfo => {
    let i = infoCache.get(t);
    if (i === undefined) infoCache.set(t, (i = tokInfo(t, flags)));
    return i;
  };
  // Runs repeat within a text ("John Smith" again and again): what depends on the run alone is worked
  // out once per distinct run per scan (bounded), the rest (words around it) per occurrence.
  const shapes = new Map<string, RunShape | null>();
  // A plain loop over one local callback (a monomorphic call, unlike the shared eachMatch); the regex
  // never matches the empty string.
  const onRun = (m: RegExpExecArray): void => {
    const run = m[0];
    let shape = shapes.get(run);
    if (shape === undefined) {
      shape = runShape(run, info);
      if (shapes.size < 4096) shapes.set(run, shape);
    }
    if (shape === null) return;
    let start = m.index + shape.startOff;
    const end = m.index + shape.endOff;
    const { coreN, known, firstKnown } = shape;
    const pre = preceding(text, start);
    const honor = pre.capital && HONORIFICS.has(pre.word);
    const cue = STRONG_CUE_WORDS.has(pre.word) && pre.punct !== '.' ? 2 : pre.punct === ',' || pre.punct === ':' || pre.punct === '>' || CUE_WORDS.has(pre.word) ? 1 : 0;
    if (!honor && cue < 2 && shape.commonLed) return;
    // One unknown capitalised word needs an honorific or a strong cue ("my name is", "says").
    if (known === 0 && coreN === 1 && !honor && cue < 2) return;
    const after = text.slice(end, end + 24);
    if (orgAfterPossible(after) && ORG_AFTER.test(after)) return;
    const cueAfter = CUE_AFTER.test(after);
    const sentenceStart = pre.word === '' || pre.punct === '.' || pre.punct === '!' || pre.punct === '?' || pre.newline;
    let score: number;
    if (known === coreN) score = coreN >= 2 ? 0.75 : 0.5;
    else if (known > 0) score = coreN >= 2 && firstKnown ? 0.65 : 0.4;
    else score = coreN >= 2 ? 0.3 : 0.2;
    if (honor) score += 0.35;
    score += cue === 2 ? 0.3 : cue === 1 ? 0.1 : 0;
    if (cueAfter) score += 0.1;
    // A single capitalised word at a sentence start with no other evidence is usually not a name.
    if (sentenceStart && coreN === 1 && !honor && !cueAfter) score -= 0.15;
    // The honorific belongs to the name as written ("Mr. Trevor McDonald").
    if (honor) {
      const h = /(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lady|Lord|Rev|Fr|Sr|Jr|Capt|Col|Gen|Sgt|Hon)\.?[ \t]+$/.exec(text.slice(Math.max(0, start - 8), start));
      if (h) start -= h[0].length;
    }
    out.push(new Hit(text, 'PERSON', start, end, Math.min(0.95, score), 'person', false, true));
  };
  if (mayHaveCapitals) {
    CAP_RUN_RE.lastIndex = 0;
    let run: RegExpExecArray | null;
    while ((run = CAP_RUN_RE.exec(text)) !== null) onRun(run);
  }
  // Lists of names: "Kovalev, Lee and Phillips", "natalina, thomas, crystal and omar".
  // Anchored on " and " (cheap to find); the items before it are walked back by hand.
  // (AND_RE needs "and": one search rules out most texts.)
  if (text.indexOf('and') >= 0) eachMatch(AND_RE, text, (m) => {
    const items = listItems(text, m.index, m.index + m[0].length);
    if (!items || items.length < 2) return;
    const listEnd = items[items.length - 1][1];
    const words = items.map(([a, b]) => text.slice(a, b));
    const caps = words.map((w) => w[0] !== w[0].toLowerCase());
    if (!caps.every((c) => c === caps[0])) return;
    const lows = words.map((w) => w.toLowerCase());
    if (lows.some((l) => PLACES.has(l) || ORG_TOKENS.has(l))) return;
    const stop = lows.filter((l) => NOT_NAMES.has(l)).length;
    const known = lows.filter((l) => lex.has(l)).length;
    if (known === 0 || known * 2 < items.length || stop * 3 > items.length) return;
    if (items.length === 2 && (!caps[0] || known < 2)) return;
    // "…, Mitchell and Williams office" / "Davis, Reynolds and Williamson is the…": firm names.
    if (ORG_AFTER.test(text.slice(listEnd, listEnd + 16)) || /^[ \t]+(?:office|firm|llp|law)\b/i.test(text.slice(listEnd, listEnd + 10))) return;
    items.forEach(([a, b], k) => {
      if (!NOT_NAMES.has(lows[k])) out.push({ type: 'PERSON', start: a, end: b, score: items.length >= 3 ? 0.65 : 0.55, recognizer: 'person', contextApplied: true });
    });
  });
  // Lower-case names after a cue ("my name is jillian capon", "add julie novák as …").
  eachMatch(LOWER_CUE_RE, text, (m) => {
    // Retry right after this cue so overlapping cues are seen ("this is mr. chad farmer").
    LOWER_CUE_RE.lastIndex = m.index + Math.max(1, m[1].length);
    const w1 = m[2];
    const w2 = m[3];
    if (NOT_NAMES.has(w1) || !lex.has(w1)) return;
    const cueWord = m[1].toLowerCase();
    const strong = !/^(?:by|add|with|to|and|of)$/.test(cueWord);
    const w2ok = !!w2 && !NOT_NAMES.has(w2) && !PLACES.has(w2) && (lex.has(w2) || strong);
    if (!strong && !(w2ok && lex.has(w2!))) return;
    // Offsets from the match text (the "d" flag's indices cost more than this).
    const cueLen = m[1].length;
    const s0 = m.index + m[0].indexOf(w1, cueLen);
    const e0 = w2ok ? m.index + m[0].lastIndexOf(w2!) + w2!.length : s0 + w1.length;
    out.push({ type: 'PERSON', start: s0, end: e0, score: strong ? (w2ok ? 0.7 : 0.55) : 0.6, recognizer: 'person', contextApplied: true });
  });
  return out;
}

// ------------------------------------------------------------------------------------------------
// Addresses
// ------------------------------------------------------------------------------------------------

const STREET_TYPES =
  'street|st|avenue|ave|av|road|rd|drive|dr|lane|ln|boulevard|blvd|court|ct|way|place|pl|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|crescent|cres|close|grove|gardens|row|walk|mews|hill|park|plaza|alley|loop|pike|route|rte|expressway|freeway|landing|crossing|point|ridge|run|path|view|heights|estates|commons|creek|crest|glen|vale|green|meadow|meadows|mill|bridge|brook|haven|junction|knoll|manor|mount|ranch|shore|shores|spur|summit|trace|turnpike|valley|villa|ville|wells|bypass|causeway|esplanade|promenade|quay|wharf|rise|chase|fold|gate|hollow|lawn|pines|oaks|woods|str';
const STREET_PREFIXES =
  'rue|avenue|boulevard|bd|chemin|allée|impasse|place|via|viale|piazza|corso|vicolo|largo|calle|avenida|av\\.|paseo|camino|carrer|plaza|praça|rua|travessa|estrada|largo|ulica|ul\\.|utca|út|strada|aleja|trg|ulitsa|odos|sokak|cadde|caddesi|jalan|the corner of';
const STREET_COMPOUND =
  '(?:straße|strasse|str\\.|weg|gasse|platz|allee|ring|damm|ufer|laan|straat|gracht|plein|kade|dreef|steenweg|singel|vej|gade|gatan|gata|gate|veien|vegen|vägen|tie|katu|polku|kuja|utca|út|ulica|cesta|iela|gatve|tänav|puiestee|tee|vei|väg|stræde)';

// Anchors are cheap to find (a street-type word, a street-prefix word, a compound street suffix or a
// box keyword); the rest of the line is matched from the anchor with bounded look-back / sticky regexes.
// ASCII word boundaries are enough (street types are ASCII) and non-unicode regexes scan faster.
const TYPE_WORD_RE = new RegExp(`\\b(?:${STREET_TYPES})\\b\\.?(?![A-Za-z\\u00C0-\\u024F])`, 'gi');
const BACK_NUMBER_RE = /(?<![\p{L}\p{N}])\d{1,6}[A-Za-z]?(?:[ \t]*[-/][ \t]*\d{1,5})?,?[ \t]+(?:[\p{L}\p{N}'’.\-]{1,30}[ \t]+){0,4}$/u;
// A leading \b (cheap, lets the engine skip to word starts) for the prefixes that start with an ASCII
// letter, the full look-behind only for those that do not ("út").
const PREFIX_ALTS = STREET_PREFIXES.split('|');
const PREFIX_WORD_RE = new RegExp(
  `(?:\\b(?<![\\u00C0-\\u024F])(?:${PREFIX_ALTS.filter((p) => /^[a-z]/i.test(p)).join('|')})|(?<![A-Za-z0-9\\u00C0-\\u024F])(?:${PREFIX_ALTS.filter((p) => !/^[a-z]/i.test(p)).join('|')}))[ \\t]+`,
  'gi',
);
/**
 * The same without the non-ASCII-initial alternatives ("út"): identical matches on a text that has no
 * "ú"/"Ú", and the engine can dispatch on the first letter instead of trying a look-behind at every
 * position (the prefix scan was the costliest address regex on short prompts).
 */
const PREFIX_WORD_LATIN_RE = new RegExp(
  `\\b(?<![\\u00C0-\\u024F])(?:${PREFIX_ALTS.filter((p) => /^[a-z]/i.test(p)).join('|')})[ \\t]+`,
  'gi',
);
const FORWARD_NUMBER_RE = /(?:[\p{L}\p{N}'’.\-]{1,30}[ \t]+){0,5}?\d{1,5}[A-Za-z]?\.?(?![\p{L}\p{N}])/uy;
const COMPOUND_RE = new RegExp(`${STREET_COMPOUND}[ \\t]+\\d{1,5}[A-Za-z]?(?![A-Za-z0-9\\u00C0-\\u024F])`, 'gi');
const WORD_BACK_RE = /(?:[\p{L}'’\-]{1,30}[ \t]+){0,2}[\p{L}\-]{0,30}$/u;
const BOX_RE = /(?<![\p{L}\p{N}])(?:P\.?[ \t]?O\.?[ \t]?Box|PSC[ \t]+\d{1,5},?[ \t]+Box|Unit[ \t]+\d{1,5}[ \t]+Box|USNS[ \t]+[A-Z][a-z]{1,20}|USNV[ \t]+[A-Z][a-z]{1,20}|USS[ \t]+[A-Z][a-z]{1,20})[ \t]+\d{1,6}/giu;

/** Every BOX_RE match holds "box", "uss" or "usn" (its "u" and "i" flags: Unicode case folding too). */
const BOX_HINT_RE = /box|uss|usn/iu;
const WORDS_TO_EOL_RE = /\p{L}[\p{L}'’.\-]{0,30}(?:[ \t]+\p{L}[\p{L}'’.\-]{0,30}){0,4}(?=[ \t]*(?:\r?\n|,|$))/uy;
// Military addresses: "USS Dam", "USNS Frías", "USCGC Kristjánsdóttir" followed by an FPO/APO line.
const SHIP_RE = /(?<![\p{L}\p{N}])(?:USS|USNS|USNV|USCGC)[ \t]+\p{Lu}[\p{L}'’\-]{0,30}(?=[ \t]*\r?\n[ \t]*(?:FPO|APO|DPO)\b)/gu;

/** Street lines as [start, end) pairs, from the four anchor kinds. */
function streetLines(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  eachMatch(TYPE_WORD_RE, text, (m) => {
    // The house number is at most 5 words back: find the nearest digit cheaply before the regex.
    let d = m.index - 1;
    const floor = Math.max(0, m.index - 160);
    while (d >= floor && (text.charCodeAt(d) < 48 || text.charCodeAt(d) > 57)) d--;
    if (d < floor) return;
    const from = Math.max(floor, d - 48);
    const b = BACK_NUMBER_RE.exec(text.slice(from, m.index));
    if (b) out.push([from + b.index, m.index + m[0].length]);
  });
  const prefixRe = text.indexOf('ú') < 0 && text.indexOf('Ú') < 0 ? PREFIX_WORD_LATIN_RE : PREFIX_WORD_RE;
  eachMatch(prefixRe, text, (m) => {
    let start = m.index;
    const pre = /(?<![\p{L}\p{N}])\d{1,6},?[ \t]+$/u.exec(text.slice(Math.max(0, start - 10), start));
    if (pre) start -= pre[0].length;
    FORWARD_NUMBER_RE.lastIndex = m.index + m[0].length;
    const f = FORWARD_NUMBER_RE.exec(text);
    if (f) {
      out.push([start, f.index + f[0].length]);
      return;
    }
    // "40 rue Victor Hugo": a house number before the prefix; the street name runs to the line end.
    if (!pre) return;
    WORDS_TO_EOL_RE.lastIndex = m.index + m[0].length;
    const w = WORDS_TO_EOL_RE.exec(text);
    if (w) out.push([start, w.index + w[0].length]);
  });
  // SHIP_RE needs "FPO"/"APO"/"DPO", BOX_RE "box" or "USS"/"USN…" (same flags, so the same case folding):
  // a plain search rules most texts out before those look-behind-led scans.
  if (text.indexOf('PO') >= 0) eachMatch(SHIP_RE, text, (m) => out.push([m.index, m.index + m[0].length]));
  eachMatch(COMPOUND_RE, text, (m) => {
    const from = Math.max(0, m.index - 90);
    const w = WORD_BACK_RE.exec(text.slice(from, m.index));
    let start = w ? from + w.index : m.index;
    const pre = /(?<![\p{L}\p{N}])\d{1,6}[ \t]+$/u.exec(text.slice(Math.max(0, start - 10), start));
    if (pre) start -= pre[0].length;
    out.push([start, m.index + m[0].length]);
  });
  if (BOX_HINT_RE.test(text)) eachMatch(BOX_RE, text, (m) => out.push([m.index, m.index + m[0].length]));
  return out;
}

// Separator between address parts: spaces, a comma, or up to two line breaks (with "> " / "??? " quote marks).
const SEP = "(?:[ \\t]*(?:,|\\r?\\n)[ \\t]*(?:\\r?\\n[ \\t]*)?(?:[>?]{1,3}[ \\t]*)?|[ \\t]+)";
const UNIT_RE = new RegExp(`^${SEP}(?:apt\\.?|apartment|suite|ste\\.?|unit|floor|fl\\.?|room|rm\\.?|bldg\\.?|building|#)[ \\t]*#?[ \\t]*[\\p{L}\\p{N}\\-]{1,8}`, 'iu');
const US_STATES = 'AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|AA|AE|AP|PR|GU|VI|AB|BC|MB|NB|NL|NS|ON|PE|QC|SK|NSW|VIC|QLD|TAS|ACT';
// A locality part: city / country words, optional state code, optional postal code; bounded.
const LOCALITY_RE = new RegExp(
  `^${SEP}(?:(?:[\\p{Lu}][\\p{L}'’.\\-]{0,30}|[\\p{Ll}][\\p{L}'’.\\-]{2,30})(?:[ \\t]+(?:[\\p{L}][\\p{L}'’.\\-]{0,30})){0,3})?(?:[ \\t]*,?[ \\t]*(?:${US_STATES}|nan))?(?:[ \\t]*,?[ \\t]*(?:\\d{4,6}(?:-\\d{4})?|[A-Z]{1,2}\\d[A-Z\\d]?[ \\t]?\\d[A-Z]{2}))?`,
  'u',
);
const STATE_POSTAL_RE = new RegExp(`^${SEP}(?:(?:${US_STATES})[ \\t]+)?(?:\\d{4,6}(?:-\\d{4})?|[A-Z]{1,2}\\d[A-Z\\d]?[ \\t]?\\d[A-Z]{2})(?![\\p{L}\\p{N}])`, 'u');
const POSTAL_END = /(?:\d{4,6}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/;
const ADDRESS_CUE = /\b(?:address(?:es)?|addr|live[sd]? (?:at|in)|living at|located at|office is at|ship(?:ped)? to|send (?:it |a new one )?to|sent to|deliver(?:ed)? to|mail(?:ed)? to|moved to|return to|taxi to|residence|resides|home|billing|shipping|street|here they are)\b/i;
const PROSE_START = /^[ \t,]*(?:for|and|or|but|the|to|is|was|if|so|please|thanks|last|this|that|with|in|on|at|i|we|you|he|she|they|it|my|your|our|can|could|will|would|should|may|might)\b/i;
// Number + words + number ("92 Eusebio Dávila 57", "21 Turjaška 46"): accepted only with an address
// cue, a unit line, a postal code or a multi-line block after it.
const NWN_RE = /\d(?<![\p{L}\p{N}.,:\/\-]\d)\d{0,4}[ \t]+(?:\d{1,5}[ \t]+)?(?:\p{L}[\p{L}'’.\-]{0,30}[ \t]+){1,4}\d{1,5}[A-Za-z]?(?![\p{L}\p{N}\/:])/gu;

export function findAddresses(text: string): Candidate[] {
  const out: Candidate[] = [];
  if (!/\d/.test(text)) return out;
  const anchors: Array<[number, number, boolean]> = streetLines(text).map(([a, b]) => [a, b, true]);
  eachMatch(NWN_RE, text, (m) => anchors.push([m.index, m.index + m[0].length, false]));
  anchors.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let lastEnd = -1;
  for (const [s0, e0, typed] of anchors) {
    if (s0 < lastEnd) continue;
    let start = s0;
    let end = e0;
    // Leading house number on its own ("78 Camiño Ancho 91"): include a number right before.
    const pre = /(?:^|[^\p{L}\p{N}])(\d{1,5}[ \t]+)$/u.exec(text.slice(Math.max(0, start - 8), start));
    if (pre) start -= pre[1].length;
    let lines = 0;
    let postal = false;
    let unit = false;
    // Extend over unit and locality parts (at most 6 parts, 200 characters).
    for (let k = 0; k < 6 && end - start < 200; k++) {
      const rest = text.slice(end, end + 120);
      const u = UNIT_RE.exec(rest) ?? STATE_POSTAL_RE.exec(rest);
      const l = u ?? LOCALITY_RE.exec(rest);
      if (!l) break;
      const part = l[0];
      const content = part.replace(/^[\s,>?]+/, '');
      if (!content) break;
      // Stop at prose: a lowercase function word starts the continuation.
      if (!u && PROSE_START.test(content)) break;
      if (/\n/.test(part)) lines++;
      if (u && UNIT_RE.test(rest)) unit = true;
      end += part.replace(/[ \t]+$/, '').length;
      if (POSTAL_END.test(text.slice(start, end))) {
        postal = true;
        break;
      }
    }
    const before = text.slice(Math.max(0, start - 60), start);
    const cue = ADDRESS_CUE.test(before);
    if (!typed && !(cue || unit || postal || lines >= 2)) continue;
    let score = typed ? 0.6 : 0.55;
    if (cue) score += 0.25;
    if (postal) score += 0.1;
    if (unit || lines) score += 0.05;
    out.push({ type: 'ADDRESS', start, end, score: Math.min(0.95, score), recognizer: 'address', contextApplied: true });
    lastEnd = end;
  }
  return out;
}
