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
import { eachMatch } from './candidate.js';
import { PEOPLE_NAMES } from '../data/people-names.js';

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

/** Capitalised words that are common at sentence starts or in titles and are not names. */
const NOT_NAMES = new Set(
  `a an the this that these those there here then than what which who whom whose when where why how
  i me my mine we us our you your he him his she her it its they them their
  yes no not ok okay hi hello hey dear thanks thank regards best cheers sincerely please sorry
  mr mrs ms miss dr prof sir madam
  monday tuesday wednesday thursday friday saturday sunday january february march april may june july
  august september october november december today tomorrow yesterday
  and or but if so because while after before since until unless also just only even still yet
  street st avenue ave road rd drive lane boulevard court way place suite apt unit floor box
  new old good great big small high low long short first last next other same own all any each every
  some many much more most few less least one two three four five six seven eight nine ten
  will can could would should shall might must may do does did done have has had be is are was were
  art bill bliss brook brown case chance chase clay cliff cook crystal dale dawn day faith fields
  fisher ford forest fox frank gay gold grace grant gray green hall hill holly hope hunter iris ivy
  jack joy king lake lane lee long love major mark marsh may mason miles moon moss north page park
  pearl price prince reed rich rose ruby russell sage sharp short snow sky south spring star stone
  summer swift true wall ward west white wood woods young price lane
  god lord king queen president doctor nurse manager director officer captain general
  english french german spanish italian american british chinese japanese russian
  company inc ltd llc corp group bank university school hospital hotel center centre
  email phone address name user admin account password number card credit payment order
  call text send get set make take give see look find use try ask tell work help need want
  true false null none error warning info debug note todo fixme
  amazon apple google microsoft facebook twitter`.split(/\s+/).filter(Boolean),
);

