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
import { GIVEN_NAMES_EXTRA } from '../data/given-names-extra.js';
import { ENGLISH_WORDS } from '../data/english-words.js';

/** True when every character is ASCII. */
function isAscii(w: string): boolean {
  for (let i = 0; i < w.length; i++) if (w.charCodeAt(i) > 127) return false;
  return true;
}

/** Letters without a decomposition that still have a plain Latin reading. */
const FOLD_EXTRA: Record<string, string> = { 'ł': 'l', 'ø': 'o', 'đ': 'd', 'ß': 'ss', 'ı': 'i', 'æ': 'ae', 'œ': 'oe', 'þ': 'th', 'ð': 'd' };
/** Plain reading of each lower-case letter U+00C0–U+024F (Latin-1 and Latin Extended-A/B), by code - 0xC0. */
const FOLD_TABLE: readonly string[] = Array.from({ length: 0x250 - 0xc0 }, (_, k) => {
  const c = String.fromCharCode(0xc0 + k);
  return FOLD_EXTRA[c] ?? c.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
});

/**
 * "björn" → "bjorn", "łukasz" → "lukasz": the lexicons are mostly written without accents, names in text
 * often with them. Lower-case input; only called for non-ASCII words. A table walk: String#normalize per
 * word cost more than the rest of the word's lookups.
 */
function foldAccents(w: string): string {
  let out = '';
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    out += c >= 0xc0 && c < 0x250 ? FOLD_TABLE[c - 0xc0] : c >= 0x300 && c < 0x370 ? '' : w[i];
  }
  return out;
}

/**
 * Names that are mostly ordinary words ("Echo: hello", "Hope this helps", "Page 3"): alone they are a
 * PERSON only after an honorific or a strong cue ("Dear Hope,", "my name is Echo"); leading a run they need
 * a known, unambiguous name after them ("Hope Sandoval"). Generated list (data/common-word-names.ts).
 */
const commonWordNames = (): string[] => [...COMMON_WORD_NAMES.split(' '), ...NAME_HOMOGRAPHS];

/**
 * Given names that are also everyday words, kept by hand on top of the generated list because the
 * corpus sees them mostly as names ("Mark", "Grace", "Frank"): they too need evidence when alone. The last
 * line: names that developer text mostly uses for tools and languages ("Jenkins failed", "Ruby on Rails",
 * "Julia 1.9"); before a known surname or after a cue they are still names ("Julia Roberts", "Hi Travis").
 */
const NAME_HOMOGRAPHS = `will art bill bliss brook brown chance chase clay cliff cook crystal dale dawn faith fisher ford
  forest fox frank gay gold grace grant gray green hall hill holly hope hunter iris ivy jack joy king lake lane
  love major mark marsh mason miles moon moss page park pearl price prince reed rich rose ruby russell sage
  sharp snow sky spring star stone summer swift wall ward white wood woods young
  jenkins travis hudson hermes kafka cassandra ruby julia jasper`.split(/\s+/);

/**
 * HTTP header and auth-scheme words ("Authorization: Bearer …", "Content-Type: …"): capitalised in every
 * request dump and never a person ("Bearer Authorization" was reported as a name on repeated headers).
 */
const HTTP_HEADER_WORDS = `bearer authorization authentication www-authenticate token basic digest negotiate ntlm oauth
  content content-type content-length content-encoding type accept accept-encoding accept-language cookie set-cookie
  user-agent referer x-api-key x-auth-token proxy-authorization`;

/** Brand and product names that the name lists hold (as rare given names) but text means the brand. */
const BRANDS = `tesla lexus cortana siri sony acer dior`.split(' ');

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
  mon tue tues wed thu thur thurs fri sat feb mar apr jul aug sep sept oct nov dec
  and or but if so because while after before since until unless also just only even still yet per via
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

/**
 * Field labels whose value is a person ("Reviewer: …", "Cc: …"); "by" is the last word of git trailers
 * ("Signed-off-by:", "Reported-by:", "Co-authored-by:"). Only with a colon right after the label.
 */
const LABEL_WORDS = new Set(
  `by author authors reviewer reviewers assignee assignees reporter owner owners maintainer maintainers contact contacts
  attendees attendee participants interviewer interviewers approver approvers requester requestor from to cc bcc
  signed customer patient guest recipient sender presenter speaker speakers host organizer organiser lead members
  employee interviewee candidate driver passenger tenant landlord buyer seller`.split(/\s+/),
);
/** Verbs whose object is usually a person ("Tell Grace", "ping Dmitri", "thank Kofi"): with a known name. */
const VERB_CUES = new Set(`tell ask ping thank welcome congratulate congrats remind invite email message loop cc meet call`.split(' '));
/** A speech verb right after a run ("Bill Gates said", "did Bill Gates say"). */
const SAY_AFTER_RE = /^[ \t]+(?:said|says|say|wrote|writes|write|thinks|think|told|asked|called|emailed|replied|mentioned|confirmed|agreed|suggested|tweeted|announced|argued|explained|claimed|founded|co-founded)\b/;

/**
 * Keys whose value is a person's name in JSON / YAML / logs / keyword arguments (compared without "_"
 * and "-", lower-case): "first_name", "customerName", "display-name", "author", "assignee", "user".
 */
const PERSON_KEY_RE =
  /^(?:(?:first|last|given|family|middle|full|display|real|legal|maiden|sur|nick|contact|customer|client|patient|guest|employee|user|author|owner|person|holder|cardholder|account|recipient|sender|emergencycontact|parent|student|teacher|doctor|driver)name|surname|author|assignee|reporter|reviewer|owner|maintainer|contact|customer|patient|guest|recipient|sender|signer|approver|requester|attendee|employee|user|[a-z]*by)$/;

/**
 * The key right before a value at `pos` (`"key": "`, `key=`, `key: `): 2 when it is a key whose value is a
 * person's name, else 0 (a plain "name" key names anything: "name": "Central Park"). Bounded walk back.
 */
function keyCue(text: string, pos: number): 0 | 2 {
  let i = pos - 1;
  let c = text.charCodeAt(i);
  if (c === 34 || c === 39) c = text.charCodeAt(--i);
  while ((c === 32 || c === 9) && pos - i < 8) c = text.charCodeAt(--i);
  // ':' or '=' (NaN before the text start fails both).
  if (c !== 58 && c !== 61) return 0;
  c = text.charCodeAt(--i);
  if (c === 34 || c === 39) i--;
  let j = i;
  while (j >= 0 && i - j < 40) {
    const c = text.charCodeAt(j);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45) j--;
    else break;
  }
  if (j === i) return 0;
  const key = text.slice(j + 1, i + 1).replace(/[_-]/g, '').toLowerCase();
  return PERSON_KEY_RE.test(key) ? 2 : 0;
}

/** True when an e-mail address in angle brackets follows (`Name <x@y>` / `"Name" <x@y>`). */
function emailAfter(text: string, end: number): boolean {
  let i = end;
  let c = text.charCodeAt(i);
  if (c === 34 || c === 39) c = text.charCodeAt(++i);
  if (c === 32) c = text.charCodeAt(++i);
  if (c !== 60) return false; // '<'
  for (let k = i + 1; k < text.length && k - i < 80; k++) {
    const d = text.charCodeAt(k);
    if (d === 64) return k > i + 1; // '@'
    if (d === 62 || d === 32 || d === 10 || d === 60) return false;
  }
  return false;
}

/**
 * Cues beyond the word before a run: "Reviewer: Ana Lima", "Signed-off-by: …" (labels), "Tell Grace …",
 * "thank Kofi …" (verbs, with a known name), `"first_name": "Ines"`, `customer_name=Juan Pablo Herrera`
 * (keys), "Kaveh Rostami <kaveh@example.ir>" (a display name). 2 for a full or known name, 1 for a lone
 * unknown word (which needs more than a label).
 */
function extraCue(text: string, start: number, end: number, pre: Preceding, nameLike: boolean, firstKnown: boolean): 0 | 1 | 2 {
  const strong = nameLike ? 2 : 1;
  if (pre.punct === ':') {
    if ((pre.bits & B_LABEL) !== 0 || keyCue(text, start) === 2) return strong;
  } else if (pre.len === 0) {
    if (keyCue(text, start) === 2) return strong;
  } else if (firstKnown && pre.punct === '' && (pre.bits & B_VERB) !== 0) return 2;
  // Cheap first-character test before the walk: '<', '"', "'" or a blank can start `<x@y>`.
  const c = text.charCodeAt(end);
  return (c === 60 || c === 34 || c === 39 || c === 32) && emailAfter(text, end) ? strong : 0;
}

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
  nevis grenadines principe herzegovina barbuda caicos leste bissau lucia vincent kitts verde faso
  alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii idaho illinois iowa kansas
  kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri nebraska nevada ohio oklahoma
  oregon pennsylvania tennessee texas utah vermont wisconsin wyoming ontario quebec alberta manitoba saskatchewan
  york jersey los las san santa são sao
  tokyo beijing shanghai mumbai delhi bengaluru bangalore lagos nairobi cairo dubai istanbul moscow berlin madrid
  rome milan munich zurich vienna prague warsaw budapest amsterdam brussels stockholm oslo copenhagen helsinki
  dublin lisbon seattle boston chicago toronto vancouver montreal atlanta miami durban harare karachi lahore
  dhaka jakarta manila seoul hanoi saigon bangkok taipei sydney melbourne auckland johannesburg accra kampala
  athens vienna brooklyn memphis sedona siena sicily bali sahara nile london manchester birmingham liverpool leeds
  glasgow edinburgh bristol cardiff belfast sheffield nottingham leicester newcastle oxford cambridge paris lyon
  marseille toulouse hamburg cologne frankfurt stuttgart barcelona valencia seville naples turin venice porto geneva
  lausanne antwerp rotterdam krakow gdansk kyiv kiev odessa minsk riga vilnius tallinn bucharest belgrade
  zagreb ljubljana tbilisi baku tehran baghdad riyadh jeddah doha dhabi muscat amman beirut jerusalem
  casablanca tunis algiers dakar abuja kano ibadan kumasi addis ababa kinshasa luanda lusaka maputo windhoek
  gaborone pretoria chennai kolkata hyderabad pune ahmedabad jaipur lucknow colombo kathmandu kabul tashkent
  almaty osaka kyoto yokohama nagoya busan shenzhen guangzhou chengdu wuhan hangzhou nanjing tianjin singapore
  brisbane canberra christchurch honolulu anchorage denver
  portland sacramento oakland detroit cleveland pittsburgh philadelphia baltimore milwaukee minneapolis
  calgary edmonton winnipeg ottawa halifax bogota medellin caracas quito guayaquil montevideo asuncion`.split(/\s+/).filter(Boolean),
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
  // No capture groups: the loop in findPersons finds the cue and the word in the match (most matches —
  // "to the", "of a" — are dropped at once, and each group is one more string per match).
  /\b(?:my name is|name is|call me|calls me|named (?:him|her)|named|i'm|i am|this is|dear|hi|hello|hey|thanks|says|said|user:|name:|starring|by|mrs?\.|ms\.|dr\.|mrs?|ms|dr|add|with|to|and|of|ping|ask|tell|cc:?|[Oo]wner:|[Aa]uthor:|[Aa]ssignee:|[Rr]eviewer:|[Rr]eporter:|[Cc]ontact:)[ \t]+[a-z][\p{Ll}'’\-]{1,24}/gu;
/**
 * The kind of the lower-case cue text[at, at + len): 1 for a verb whose object is often a person but not
 * always ("ping the bot", "ask about": ping, ask, tell, cc, cc:), 2 for a common word after which the name
 * needs a known second word (by, add, with, to, and, of), 0 for the rest (strong cues). Those cues are
 * lower-case in LOWER_CUE_RE, so the text is compared as written, without slicing it out.
 */
function lowerCueKind(text: string, at: number, len: number): 0 | 1 | 2 {
  if (len === 2) return text.startsWith('cc', at) ? 1 : text.startsWith('by', at) || text.startsWith('to', at) || text.startsWith('of', at) ? 2 : 0;
  if (len === 3) return text.startsWith('ask', at) || text.startsWith('cc:', at) ? 1 : text.startsWith('add', at) || text.startsWith('and', at) ? 2 : 0;
  if (len === 4) return text.startsWith('ping', at) || text.startsWith('tell', at) ? 1 : text.startsWith('with', at) ? 2 : 0;
  return 0;
}
/** Speech verbs after a lower-case name: "what joão said", "sam says". */
const SAID_RE = /[ \t](?:sa(?:id|ys)|wrote|asked|told|mentioned)\b/g;
const ORG_TOKENS = new Set(
  `ltd inc llc corp plc gmbh tv weekly times news records studio studios services solutions systems technologies
  technology group partners associates holdings foundation institute university bank hotel census score labs software
  consulting media network networks capital ventures industries international global corporation agency app apps
  nation energy bio biosciences pharma therapeutics motors airlines movers logistics maintenance insurance ratings
  team teams squad department dept division committee council board support billing sales notifications newsletter
  station river review journal magazine press airport museum stadium arena cathedral church temple mosque mall tower
  college academy clinic pharmacy gallery theatre theater cinema festival conference expo awards league championship
  cloud platform framework library console dashboard server engine editor button mode menu dialog toolbar sidebar tab
  widget plugin extension toolkit runtime compiler falls garden gardens cup trophy service data gateway proxy queue
  cache pipeline storage bucket cluster database api sdk`.split(/\s+/),
);

/**
 * Lower-case nouns that, right after a capitalised run, make it a modifier ("the Jackson library",
 * "Kafka consumers", "Austin, Jackson and Charlotte offices"): a product, place or team, not a person.
 */
const NOUN_AFTER = new Set(
  `library libraries node nodes cluster clusters consumer consumers producer producers server servers client clients
  plugin plugins package packages module modules framework frameworks pipeline pipelines build builds job jobs instance
  instances database databases driver drivers api apis sdk cli app apps container containers image images theme themes
  font fonts config configs offices branch branches stores region regions integration integrations connector connectors
  dashboard dashboards template templates engine engines runtime runtimes script scripts service services
  repo repos repositories projects products brands teams campuses sites buildings locations
  accounts`.split(/\s+/),
);

/** True when the next word after `pos` (past blanks) is one of NOUN_AFTER. A hand walk, no regex. */
function nounAfter(text: string, pos: number): boolean {
  let i = pos;
  while (i < text.length && i - pos < 3 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  if (i === pos) return false;
  const s0 = i;
  while (i < text.length && i - s0 < 14) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) i++;
    else break;
  }
  if (i - s0 < 3) return false;
  const c = text.charCodeAt(i);
  if ((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c > 127) return false;
  return NOUN_AFTER.has(text.slice(s0, i));
}

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
  /** Length of the last word before the position (ASCII letters and apostrophes), 0 if none. */
  len: number;
  /**
   * That word's table bits (lookupAsciiLower): HONOR and the cue-list bits (CUE_STRONG, CUE, LABEL,
   * VERB). The word itself is not sliced out: one table lookup instead of a slice, a lower-casing and a
   * set lookup per list.
   */
  bits: number;
  /** The word starts with a capital (honorifics are written "Dr", "Mrs"). */
  capital: boolean;
  /** Punctuation between that word and the position: ',', ':', '>', '.', '!', '?', or ''. */
  punct: string;
  newline: boolean;
}

/**
 * Scans back from `pos` over spaces/punctuation to the previous word — no regex, bounded. Fills `out` (one
 * object per scan, not one per run).
 */
function preceding(text: string, pos: number, tab: WordTable, out: Preceding): void {
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
  out.len = i - j;
  out.bits = i > j ? lookupAsciiLower(text, j + 1, i + 1, tab) : 0;
  out.capital = i > j && text.charCodeAt(j + 1) <= 90;
  out.punct = punct;
  out.newline = newline || (i < floor && pos - 40 <= 0);
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
  /** A frequent English word that is in no name list ("connections", "cup"): see data/english-words.ts. */
  word: boolean;
  /** All capitals and longer than one letter ("NASA"). */
  caps: boolean;
  /** A capital inside the word after a lower-case letter that no name prefix explains ("GitHub", "IntelliJ"). */
  camel: boolean;
}

/** Name prefixes that a capital may follow inside a name ("McDonald", "DeShawn", "LaToya", "DiCaprio"). */
const CAMEL_NAME_PREFIXES = new Set(['mc', 'mac', 'de', 'di', 'da', 'du', 'la', 'le', 'lo', 'van', 'von', 'fitz', 'jo', 'ja', 'ke', 'ra', 'ta', 'sha', 'ka', 'ma']);

/**
 * "GitHub", "DevTools", "IntelliJ", "PayPal": an inner capital (at `i`, after a lower-case letter) after a
 * non-name prefix, or a second one, makes a product word.
 */
function camelWord(t: string, i: number): boolean {
  return !CAMEL_NAME_PREFIXES.has(t.slice(0, i).toLowerCase()) || /[a-z][A-Z]/.test(t.slice(i + 1));
}

const PARTICLE_SET = new Set(PARTICLES.source.slice(4, -2).split('|'));

const STOP = 1;
const PLACE = 2;
const ORG = 4;
const HONOR = 8;
const KNOWN = 16;
const COMMON = 32;
const WORD = 64;
/**
 * Every word list above as one table from a lower-case word to flag bits: one lookup per word. An
 * open-addressing hash table in typed arrays, not a Map of ~130k strings: a Map lookup there touched three
 * or four scattered cache lines per word (bucket, entry, key string), and two maps (names, then extra
 * names and English words) were looked up for most words. Here a slot pair holds the flags, a hash tag,
 * the key's length and its offset, so a lookup reads one slot line and, on a tag match, the key's
 * characters. Keys with a character above U+00FF (a few dozen) sit in a small Map instead, so the key
 * characters fit in bytes. Built on first use.
 */
interface WordTable {
  /**
   * Slot pairs: [meta, offset]. meta is 0 when empty, else 1 << 30 | cue-list bits (B_CUE_STRONG…B_VERB,
   * bits 23–26) | hash tag (8 bits) << 15 | key length (8 bits) << 7 | flags (7 bits); offset is where the
   * key starts in `chars`.
   */
  slots: Int32Array;
  /** Every key's characters (all ≤ U+00FF) back to back. */
  chars: Uint8Array;
  /** `slots.length - 2`: the index of a slot pair wraps with it. */
  mask: number;
  /** Keys with a character above U+00FF. */
  wide: Map<string, number>;
}

/** The table's flags for `w` (lower-case), 0 when it holds no such word. */
function lookupFlags(w: string, tab: WordTable): number {
  return lookupRange(w, 0, w.length, tab);
}

/** The final mix of the FNV-1a hash of a word's UTF-16 code units (slots use the low bits, the tag the top 8). */
function mixHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/**
 * Bits of the cue lists, for the word before a run (see `preceding`), above the key length and tag in a
 * slot: STRONG_CUE_WORDS, CUE_WORDS, LABEL_WORDS, VERB_CUES.
 */
const B_CUE_STRONG = 1 << 23;
const B_CUE = 1 << 24;
const B_LABEL = 1 << 25;
const B_VERB = 1 << 26;

/**
 * The flags and cue-list bits of text[s, e) lower-cased, for a word of ASCII letters and apostrophes
 * (lower-casing is then A–Z → a–z, done while hashing).
 */
function lookupAsciiLower(text: string, s: number, e: number, tab: WordTable): number {
  const n = e - s;
  if (n > 255) return 0;
  let h = 0x811c9dc5 | 0;
  for (let i = s; i < e; i++) {
    let c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    h = Math.imul(h ^ c, 0x01000193);
  }
  h = mixHash(h);
  const want = ((h >>> 24) << 15) | (n << 7);
  const { slots, chars, mask } = tab;
  for (let i = (h << 1) & mask; ; i = (i + 2) & mask) {
    const v = slots[i];
    if (v === 0) return 0;
    if ((v & 0x7fff80) !== want) continue;
    const o = slots[i + 1] - s;
    let j = s;
    for (; j < e; j++) {
      let c = text.charCodeAt(j);
      if (c >= 65 && c <= 90) c += 32;
      if (chars[o + j] !== c) break;
    }
    if (j === e) return v & (127 | B_CUE_STRONG | B_CUE | B_LABEL | B_VERB);
  }
}

/** The table's flags for the word text[s, e) as written (no case change), without slicing it out. */
function lookupRange(text: string, s: number, e: number, tab: WordTable): number {
  const n = e - s;
  if (n > 255) return 0; // no key is that long (checked when the table is built)
  let h = 0x811c9dc5 | 0;
  let or = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    or |= c;
    h = Math.imul(h ^ c, 0x01000193);
  }
  if (or > 255) return tab.wide.get(text.slice(s, e)) ?? 0;
  h = mixHash(h);
  const want = ((h >>> 24) << 15) | (n << 7);
  const { slots, chars, mask } = tab;
  for (let i = (h << 1) & mask; ; i = (i + 2) & mask) {
    const v = slots[i];
    if (v === 0) return 0;
    if ((v & 0x7fff80) !== want) continue;
    const o = slots[i + 1];
    let j = 0;
    while (j < n && chars[o + j] === text.charCodeAt(s + j)) j++;
    if (j === n) return v & 127;
  }
}

/**
 * The flags, as the word lists define them: KNOWN for the name lexicon — the main list's names (cspell
 * people names, longer than one letter, lower-cased), the extra given names (data/given-names-extra.ts)
 * and their accent-folded spellings ("Björn" is looked up as "bjorn" too), minus NOT_NAMES and BRANDS
 * (words those lists hold that are far more often ordinary words or brands); COMMON, STOP, PLACE, ORG,
 * HONOR for the hand lists; WORD for an English word that is neither a stop word nor in the main name list.
 * Inserted straight into the table (no intermediate sets or maps: this runs on the first scan).
 */
function buildWordTable(): WordTable {
  const common = commonWordNames();
  const cues = [STRONG_CUE_WORDS, CUE_WORDS, LABEL_WORDS, VERB_CUES];
  const hand = [...NOT_NAMES, ...PLACES, ...ORG_TOKENS, ...HONORIFICS, ...BRANDS, ...common, ...cues.flatMap((c) => [...c])];
  // Upper bounds: one key per list item and per folded spelling, which can be up to twice as long as the
  // name ("ß" → "ss").
  const items = (list: string, sep: string): number => {
    let n = 1;
    for (let i = list.indexOf(sep); i >= 0; i = list.indexOf(sep, i + 1)) n++;
    return n;
  };
  // Folded spellings: at most one per extra name with a character outside ASCII.
  let folded = 0;
  for (let i = 0, line = false; i < GIVEN_NAMES_EXTRA.length; i++) {
    const c = GIVEN_NAMES_EXTRA.charCodeAt(i);
    if (c === 10) line = false;
    else if (c > 127 && !line) {
      line = true;
      folded++;
    }
  }
  const maxKeys = hand.length + items(PEOPLE_NAMES, '\n') + items(GIVEN_NAMES_EXTRA, '\n') + folded + items(ENGLISH_WORDS, ' ');
  let maxChars = PEOPLE_NAMES.length + 3 * GIVEN_NAMES_EXTRA.length + ENGLISH_WORDS.length;
  for (const w of hand) maxChars += w.length;
  let size = 1024;
  while (size < maxKeys * 2) size *= 2;
  // Build-time layout: slot pairs [1 << 30 | tag << 15 | length << 7, key number]; per key its offset and
  // flags (bits 0–6 the flags, bit 7 marks the main list's names while building, bits 8–11 the cue lists).
  const slots = new Int32Array(size * 2);
  const mask = size * 2 - 2;
  const chars = new Uint8Array(maxChars);
  const keyOff = new Int32Array(maxKeys);
  const keyFlags = new Uint16Array(maxKeys);
  const wide = new Map<string, number>();
  let keys = 0;
  let used = 0;
  /**
   * The key number of src[s, e) — lower-cased (ASCII letters only) when `lower` — inserted when `add`, or
   * -1; -2 when it has a character above U+00FF (those keys live in `wide`). No substring is made: the
   * lists are read in place.
   */
  const find = (src: string, s: number, e: number, lower: boolean, add: boolean): number => {
    const n = e - s;
    let h = 0x811c9dc5 | 0;
    let or = 0;
    for (let j = s; j < e; j++) {
      let c = src.charCodeAt(j);
      if (lower && c >= 65 && c <= 90) c += 32;
      or |= c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (or > 255) return -2;
    if (n > 255) throw new Error(`person word lists: "${src.slice(s, s + 20)}…" is longer than 255 characters`);
    h = mixHash(h);
    const meta = (1 << 30) | ((h >>> 24) << 15) | (n << 7);
    let i = (h << 1) & mask;
    for (; slots[i] !== 0; i = (i + 2) & mask) {
      if (slots[i] !== meta) continue;
      const k = slots[i + 1];
      const o = keyOff[k] - s;
      let j = s;
      for (; j < e; j++) {
        let c = src.charCodeAt(j);
        if (lower && c >= 65 && c <= 90) c += 32;
        if (chars[o + j] !== c) break;
      }
      if (j === e) return k;
    }
    if (!add) return -1;
    slots[i] = meta;
    slots[i + 1] = keys;
    keyOff[keys] = used;
    for (let j = s; j < e; j++) {
      let c = src.charCodeAt(j);
      if (lower && c >= 65 && c <= 90) c += 32;
      chars[used++] = c;
    }
    return keys++;
  };
  /** Flags of src[s, e) (lower-cased when `lower`). */
  const get = (src: string, s: number, e: number, lower: boolean): number => {
    const k = find(src, s, e, lower, false);
    if (k !== -2) return k < 0 ? 0 : keyFlags[k];
    const w = lower ? src.slice(s, e).toLowerCase() : src.slice(s, e);
    return wide.get(w) ?? 0;
  };
  /** Adds `bit` to src[s, e)'s flags; returns its key number (-2 for a `wide` key). */
  const set = (src: string, s: number, e: number, lower: boolean, bit: number): number => {
    const k = find(src, s, e, lower, true);
    if (k >= 0) keyFlags[k] |= bit;
    else {
      const w = lower ? src.slice(s, e).toLowerCase() : src.slice(s, e);
      wide.set(w, (wide.get(w) ?? 0) | bit);
    }
    return k;
  };
  const setWord = (w: string, bit: number): void => {
    set(w, 0, w.length, false, bit);
  };
  const clearWord = (w: string, bits: number): void => {
    const k = find(w, 0, w.length, false, false);
    if (k >= 0) keyFlags[k] &= ~bits;
    else if (k === -2 && wide.has(w)) wide.set(w, wide.get(w)! & ~bits);
  };
  /** Calls fn(s, e) for each item String#split(sep) would give, without making the substrings. */
  const each = (list: string, sep: string, fn: (s: number, e: number) => void): void => {
    let s = 0;
    for (;;) {
      const e = list.indexOf(sep, s);
      fn(s, e < 0 ? list.length : e);
      if (e < 0) return;
      s = e + 1;
    }
  };
  const isAsciiRange = (src: string, s: number, e: number): boolean => {
    for (let j = s; j < e; j++) if (src.charCodeAt(j) > 127) return false;
    return true;
  };
  // The main list, lower-cased: ASCII names in place, the others through toLowerCase (whose result can
  // differ in length and falls in `wide` or in the table as its own string).
  const people = (fn: (src: string, s: number, e: number, lower: boolean, len: number) => void): void =>
    each(PEOPLE_NAMES, '\n', (s, e) => {
      if (isAsciiRange(PEOPLE_NAMES, s, e)) fn(PEOPLE_NAMES, s, e, true, e - s);
      else {
        const l = PEOPLE_NAMES.slice(s, e).toLowerCase();
        fn(l, 0, l.length, false, e - s);
      }
    });
  // Each main-list name's key number (-1: not inserted yet, -2: a `wide` key), for the second pass below.
  const peopleKeys: number[] = [];
  people((src, s, e, lower, len) => {
    peopleKeys.push(len > 1 ? set(src, s, e, lower, KNOWN) : -1);
  });
  each(GIVEN_NAMES_EXTRA, '\n', (s, e) => {
    set(GIVEN_NAMES_EXTRA, s, e, false, KNOWN);
    if (!isAsciiRange(GIVEN_NAMES_EXTRA, s, e)) setWord(foldAccents(GIVEN_NAMES_EXTRA.slice(s, e)), KNOWN);
  });
  for (const w of NOT_NAMES) clearWord(w, KNOWN);
  for (const w of BRANDS) clearWord(w, KNOWN);
  let p = 0;
  people((src, s, e, lower) => {
    const k = peopleKeys[p++];
    if (k >= 0) {
      if ((keyFlags[k] & KNOWN) !== 0) keyFlags[k] |= 128;
    } else if ((get(src, s, e, lower) & KNOWN) !== 0) set(src, s, e, lower, 128);
  });
  for (const w of common) setWord(w, COMMON);
  for (const w of NOT_NAMES) setWord(w, STOP);
  for (const w of PLACES) setWord(w, PLACE);
  for (const w of ORG_TOKENS) setWord(w, ORG);
  for (const w of HONORIFICS) setWord(w, HONOR);
  each(ENGLISH_WORDS, ' ', (s, e) => {
    // (A key this makes is new, so it has no flags yet and gets WORD.)
    const k = find(ENGLISH_WORDS, s, e, false, true);
    if (k >= 0) {
      if ((keyFlags[k] & (128 | STOP)) === 0) keyFlags[k] |= WORD;
    } else if ((get(ENGLISH_WORDS, s, e, false) & (128 | STOP)) === 0) set(ENGLISH_WORDS, s, e, false, WORD);
  });
  cues.forEach((list, b) => {
    for (const w of list) setWord(w, 256 << b);
  });
  // Final layout: flags into the slot, the key number replaced by the key's offset.
  for (let i = 0; i < slots.length; i += 2) {
    if (slots[i] === 0) continue;
    const k = slots[i + 1];
    slots[i] |= (keyFlags[k] & 127) | (((keyFlags[k] >>> 8) & 15) << 23);
    slots[i + 1] = keyOff[k];
  }
  for (const [w, f] of wide) wide.set(w, f & 127);
  return { slots, chars: chars.slice(0, used), mask, wide };
}

const wordFlags = (() => {
  let table: WordTable | null = null;
  return (): WordTable => (table ??= buildWordTable());
})();
type WordFlags = WordTable;

const SUFFIX_SET = new Set(SUFFIX_TITLES.source.slice(4, -2).split('|'));

function tokInfo(t: string, flags: WordFlags): TokInfo {
  let e = t.length;
  while (e > 0 && (t[e - 1] === '.' || t[e - 1] === "'" || t[e - 1] === '’')) e--;
  const low = (e === t.length ? t : t.slice(0, e)).toLowerCase();
  const base = low.endsWith("'s") || low.endsWith('’s') ? low.slice(0, -2) : low;
  // Particles are lower-case and suffix titles at most three letters: most words skip both set lookups.
  const c0 = t.charCodeAt(0);
  const particle = c0 >= 97 && c0 <= 122 && PARTICLE_SET.has(t);
  // "John": a lower-case ASCII second letter settles "not all capitals" without upper-casing the word.
  const c1 = t.charCodeAt(1);
  const caps = t.length > 1 && !(c1 >= 97 && c1 <= 122) && t === t.toUpperCase();
  // An initial ("J." in "J. K. Mwangi", "A." in "A. Kumar"): part of a name, and evidence for one — not
  // the article "a" or the pronoun "I". (Flags, not an early return: one object shape for every word.)
  const initial = t.length === 2 && t.charCodeAt(1) === 46 && t.charCodeAt(0) >= 65 && t.charCodeAt(0) <= 90;
  const f = initial ? KNOWN : lookupFlags(low, flags);
  let fb = base === low || initial ? f : lookupFlags(base, flags);
  // One pass over the word: non-ASCII letters, and a capital after a lower-case letter past the second.
  let ascii = true;
  let innerCap = -1;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c > 127) ascii = false;
    else if (innerCap < 0 && i >= 2 && c >= 65 && c <= 90) {
      const p = t.charCodeAt(i - 1);
      if (p >= 97 && p <= 122) innerCap = i;
    }
  }
  // "Björn", "Tomás", "Łukasz": the lexicons mostly hold the unaccented spelling.
  if ((fb & KNOWN) === 0 && !ascii) fb |= lookupFlags(foldAccents(base), flags) & (KNOWN | COMMON);
  return {
    low,
    skip: particle || (t.length <= 3 && SUFFIX_SET.has(t)),
    particle,
    stop: (f & STOP) !== 0,
    place: (f & PLACE) !== 0,
    org: (f & ORG) !== 0,
    honorific: (f & HONOR) !== 0,
    known: (fb & KNOWN) !== 0,
    common: (fb & COMMON) !== 0,
    word: (fb & (WORD | KNOWN)) === WORD,
    caps,
    camel: innerCap > 0 && t.length > 3 && camelWord(t, innerCap),
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
  /** Two or more words, each a name that is also a common word ("Bill Gates", "Rose Gold"). */
  allCommonNames: boolean;
  /** The second word is an ordinary English word in no name list ("Stanley Cup", "Steve Jobs"). */
  wordSecond: boolean;
  /** A one-word run that is an ordinary English word in no name list. */
  word: boolean;
}

/**
 * The end of a lone known given name at `pos` that closes a surname-first name ("Gates, Bill (born …)",
 * "Hernandez, Maria L."), or -1: the name must end the line or the text, or come before ";", "(", ")" or
 * one initial. Bounded walk, no regex.
 */
function givenAfterComma(text: string, pos: number, info: (t: string) => TokInfo): number {
  const c0 = text.charCodeAt(pos);
  if (!(c0 >= 65 && c0 <= 90)) return -1;
  let e = pos + 1;
  while (e < text.length && e - pos < 25) {
    const c = text.charCodeAt(e);
    if ((c >= 97 && c <= 122) || c === 39 || c === 45 || (c > 127 && LETTER.test(text[e]))) e++;
    else break;
  }
  if (e - pos < 2) return -1;
  const t = info(text.slice(pos, e));
  if (!t.known || t.stop || t.place || t.org) return -1;
  let k = e;
  // One initial after it: "Maria L."
  if (text.charCodeAt(k) === 32 && text.charCodeAt(k + 1) >= 65 && text.charCodeAt(k + 1) <= 90 && text.charCodeAt(k + 2) === 46) k += 3;
  if (k >= text.length) return k;
  const c = text.charCodeAt(k);
  const c1 = text.charCodeAt(k + 1);
  // Newline, ";", "(", ")", or a blank before "(" / a line end.
  if (c === 10 || c === 13 || c === 59 || c === 40 || c === 41) return k;
  if (c === 32 && (c1 === 40 || c1 === 10 || Number.isNaN(c1))) return k;
  return -1;
}

function anyWord(infos: TokInfo[]): boolean {
  for (const t of infos) if (t.word) return true;
  return false;
}

/** Words that start place names ("New York", "Los Angeles", "San José"). */
const PLACE_PREFIX = new Set(['new', 'los', 'las', 'san', 'santa', 'são', 'sao', 'fort', 'port', 'mount', 'lake', 'upper', 'lower', 'north', 'south', 'east', 'west', 'saint']);

/** The run-only part of the person rules; null when the run is never a name, wherever it stands. */
function runShape(run: string, info: (t: string) => TokInfo): RunShape | null {
  // Single spaces (the usual case) split by hand: ~2x cheaper than String#split per run.
  let toks = run.indexOf('\t') < 0 && run.indexOf('  ') < 0 ? splitSpaces(run) : run.split(/[ \t]+/);
  // Each word's facts once (memoised per scan); toks and infos stay aligned below.
  let infos = toks.map(info);
  const firstInfo = infos[0];
  let start = 0;
  let drop = 0;
  // Drop leading stop words ("The Peter Pham version", "Dear John") from the span.
  let afterHonorific = false;
  while (drop < toks.length && infos[drop].stop) {
    afterHonorific = infos[drop].honorific && toks.length - drop > 1;
    start += toks[drop].length;
    while (run[start] === ' ' || run[start] === '\t') start++;
    drop++;
  }
  // A leading ordinary word before a known name is a title or a verb, not part of the name ("Producer
  // Jennifer Hussain", "Install Jenkins"): dropped like a stop word (not before capitals or initials:
  // "Intel Mac OS X").
  if (toks.length - drop >= 2 && infos[drop].word && infos[drop + 1].known && !infos[drop + 1].word) {
    let plain = true;
    for (let k = drop; k < toks.length; k++) if (toks[k].length < 2 || infos[k].caps) plain = false;
    while (plain && toks.length - drop >= 2 && infos[drop].word && infos[drop + 1].known && !infos[drop + 1].word) {
      start += toks[drop].length;
      while (run[start] === ' ' || run[start] === '\t') start++;
      drop++;
    }
  }
  if (drop >= toks.length) return null;
  // "New York", "Los Angeles": a place prefix dropped above makes the run a place.
  if (drop > 0 && PLACE_PREFIX.has(firstInfo.low)) return null;
  // An honorific inside the run starts the name ("Ping Dr. Okonjo", "Taxi For Mr. Kimura"): the words
  // before it are not part of it.
  for (let k = drop + 1; k < toks.length - 1; k++) {
    if (!infos[k].honorific) continue;
    let at = start;
    for (let j = drop; j <= k; j++) at = run.indexOf(toks[j], at) + toks[j].length;
    while (run[at] === ' ' || run[at] === '\t' || run[at] === '.') at++;
    start = at;
    drop = k + 1;
    afterHonorific = true;
    break;
  }
  if (drop > 0) {
    toks = toks.slice(drop);
    infos = infos.slice(drop);
  }
  // A full stop after a word longer than an initial or honorific ends the sentence: "Hoover. Who".
  for (let k = 0; k < toks.length - 1; k++) {
    if (toks[k].endsWith('.') && toks[k].length > 4) {
      toks = toks.slice(0, k + 1);
      toks[k] = toks[k].slice(0, -1);
      infos = infos.slice(0, k);
      infos.push(info(toks[k]));
      break;
    }
  }
  let wordSecond = false;
  // A product word ("GitHub Actions", "IntelliJ IDEA") anywhere: not a person.
  for (const t of infos) if (t.camel) return null;
  // A place word that is also a given name ("Chad", "Vincent", "Lucía", "Jordan") next to another
  // known, non-place name is part of a person's name ("Vincent Kompany", "Lucía Gómez").
  let placeIsName = false;
  if (infos.length >= 2) {
    let otherName = false;
    let placeName = false;
    for (const t of infos) {
      if (t.place && t.known) placeName = true;
      else if (t.known && !t.place && !t.stop && !t.org && !t.skip) otherName = true;
    }
    // "Vincent Kompany": the place-name word leads and the rest are name-shaped words (no place, phrase,
    // stop or organisation word).
    let leadsName = infos[0].place && infos[0].known;
    for (let k = 1; leadsName && k < infos.length; k++) {
      const t = infos[k];
      if (t.place || t.word || t.stop || t.org || t.common) leadsName = false;
    }
    placeIsName = placeName && (otherName || leadsName);
  }
  // A stop word inside the run: keep a two-word name before it ("Katie Giles Apt."), otherwise it is a
  // title-case phrase ("Quick Brown Fox"), not a name.
  for (let k = 0; k < infos.length; k++) {
    const t = infos[k];
    if (t.particle) continue;
    if (afterHonorific && t.stop && k === 0) continue; // "Mr. Young"
    if (t.place && placeIsName && t.known && !t.stop && !t.org) continue;
    // An ordinary English word after the first two ("Kofi Boateng Reviewed") ends the name like a stop
    // word does; right after the first ("Max Connections", "Stanley Cup", "Steve Jobs") the run needs a
    // cue (checked per occurrence).
    if (t.word && k === 1 && !t.stop && !t.place && !t.org) {
      wordSecond = true;
      continue;
    }
    if (t.stop || t.place || t.org || (t.word && k > 1)) {
      if (k < 2 || t.org || t.place) return null;
      toks = toks.slice(0, k);
      infos = infos.slice(0, k);
      break;
    }
  }
  const last = toks[toks.length - 1];
  // (The run contains `last` at or after `start`, so this is the offset the text search found.)
  let end = run.indexOf(last, start) + last.length;
  // "Anand's laptop": the possessive is not part of the name, and after the span it is a cue.
  if (last.length > 3 && (last.endsWith("'s") || last.endsWith('’s'))) end -= 2;
  if (end <= start) return null;
  let coreN = 0;
  let known = 0;
  let allCaps = true;
  let firstKnown = false;
  let acronymAt = -1;
  for (const t of infos) {
    if (t.skip) continue;
    if (coreN === 0) firstKnown = t.known;
    if (t.caps && t.low.length >= 3 && acronymAt < 0) acronymAt = coreN;
    coreN++;
    if (t.known) known++;
    if (!t.caps) allCaps = false;
  }
  if (!coreN || allCaps) return null;
  // An acronym of three or more letters in a title-case run ("AWS Lambda", "MIT Technology Review") is an
  // organisation or product — unless it is the family name written in capitals after a known given name
  // ("Jean DUPONT").
  if (acronymAt >= 0 && !(acronymAt === coreN - 1 && firstKnown)) return null;
  let allCommonNames = coreN >= 2;
  for (const t of infos) if (!t.skip && !(t.known && t.common)) allCommonNames = false;
  return { startOff: start, endOff: end, coreN, known, firstKnown, commonLed: commonWordLed(infos), allCommonNames, wordSecond, word: coreN === 1 && anyWord(infos) };
}

/**
 * `mayHaveCapitals` false (no ASCII capital and no non-ASCII character in the text) skips the
 * capitalised-run pass, which cannot match then; lists and lower-case cues are still looked for.
 */
/** What the word lists say about a lower-case word, as the person rules read it from the word table. */
export interface PersonWordFacts {
  /** In the name lexicon (main list, extra given names or an accent-folded spelling of one). */
  known: boolean;
  /** A name that is mostly an ordinary word ("will", "grace"). */
  common: boolean;
  stop: boolean;
  place: boolean;
  org: boolean;
  honorific: boolean;
  /** In the English-word list and neither a stop word nor in the main name list. */
  english: boolean;
}

/** The word table's facts for `word` (lower-case, as written: no accent folding). */
export function personWordFacts(word: string): PersonWordFacts {
  const f = lookupFlags(word, wordFlags());
  return {
    known: (f & KNOWN) !== 0,
    common: (f & COMMON) !== 0,
    stop: (f & STOP) !== 0,
    place: (f & PLACE) !== 0,
    org: (f & ORG) !== 0,
    honorific: (f & HONOR) !== 0,
    english: (f & WORD) !== 0,
  };
}

/** Texts up to this long are scanned without the per-scan word and run memos. */
const MEMO_MIN_CHARS = 400;

export function findPersons(text: string, mayHaveCapitals = true): Candidate[] {
  const out: Candidate[] = [];
  // Names repeat within a text: each distinct word is looked up once per scan. (Per scan, not per
  // process: a cross-call memo would keep words from users' prompts in memory and be module state.)
  // A short prompt rarely repeats a word: there the memo maps cost more than they save (both memos hold
  // pure functions of their key, so the results are the same either way).
  const memo = text.length > MEMO_MIN_CHARS;
  const infoCache = memo ? new Map<string, TokInfo>() : null;
  const flags = wordFlags();
  let lastTok = '';
  let lastInfo: TokInfo | null = null;
  const info = (t: string): TokInfo => {
    // The last word first (a string compare; repeated names come back to back), then the memo map.
    if (t === lastTok && lastInfo !== null) return lastInfo;
    lastTok = t;
    if (infoCache === null) return (lastInfo = tokInfo(t, flags));
    let i = infoCache.get(t);
    if (i === undefined) infoCache.set(t, (i = tokInfo(t, flags)));
    return (lastInfo = i);
  };
  // Runs repeat within a text ("John Smith" again and again): what depends on the run alone is worked
  // out once per distinct run per scan (bounded), the rest (words around it) per occurrence.
  const shapes = memo ? new Map<string, RunShape | null>() : null;
  // A plain loop over one local callback (a monomorphic call, unlike the shared eachMatch); the regex
  // never matches the empty string.
  // Persons from name lists, and the spans of lists found to name products or places (see the list pass).
  const listOut: Candidate[] = [];
  const vetoed: Array<[number, number]> = [];
  let vi = 0;
  // End of a surname-first name ("Gates, Bill") already reported: its given-name run is skipped.
  let skipUntil = -1;
  const pre: Preceding = { len: 0, bits: 0, capital: false, punct: '', newline: false };
  let lastRun = '';
  let lastShape: RunShape | null = null;
  let prevRun = '';
  let prevShape: RunShape | null = null;
  const onRun = (m: RegExpExecArray): void => {
    const run = m[0];
    // A run that ends inside a surname-first name already reported starts inside it too (see below).
    if (m.index + run.length <= skipUntil) return;
    // The last two distinct runs are checked before the memo map: texts that repeat a run mostly repeat
    // it back to back or alternating ("Signed-off-by: … / Jo Ab"), and a string compare is cheaper than
    // hashing the run for the map.
    let shape: RunShape | null | undefined;
    if (run === lastRun) shape = lastShape;
    else if (run === prevRun) shape = prevShape;
    else {
      shape = shapes === null ? undefined : shapes.get(run);
      if (shape === undefined) {
        shape = runShape(run, info);
        if (shapes !== null && shapes.size < 4096) shapes.set(run, shape);
      }
      prevRun = lastRun;
      prevShape = lastShape;
      lastRun = run;
      lastShape = shape;
    }
    if (shape === null) return;
    let start = m.index + shape.startOff;
    const end = m.index + shape.endOff;
    if (start < skipUntil) return;
    const { coreN, known, firstKnown } = shape;
    preceding(text, start, flags, pre);
    // "Gates, Bill (born 1955)", "Okonkwo, Chidi; Smith, Jane": a family name, a comma, a given name.
    if (coreN === 1 && text.charCodeAt(end) === 44 && text.charCodeAt(end + 1) === 32 && !shape.word) {
      const e2 = givenAfterComma(text, end + 2, info);
      if (e2 > 0) {
        skipUntil = e2;
        // The run search goes on from there: the given name's own run ends by e2 (a line end, ";", "(",
        // ")" or an initial's "." comes next) and would be skipped anyway.
        CAP_RUN_RE.lastIndex = e2;
        out.push(new Hit(text, 'PERSON', start, e2, 0.7, 'person', false, true));
        return;
      }
    }
    const honor = pre.capital && (pre.bits & HONOR) !== 0;
    let cue = (pre.bits & B_CUE_STRONG) !== 0 && pre.punct !== '.' ? 2 : pre.punct === ',' || pre.punct === ':' || pre.punct === '>' || (pre.bits & B_CUE) !== 0 ? 1 : 0;
    // One unknown word without an honorific or a strong cue word is never reported (see below; extraCue
    // gives such a word at most 1): decided here, before the cue and veto checks ("Signed-off-by:").
    if (known === 0 && coreN === 1 && !honor && cue < 2) return;
    // Labels, keys, verbs and e-mail addresses around the run are looked for only where they can decide
    // the outcome — a run the rules below drop, or a lone word — not for a full name led by a known given
    // name, which is reported anyway (most names in text: this keeps name-dense input cheap).
    if (cue < 2 && !honor && (shape.commonLed || coreN < 2 || !firstKnown)) {
      // Evidence a full name or a known name needs less of than a lone unknown word does.
      const c = extraCue(text, start, end, pre, coreN >= 2 || known > 0, firstKnown);
      if (c > cue) cue = c;
    }
    const after = text.slice(end, end + 24);
    if (!honor && cue < 2) {
      // An item of a list of products or places (see the list pass): runs come in text order.
      if (vetoed.length) {
        while (vi < vetoed.length && vetoed[vi][1] <= start) vi++;
        if (vi < vetoed.length && vetoed[vi][0] <= start) return;
      }
      // "Bill Gates said", "Grace said", "what did Bill Gates say": names that are common words count only
      // with a cue, such as a speech verb after them ("Rose Gold" alone stays a colour).
      if (shape.commonLed && !((shape.allCommonNames || coreN === 1) && SAY_AFTER_RE.test(after))) return;
      // "the Jackson library", "Kafka consumers": a capitalised word modifying a product noun.
      const c0 = text.charCodeAt(end);
      const c1 = text.charCodeAt(end + 1);
      if (c0 === 32 && c1 >= 97 && c1 <= 122 && nounAfter(text, end)) return;
      // A version or model number: "Phi-3", "Julia 1.9", "Pixel 9".
      if ((c0 === 45 || (c0 === 32 && coreN === 1)) && c1 >= 48 && c1 <= 57) return;
      // "the Stanley Cup final" (no cue) vs "Steve Jobs introduced …" (a verb after it).
      if (shape.wordSecond && !CUE_AFTER.test(after)) return;
    }
    // One unknown capitalised word needs an honorific or a strong cue ("my name is", "says").
    if (known === 0 && coreN === 1 && !honor && cue < 2) return;
    if (orgAfterPossible(after) && ORG_AFTER.test(after)) return;
    const cueAfter = CUE_AFTER.test(after);
    const sentenceStart = pre.len === 0 || pre.punct === '.' || pre.punct === '!' || pre.punct === '?' || pre.newline;
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
  // Lists of names: "Kovalev, Lee and Phillips", "natalina, thomas, crystal and omar".
  // Anchored on " and " (cheap to find); the items before it are walked back by hand.
  // (AND_RE needs "and": one search rules out most texts.)
  // Run before the capitalised-run pass: a list that turns out to name products or places ("Tableau, Looker
  // and Power BI dashboards") vetoes its items there too. Its persons are appended after that pass's.
  if (text.indexOf('and') >= 0) eachMatch(AND_RE, text, (m) => {
    const items = listItems(text, m.index, m.index + m[0].length);
    if (!items || items.length < 2) return;
    const listEnd = items[items.length - 1][1];
    const words = items.map(([a, b]) => text.slice(a, b));
    const caps = words.map((w) => w[0] !== w[0].toLowerCase());
    if (!caps.every((c) => c === caps[0])) return;
    const lows = words.map((w) => w.toLowerCase());
    // "…, Mitchell and Williams office" / "Davis, Reynolds and Williamson is the…": firm names.
    // "Austin, Jackson and Charlotte offices", "Jest, Babel and Webpack plugins": places or products;
    // "Tableau, Looker and Power BI": an acronym after the last item makes it a product name.
    const known = lows.filter((l) => knownLower(flags, l)).length;
    // No known name among the items: neither a list of persons nor items the capitalised-run pass reports.
    if (known === 0) return;
    const tail = text.slice(listEnd, listEnd + 24);
    if (
      lows.some((l) => PLACES.has(l) || ORG_TOKENS.has(l)) ||
      ORG_AFTER.test(tail) ||
      /^[ \t]+(?:office|firm|llp|law)\b/i.test(tail) ||
      nounAfter(text, listEnd) ||
      /^[ \t]+[A-Z]{2,}(?![a-z])/.test(tail)
    ) {
      vetoed.push([items[0][0], listEnd]);
      return;
    }
    const stop = lows.filter((l) => NOT_NAMES.has(l)).length;
    if (known * 2 < items.length || stop * 3 > items.length) return;
    if (items.length === 2 && (!caps[0] || known < 2)) return;
    // Items that are parts of longer capitalised runs ("Rose Gold and Matte Black") are not one-word names:
    // the capitalised-run pass judges those runs.
    if (caps[0] && (/^[ \t]\p{Lu}/u.test(tail) || /\p{Lu}[\p{L}'’\-]*[ \t]$/u.test(text.slice(Math.max(0, items[0][0] - 26), items[0][0])))) return;
    items.forEach(([a, b], k) => {
      if (!NOT_NAMES.has(lows[k])) listOut.push(new Hit(text, 'PERSON', a, b, items.length >= 3 ? 0.65 : 0.55, 'person', false, true));
    });
  });
  if (mayHaveCapitals) {
    CAP_RUN_RE.lastIndex = 0;
    let run: RegExpExecArray | null;
    while ((run = CAP_RUN_RE.exec(text)) !== null) onRun(run);
  }
  for (const c of listOut) out.push(c);
  // Lower-case names after a cue ("my name is jillian capon", "add julie novák as …"). Like the
  // capitalised-run pass, every finding is a Hit (one object per finding; 100k per MB on "hey anna ").
  const words = new RecentWords(flags);
  LOWER_CUE_RE.lastIndex = 0;
  for (let m = LOWER_CUE_RE.exec(text); m !== null; m = LOWER_CUE_RE.exec(text)) {
    // The match is the cue, blanks and the first word (no capture groups: one string per match, and most
    // matches — "to the", "of a" — are dropped at once). The word starts after the match's last blank
    // (the word has none) and the cue ends before that blank run (no cue ends with a blank).
    const at = m.index;
    const e1 = at + m[0].length;
    let s1 = e1 - 2;
    while (text.charCodeAt(s1 - 1) !== 32 && text.charCodeAt(s1 - 1) !== 9) s1--;
    let cueEnd = s1 - 1;
    while (text.charCodeAt(cueEnd - 1) === 32 || text.charCodeAt(cueEnd - 1) === 9) cueEnd--;
    // Retry right after this cue so overlapping cues are seen ("this is mr. chad farmer").
    LOWER_CUE_RE.lastIndex = at + Math.max(1, cueEnd - at);
    const f1 = words.flags(text, s1, e1);
    if ((f1 & STOP) !== 0 || !knownRange(f1, text, s1, e1, flags)) continue;
    // An optional second word: blanks, then [a-z][\p{Ll}'’\-]{1,24} (what the cue regex's optional
    // group took, greedily, before it was dropped from the regex).
    const s2 = secondLowerStart(text, e1);
    const e2 = s2 < 0 ? -1 : lowerWordEnd(text, s2);
    const f2 = e2 > 0 ? words.flags(text, s2, e2) : 0;
    const kind = lowerCueKind(text, at, cueEnd - at);
    if (kind === 1) {
      // "ping dmitry about it": a known name that is not also a common word ("ask will" stays a phrase).
      if ((f1 & COMMON) !== 0) continue;
      const both = e2 > 0 && (f2 & STOP) === 0 && knownRange(f2, text, s2, e2, flags) && (f2 & COMMON) === 0;
      out.push(new Hit(text, 'PERSON', s1, both ? e2 : e1, both ? 0.65 : 0.55, 'person', false, true));
      continue;
    }
    const strong = kind === 0;
    // A second word that is no stop or place word joins a strong cue's name; after a weak cue it must be a
    // known name, and the name needs it.
    const w2ok = e2 > 0 && (f2 & (STOP | PLACE)) === 0 && (strong || knownRange(f2, text, s2, e2, flags));
    if (!strong && !w2ok) continue;
    out.push(new Hit(text, 'PERSON', s1, w2ok ? e2 : e1, strong ? (w2ok ? 0.7 : 0.55) : 0.6, 'person', false, true));
  }
  // A lower-case known name right before a speech verb ("what joão said about it"); capitalised names
  // before a verb are the capitalised-run pass's.
  // (One regex for all the verbs: one call per text — per-verb indexOf calls cost more on short prompts.)
  SAID_RE.lastIndex = 0;
  for (let m = SAID_RE.exec(text); m !== null; m = SAID_RE.exec(text)) {
    const e = m.index;
    let s0 = e;
    while (s0 > 0 && e - s0 < 25 && isNameChar(text[s0 - 1])) s0--;
    if (e - s0 < 2 || isNameChar(text[s0 - 1]) || /[0-9_@.\/]/.test(text[s0 - 1] ?? '')) continue;
    const w = text.slice(s0, e);
    if (w !== w.toLowerCase() || !/^\p{Ll}/u.test(w)) continue;
    const f = lookupFlags(w, flags);
    if ((f & (STOP | COMMON)) !== 0 || !knownRange(f, w, 0, w.length, flags)) continue;
    out.push(new Hit(text, 'PERSON', s0, e, 0.55, 'person', false, true));
  }
  return out;
}

/**
 * lookupRange with the last two distinct words remembered (within one scan): a text that repeats a cue and
 * a name ("hey anna hey anna …") compares the characters instead of hashing and probing the table again.
 */
class RecentWords {
  #a = -1;
  #aLen = 0;
  #aFlags = 0;
  #b = -1;
  #bLen = 0;
  #bFlags = 0;
  constructor(private readonly tab: WordTable) {}
  flags(text: string, s: number, e: number): number {
    const n = e - s;
    if (n === this.#aLen && this.#a >= 0 && sameChars(text, this.#a, s, n)) return this.#aFlags;
    if (n === this.#bLen && this.#b >= 0 && sameChars(text, this.#b, s, n)) return this.#bFlags;
    const f = lookupRange(text, s, e, this.tab);
    this.#b = this.#a;
    this.#bLen = this.#aLen;
    this.#bFlags = this.#aFlags;
    this.#a = s;
    this.#aLen = n;
    this.#aFlags = f;
    return f;
  }
}

/** True when text[a, a + n) and text[b, b + n) hold the same characters. */
function sameChars(text: string, a: number, b: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
  return true;
}

/** Where a second lower-case word starts after blanks at `pos` (`[ \t]+[a-z]`), or -1. */
function secondLowerStart(text: string, pos: number): number {
  let q = pos;
  while (q < text.length && (text.charCodeAt(q) === 32 || text.charCodeAt(q) === 9)) q++;
  if (q === pos || q >= text.length) return -1;
  const c = text.charCodeAt(q);
  return c >= 97 && c <= 122 ? q : -1;
}

const LOWER_LETTER_RE = /^\p{Ll}$/u;
/**
 * The end of `[a-z][\p{Ll}'’\-]{1,24}` (greedy; code points, as the `u` regex counts them) from `q`, or -1
 * when fewer than two characters fit.
 */
function lowerWordEnd(text: string, q: number): number {
  let r = q + 1;
  let n = 0;
  while (n < 24 && r < text.length) {
    const c = text.charCodeAt(r);
    if ((c >= 97 && c <= 122) || c === 39 || c === 0x2019 || c === 45) r++;
    else if (c > 127) {
      const cp = text.codePointAt(r)!;
      if (!LOWER_LETTER_RE.test(String.fromCodePoint(cp))) break;
      r += cp > 0xffff ? 2 : 1;
    } else break;
    n++;
  }
  return n >= 1 ? r : -1;
}

/** knownLower for text[s, e) whose table flags are `f`. */
function knownRange(f: number, text: string, s: number, e: number, flags: WordFlags): boolean {
  if ((f & KNOWN) !== 0) return true;
  for (let i = s; i < e; i++) if (text.charCodeAt(i) > 127) return (lookupFlags(foldAccents(text.slice(s, e)), flags) & KNOWN) !== 0;
  return false;
}

/** A lower-case word in the lexicon, directly or without its accents ("joão" → "joao"). */
function knownLower(flags: WordFlags, w: string): boolean {
  return (lookupFlags(w, flags) & KNOWN) !== 0 || (!isAscii(w) && (lookupFlags(foldAccents(w), flags) & KNOWN) !== 0);
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
/**
 * A house number right before the street type with no street words between ("Bygget 91 street") needs the
 * street name before the number, after a lower-case word ("refers to Bygget 91 street"): "12 Road segments",
 * "Added 3 Street View tiles" are not addresses. Matched against the text before the number.
 */
const NAME_BEFORE_NUMBER_RE = /(?<=[\p{Ll},][ \t]{1,3})\p{Lu}[\p{L}'’\-]{1,30}[ \t]+$/u;
const NUMBER_ONLY_RE = /^\d{1,6}[A-Za-z]?(?:[ \t]*[-/][ \t]*\d{1,5})?,?[ \t]+$/;
/** Lower-case function words never name a street: "line 88, in run" is not "88 … Run". */
const STREET_FUNCTION_WORD_RE = /[ \t,](?:in|on|at|to|of|for|by|and|or|the|a|an|is|are|was|were|be|with|from|per|this|that|these|my|your|our|it|its|if|then|than|as)[ \t]/;
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
// Whole words before a compound street word are part of its name only when capitalised or a name particle
// ("Karl Johans gate 22", "Dirk de Derdelaan 149"); "… Lindqvist at Kungsgatan 44" starts at "Kungsgatan".
const WORD_BACK_RE = /(?:(?<![\p{L}'’\-])(?:\p{Lu}[\p{L}'’\-]{0,29}|de|van|von|der|den|del|di|da|du|la|le|y)[ \t]+){0,3}[\p{L}\-]{0,30}$/u;
const BOX_RE = /(?<![\p{L}\p{N}])(?:P\.?[ \t]?O\.?[ \t]?Box|PSC[ \t]+\d{1,5},?[ \t]+Box|Unit[ \t]+\d{1,5}[ \t]+Box|USNS[ \t]+[A-Z][a-z]{1,20}|USNV[ \t]+[A-Z][a-z]{1,20}|USS[ \t]+[A-Z][a-z]{1,20})[ \t]+\d{1,6}/giu;

/** Every BOX_RE match holds "box", "uss" or "usn" (its "u" and "i" flags: Unicode case folding too). */
const BOX_HINT_RE = /box|uss|usn/iu;
const WORDS_TO_EOL_RE = /\p{L}[\p{L}'’.\-]{0,30}(?:[ \t]+\p{L}[\p{L}'’.\-]{0,30}){0,4}(?=[ \t]*(?:\r?\n|,|$))/uy;
// Military addresses: "USS Dam", "USNS Frías", "USCGC Kristjánsdóttir" followed by an FPO/APO line.
const SHIP_RE = /(?<![\p{L}\p{N}])(?:USS|USNS|USNV|USCGC)[ \t]+\p{Lu}[\p{L}'’\-]{0,30}(?=[ \t]*\r?\n[ \t]*(?:FPO|APO|DPO)\b)/gu;

/** English one-word streets after a house number: "56 Kingsway", "88 Queensway", "1619 Broadway". */
const WAY_COMPOUND_RE = /(?<![\p{L}\p{N}])\d{1,5}[A-Za-z]?[ \t]+\p{Lu}\p{Ll}{1,20}way(?![\p{L}\p{N}])/gu;
/**
 * A unit or plot before the street or locality ("Room 1203, 88 Queensway", "Plot 14, Sector 18, Gurugram",
 * "House No. 221, MG Road"): an anchor that needs an address cue, a postal code or more lines to count.
 */
const UNIT_FIRST_RE = /\b(?:Plot|House No\.?|Flat|Block|Room|Unit|Suite|Apt\.?|Apartment|Level|Shop|Office)[ \t]+(?:No\.?[ \t]*)?\d{1,5}[A-Za-z]?(?:[-/]\d{1,5})?(?=,)/g;

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
    if (!b || STREET_FUNCTION_WORD_RE.test(b[0])) return;
    let s0 = from + b.index;
    if (NUMBER_ONLY_RE.test(b[0])) {
      const w = NAME_BEFORE_NUMBER_RE.exec(text.slice(Math.max(0, s0 - 40), s0));
      if (!w) return;
      s0 -= w[0].length;
    }
    out.push([s0, m.index + m[0].length]);
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
  if (text.indexOf('way') >= 0) eachMatch(WAY_COMPOUND_RE, text, (m) => out.push([m.index, m.index + m[0].length]));
  return out;
}

// Separator between address parts: spaces, a comma, or up to two line breaks (with "> " / "??? " quote marks).
const SEP = "(?:[ \\t]*(?:,|\\r?\\n)[ \\t]*(?:\\r?\\n[ \\t]*)?(?:[>?]{1,3}[ \\t]*)?|[ \\t]+)";
const UNIT_RE = new RegExp(`^${SEP}(?:apt\\.?|apartment|suite|ste\\.?|unit|floor|fl\\.?|room|rm\\.?|bldg\\.?|building|#)[ \\t]*#?[ \\t]*[\\p{L}\\p{N}\\-]{1,8}`, 'iu');
/**
 * Postal codes: NL "1015 CJ", BR "01310-200", 4–6 digits with an optional 3–4 digit extension (US ZIP+4,
 * PT "1100-053"), SE / GR / CZ "111 35" (not a phone number's "089 72 63 41"), PL "00-514", CA "H3B 1K9",
 * UK "NW1 6XE". (JP "100-0005" is left out: it is also a 7-digit phone number.)
 */
const POSTAL =
  '\\d{4}[ \\t]?[A-Z]{2}(?![A-Za-z])|\\d{5}-\\d{3}(?!\\d)|\\d{4,6}(?:-\\d{3,4})?|\\d{3}[ \\t]\\d{2}(?![ \\t]*\\d)|\\d{2}-\\d{3}(?![-\\d])|[A-Z]\\d[A-Z][ \\t]?\\d[A-Z]\\d|[A-Z]{1,2}\\d[A-Z\\d]?[ \\t]?\\d[A-Z]{2}';
const US_STATES = 'AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|AA|AE|AP|PR|GU|VI|AB|BC|MB|NB|NL|NS|ON|PE|QC|SK|NSW|VIC|QLD|TAS|ACT';
// A locality part: city / country words, optional state code, optional postal code; bounded.
const LOCALITY_RE = new RegExp(
  `^${SEP}(?:(?:[\\p{Lu}][\\p{L}'’.\\-]{0,30}|[\\p{Ll}][\\p{L}'’.\\-]{2,30})(?![\\p{L}\\p{N}])(?:[ \\t]+(?:[\\p{L}][\\p{L}'’.\\-]{0,30})(?![\\p{L}\\p{N}])){0,3})?(?:[ \\t]*,?[ \\t]*(?:${US_STATES}|nan))?(?:[ \\t]*,?[ \\t]*(?:${POSTAL}))?`,
  'u',
);
const STATE_POSTAL_RE = new RegExp(`^${SEP}(?:(?:${US_STATES})[ \\t]+)?(?:${POSTAL})(?![\\p{L}\\p{N}])`, 'u');
const POSTAL_END = new RegExp(`(?:${POSTAL})$`);
/** One to three capitalised words right after a postal code on the same line; group 1 is the first. */
const CITY_AFTER_POSTAL_RE = /[ \t]+(\p{Lu}[\p{L}'’\-]{1,30})(?:[ \t]+\p{Lu}[\p{L}'’\-]{0,30}){0,2}(?![\p{L}\p{N}])/uy;
const ADDRESS_CUE = /\b(?:address(?:es)?|addr|live[sd]? (?:at|in)|living at|located at|office is at|ship(?:ped)? to|send (?:it |a new one )?to|sent to|deliver(?:ed)? to|mail(?:ed)? to|moved to|return to|taxi to|residence|resides|(?<![\/\\])home(?![\/\\])|billing|shipping|street|here they are)\b/i;
const PROSE_START = /^[ \t,]*(?:for|and|or|but|the|to|is|was|if|so|please|thanks|last|this|that|with|in|on|at|i|we|you|he|she|they|it|my|your|our|can|could|will|would|should|may|might)\b/i;
// Number + words + number ("92 Eusebio Dávila 57", "21 Turjaška 46"): accepted only with an address
// cue, a unit line, a postal code or a multi-line block after it.
const NWN_RE = /\d(?<![\p{L}\p{N}.,:\/\-]\d)\d{0,4}[ \t]+(?:\d{1,5}[ \t]+)?(?:\p{L}[\p{L}'’.\-]{0,30}[ \t]+){1,4}\d{1,5}[A-Za-z]?(?![\p{L}\p{N}\/:])/gu;

export function findAddresses(text: string): Candidate[] {
  const out: Candidate[] = [];
  if (!/\d/.test(text)) return out;
  // [start, end, kind]: 1 a street line, 0 number + words + number, 2 a unit first ("Flat 3,").
  const anchors: Array<[number, number, number]> = streetLines(text).map(([a, b]) => [a, b, 1]);
  eachMatch(NWN_RE, text, (m) => anchors.push([m.index, m.index + m[0].length, 0]));
  eachMatch(UNIT_FIRST_RE, text, (m) => anchors.push([m.index, m.index + m[0].length, 2]));
  anchors.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let lastEnd = -1;
  let unitStart = -1;
  for (let i = 0; i < anchors.length; i++) {
    const [s0, e0, kind] = anchors[i];
    if (s0 < lastEnd) continue;
    // A unit right before a street line ("Flat 12, 8 Hanover Square"): the street line is the anchor,
    // and the address starts at the unit.
    if (kind === 2 && i + 1 < anchors.length && anchors[i + 1][0] <= e0 + 3) {
      unitStart = s0;
      continue;
    }
    const typed = kind === 1;
    let start = unitStart >= 0 && unitStart < s0 && s0 - unitStart < 40 ? unitStart : s0;
    unitStart = -1;
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
        // Postal code before the city ("10115 Berlin", "111 35 Stockholm", "1015 CJ Amsterdam").
        CITY_AFTER_POSTAL_RE.lastIndex = end;
        const city = CITY_AFTER_POSTAL_RE.exec(text);
        if (city && !NOT_NAMES.has(city[1].toLowerCase())) end += city[0].length;
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