const HONORIFIC = /(?:^|[^\p{L}])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lady|Lord|Rev|Fr|Sr|Jr|Capt|Col|Gen|Sgt|Hon)\.?\s*$/u;
const CUE_BEFORE =
  /(?:\b(?:my name is|name is|names? ?:|i am|i'm|this is|call me|named|called|dear|hi|hello|hey|thanks|thank you|regards|sincerely|cheers|signed|from|by|to|with|and|or|for|contact|ask|tell|met|meet|told|said|says|wrote|cc|attn|attention|author|patient|client|customer|employee|user|partner|husband|wife|son|daughter|mother|father|brother|sister|friend|colleague|manager|mr|mrs|ms|dr)\s*[:,]?\s*|[,>]\s*)$/i;
const CUE_AFTER = /^(?:'s\b|’s\b|\s*,\s*(?:the|a|an|who|our|my|his|her)\b|\s+(?:said|says|wrote|writes|told|asked|is|was|will|has|had|lives|called|from|and|at|in)\b|\s*[:;(]|\s*\n)/i;

// A capitalised word: Unicode uppercase then letters / apostrophes / hyphens (bounded).
const CAP_RUN_RE = /(?<![\p{L}\p{N}_@.\/\\-])\p{Lu}[\p{Ll}\p{Lu}'’\-]{0,24}(?:\.?[ \t]+(?:(?:van|von|der|den|de|del|della|di|da|du|le|la|bin|ibn|al|el|ten|ter|dos|das|y)[ \t]+){0,2}\p{Lu}[\p{Ll}\p{Lu}'’\-]{0,24}){0,3}(?![\p{L}\p{N}_@])/gu;
const SUFFIX_TITLES = /^(?:PhD|MD|Jr|Sr|II|III|IV|DDS|Esq)$/;

export function findPersons(text: string): Candidate[] {
  const out: Candidate[] = [];
  const lex = lexicon();
  eachMatch(CAP_RUN_RE, text, (m) => {
    const words = m[0].split(/[ \t]+/);
    let start = m.index;
    let toks = words;
    // Drop leading stop words ("The Peter Pham version", "Dear John") from the span.
    while (toks.length && NOT_NAMES.has(toks[0].replace(/[.'’]+$/, '').toLowerCase())) {
      start += toks[0].length;
      const rest = text.slice(start);
      const ws = /^[ \t]+/.exec(rest);
      start += ws ? ws[0].length : 0;
      toks = toks.slice(1);
    }
    // Drop trailing stop words / suffix titles are kept (part of the name as written).
    while (toks.length && NOT_NAMES.has(toks[toks.length - 1].replace(/[.'’]+$/, '').toLowerCase())) toks = toks.slice(0, -1);
    if (!toks.length) return;
    const spanText = toks.join(' ');
    const end = start + text.slice(start).indexOf(toks[toks.length - 1]) + toks[toks.length - 1].length;
    if (end <= start) return;
    const core = toks.filter((t) => !SUFFIX_TITLES.test(t) && !/^(?:van|von|der|den|de|del|della|di|da|du|le|la|bin|ibn|al|el|ten|ter|dos|das|y)$/.test(t));
    if (!core.length) return;
    // ALL-CAPS words are acronyms/headings unless short names in a multi-word run.
    if (core.every((t) => t.length > 1 && t === t.toUpperCase())) return;
    const known = core.filter((t) => lex.has(t.replace(/['’]s$/, '').toLowerCase())).length;
    const before = text.slice(Math.max(0, start - 40), start);
    const after = text.slice(end, end + 24);
    const honor = HONORIFIC.test(before);
    const cue = CUE_BEFORE.test(before);
    const cueAfter = CUE_AFTER.test(after);
    const sentenceStart = /(?:^|[.!?]\s+|\n\s*)$/.test(before);
    let score = 0;
    if (known === core.length) score = core.length >= 2 ? 0.75 : 0.45;
    else if (known > 0) score = core.length >= 2 && lex.has(core[0].toLowerCase()) ? 0.65 : 0.4;
    else score = core.length >= 2 ? 0.25 : 0.1;
    if (honor) score += 0.35;
    if (cue) score += 0.15;
    if (cueAfter) score += 0.1;
    // A single capitalised word at a sentence start with no other evidence is usually not a name.
    if (sentenceStart && core.length === 1 && !honor && !cueAfter) score -= 0.15;
    if (spanText.length < 2) return;
    // Let the honorific be part of the span when present ("Dr. Jacob van Gameren").
    out.push({ type: 'PERSON', start, end, score: Math.min(0.95, score), recognizer: 'person', contextApplied: true });
  });
  return out;
}

// ------------------------------------------------------------------------------------------------
// Addresses
// ------------------------------------------------------------------------------------------------

const STREET_TYPES =
  'street|st|avenue|ave|av|road|rd|drive|dr|lane|ln|boulevard|blvd|court|ct|way|place|pl|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|crescent|cres|close|grove|gardens|row|walk|mews|hill|park|plaza|alley|loop|pike|route|rte|expressway|freeway|landing|crossing|point|ridge|run|path|view|heights|estates|commons';
const STREET_PREFIXES =
  'rue|avenue|boulevard|bd|chemin|allée|impasse|place|via|viale|piazza|corso|vicolo|largo|calle|avenida|av\\.|paseo|camino|carrer|plaza|praça|rua|travessa|estrada|largo|ulica|ul\\.|utca|út|strada|aleja|trg|ulitsa|odos|sokak|cadde|caddesi|jalan|the corner of';
const STREET_COMPOUND =
  '(?:straße|strasse|str\\.|weg|gasse|platz|allee|ring|damm|ufer|laan|straat|gracht|plein|kade|dreef|steenweg|singel|vej|gade|gatan|gata|gate|veien|vegen|vägen|tie|katu|polku|kuja|utca|út|ulica|cesta|iela|gatve|tänav|puiestee|tee|vei|väg|stræde)';

const ADDR_LINE_RE = new RegExp(
  [
    // 1) number + up to 5 words + street type: "4589 40th Street", "15 Millicent Drive"
    `(?<![\\p{L}\\p{N}])\\d{1,6}[A-Za-z]?(?:[ \\t]*[-/][ \\t]*\\d{1,5})?,?[ \\t]+(?:[\\p{L}\\p{N}'’.\\-]{1,30}[ \\t]+){0,4}(?:${STREET_TYPES})\\.?(?![\\p{L}])`,
    // 2) prefix type + words (+ number): "rue de la Paix 12", "via goffredo mameli 149"
    `(?<![\\p{L}\\p{N}])(?:\\d{1,6},?[ \\t]+)?(?:${STREET_PREFIXES})[ \\t]+(?:[\\p{L}\\p{N}'’.\\-]{1,30}[ \\t]+){0,5}\\d{1,5}[A-Za-z]?\\.?(?![\\p{L}\\p{N}])`,
    // 3) compound street word + number (+ number before): "Kromwater 38", "machelsesteenweg 197", "Vesturgata 66"
    `(?<![\\p{L}\\p{N}])(?:\\d{1,6}[ \\t]+)?(?:[\\p{L}'’\\-]{1,30}[ \\t]+){0,2}[\\p{L}\\-]{0,30}${STREET_COMPOUND}[ \\t]+\\d{1,5}[A-Za-z]?(?![\\p{L}\\p{N}])`,
    // 4) boxes: "P.O. Box 101", "PSC 7004, Box 8380", "Unit 1234 Box 5678"
    `(?<![\\p{L}\\p{N}])(?:P\\.?[ \\t]?O\\.?[ \\t]?Box|PSC[ \\t]+\\d{1,5},?[ \\t]+Box|Unit[ \\t]+\\d{1,5}[ \\t]+Box|USNS[ \\t]+[A-Z][a-z]{1,20}|USNV[ \\t]+[A-Z][a-z]{1,20}|USS[ \\t]+[A-Z][a-z]{1,20})[ \\t]+\\d{1,6}`,
  ].join('|'),
  'giu',
);

const UNIT_RE = /^[ \t,]*(?:apt\.?|apartment|suite|ste\.?|unit|floor|fl\.?|room|rm\.?|bldg\.?|building|#)[ \t]*#?[ \t]*[\p{L}\p{N}\-]{1,8}/iu;
const US_STATES = 'AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|AA|AE|AP|PR|GU|VI|AB|BC|MB|NB|NL|NS|ON|PE|QC|SK';
// A "locality" continuation: city words, optional state code, optional postal code; bounded.
const LOCALITY_RE = new RegExp(
  `^(?:[ \\t]*[,\\n][ \\t]*|[ \\t]+)(?:[>?]{0,3}[ \\t]*)(?:(?:[\\p{Lu}][\\p{L}'’.\\-]{0,30}|[\\p{Ll}][\\p{L}'’.\\-]{2,30})(?:[ \\t]+(?:[\\p{L}][\\p{L}'’.\\-]{0,30})){0,3})?(?:[ \\t]*,?[ \\t]*(?:${US_STATES}|nan))?(?:[ \\t]*,?[ \\t]*(?:\\d{4,6}(?:-\\d{4})?|[A-Z]{1,2}\\d[A-Z\\d]?[ \\t]?\\d[A-Z]{2}))?`,
  'u',
);
const POSTAL_END = /(?:\d{4,6}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/;
const ADDRESS_CUE = /\b(?:address|addr|live[sd]? (?:at|in)|living at|located at|ship(?:ped)? to|send (?:it )?to|sent to|deliver(?:ed)? to|mail(?:ed)? to|moved to|residence|resides|home|billing|shipping|street)\b/i;

export function findAddresses(text: string): Candidate[] {
  const out: Candidate[] = [];
  if (!/\d/.test(text)) return out;
  eachMatch(ADDR_LINE_RE, text, (m) => {
    let start = m.index;
    let end = m.index + m[0].length;
    // Leading house number on its own ("78 Camiño Ancho 91"): include a number right before.
    const pre = /(?:^|[^\p{L}\p{N}])(\d{1,5}[ \t]+)$/u.exec(text.slice(Math.max(0, start - 8), start));
    if (pre) start -= pre[1].length;
    let lines = 0;
    let postal = false;
    // Extend over unit and locality parts (at most 5 parts, 160 characters).
    for (let k = 0; k < 5 && end - start < 160; k++) {
      const rest = text.slice(end, end + 120);
      const u = UNIT_RE.exec(rest);
      if (u) {
        end += u[0].length;
        continue;
      }
      const l = LOCALITY_RE.exec(rest);
      if (!l || l[0].trim().replace(/^[,>?\s]+/, '').length === 0) break;
      const part = l[0];
      // Stop at prose: a lowercase function word starts the continuation.
      if (/^[ \t,]*(?:for|and|or|but|the|to|is|was|if|so|please|thanks|last|this|that|with|in|on|at)\b/i.test(part)) break;
      if (/\n/.test(part)) lines++;
      end += part.replace(/[ \t]+$/, '').length;
      if (POSTAL_END.test(text.slice(start, end))) {
        postal = true;
        break;
      }
    }
    const before = text.slice(Math.max(0, start - 60), start);
    let score = 0.6;
    if (ADDRESS_CUE.test(before)) score += 0.25;
    if (postal) score += 0.1;
    if (lines) score += 0.05;
    out.push({ type: 'ADDRESS', start, end, score: Math.min(0.95, score), recognizer: 'address', contextApplied: true });
  });
  return out;
}
