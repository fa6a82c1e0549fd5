/**
 * Runs every recognizer over a text, applies context words (which raise or lower confidence), drops
 * matches that need context and have none, and resolves overlaps (highest confidence, then longest).
 * Returns findings with masked previews; raw values stay inside RawFinding and never leave the engine.
 */
import type { EntityType, RawFinding } from './types.js';
import type { Candidate } from './recognizers/candidate.js';
import { Hit } from './recognizers/candidate.js';
export { plainFinding } from './recognizers/candidate.js';
import { findCards, findDates, findEmails, findIbans, findIps, findMrns, findPassports, findPhones, findSsns } from './recognizers/structured.js';
import { findSecrets } from './recognizers/secrets.js';
import { findAddresses, findPersons } from './recognizers/names.js';
import { ContextIndex, POSITIVE_KIND } from './context.js';
import { SEVERITY } from './policies.js';

/** Findings below this are not reported. */
export const REPORT_THRESHOLD = 0.5;

/** Types whose confidence drops next to "version", "port", "order", "sample"… */
const NEGATIVE_APPLIES: ReadonlySet<EntityType> = new Set(['PHONE', 'IP_ADDRESS', 'SSN', 'PASSPORT', 'DATE_OF_BIRTH', 'MRN']);

/** Context window: words up to this many characters before / after a value count. */
const BEFORE = 48;
const AFTER = 24;
/**
 * Values that are reported only with a context word may have it a few words later ("A12345678 es mi
 * número de pasaporte", "078 05 1120 is my SSN").
 */
const AFTER_REQUIRED = 40;
/** Negative words only count right before the value ("version 1.2.3.4", "order 4111…"). */
const NEGATIVE_BEFORE = 28;

/**
 * Applies context words to a candidate's score; returns -1 when it must be dropped (a number-only return,
 * not `number | null`: called once per candidate, and a union return boxes every score in V8).
 */
function score(ctx: ContextIndex, c: Candidate): number {
  if (c.contextApplied) return c.score;
  const kind = POSITIVE_KIND[c.type];
  const needsContext = c.needsContext === true;
  const hasPos = kind ? ctx.near(kind, c.start, c.end, BEFORE, needsContext ? AFTER_REQUIRED : AFTER) : false;
  if (needsContext && !hasPos) return -1;
  let s = c.score;
  if (hasPos) s += needsContext ? 0.45 : 0.2;
  if (NEGATIVE_APPLIES.has(c.type) && ctx.near('NEGATIVE', c.start, c.start, NEGATIVE_BEFORE, 0, true)) s -= 0.3;
  return Math.max(0, Math.min(0.99, s));
}

export interface DetectOptions {
  /** Skip layer 2 (PERSON, ADDRESS), e.g. for pure secret scans. */
  structuredOnly?: boolean;
  /** Keep findings below the report threshold (feedback tooling, debugging). */
  keepLow?: boolean;
  /** Caller-supplied context (e.g. "customer_support", "patient intake") that counts as nearby words. */
  context?: string;
}

/**
 * Character-class counts of a text. Each recognizer below needs a minimum of some class to produce
 * anything at all (a card has 12+ digits, an IPv4 3 dots…), so a pass whose minimum is not met is
 * skipped: the gates only ever skip passes that provably find nothing. The counts stop at the largest
 * minimum a gate asks for (SHAPE_DIGITS_CAP, SHAPE_DOTS_CAP), so most texts are settled by their first
 * few hundred characters instead of a loop over every character.
 */
export interface TextShape {
  /** Digits [0-9], counted up to SHAPE_DIGITS_CAP. */
  digits: number;
  /** ".", counted up to SHAPE_DOTS_CAP. */
  dots: number;
  colon: boolean;
  /** An ASCII capital or any non-ASCII character (which may be a Unicode capital). */
  capitals: boolean;
  /** An ASCII letter or any non-ASCII character (which may be a letter). */
  letters: boolean;
}

/** The largest digit minimum of a gate (MIN_DIGITS_CARD). */
export const SHAPE_DIGITS_CAP = 12;
/** The largest dot minimum of a gate (IPv4). */
export const SHAPE_DOTS_CAP = 3;

// (No "u" flag: each class matches single UTF-16 code units, as charCodeAt does.)
const DIGIT_RE = /[0-9]/g;
const CAPITAL_RE = /[A-Z\u0080-\uffff]/;
const LOWER_RE = /[a-z]/;

/** textShape's character classes: 1 digit, 2 ".", 3 ":", 4 ASCII capital, 5 ASCII lower-case letter. */
const SHAPE_CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) SHAPE_CLASS[c] = 1;
SHAPE_CLASS[46] = 2;
SHAPE_CLASS[58] = 3;
for (let c = 65; c <= 90; c++) SHAPE_CLASS[c] = 4;
for (let c = 97; c <= 122; c++) SHAPE_CLASS[c] = 5;

/** Texts up to this long are counted by one loop: for them five native searches cost more than it. */
const SHAPE_LOOP_MAX = 1024;

export function textShape(text: string): TextShape {
  if (text.length <= SHAPE_LOOP_MAX) return shapeByLoop(text);
  // Native searches that stop at the first hits (a regex or indexOf skips non-matching characters much
  // faster than a charCodeAt loop visits them); the worst case is one pass per class.
  let digits = 0;
  DIGIT_RE.lastIndex = 0;
  while (digits < SHAPE_DIGITS_CAP && DIGIT_RE.test(text)) digits++;
  let dots = 0;
  for (let i = text.indexOf('.'); i >= 0 && ++dots < SHAPE_DOTS_CAP; ) i = text.indexOf('.', i + 1);
  const capitals = CAPITAL_RE.test(text);
  return { digits, dots, colon: text.indexOf(':') >= 0, capitals, letters: capitals || LOWER_RE.test(text) };
}

function shapeByLoop(text: string): TextShape {
  // One counter per class, indexed by a table lookup: no branch per character. Non-ASCII counts as a
  // possible capital.
  let d = 0;
  let dots = 0;
  let colon = 0;
  let cap = 0;
  let low = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const k = c < 128 ? SHAPE_CLASS[c] : 4;
    d += k === 1 ? 1 : 0;
    dots += k === 2 ? 1 : 0;
    colon |= k === 3 ? 1 : 0;
    cap |= k === 4 ? 1 : 0;
    low |= k === 5 ? 1 : 0;
  }
  const capitals = cap !== 0;
  return { digits: Math.min(d, SHAPE_DIGITS_CAP), dots: Math.min(dots, SHAPE_DOTS_CAP), colon: colon !== 0, capitals, letters: capitals || low !== 0 };
}

// Minimum digits a match of each recognizer holds (from its regex and its own checks).
/** CARD_RE: 4 + 8 digits at least. */
const MIN_DIGITS_CARD = 12;
/** SSN_RE and SSN_WEAK_RE: 9 digits. */
const MIN_DIGITS_SSN = 9;
/** findPhones drops a match with fewer than 6 digits. */
const MIN_DIGITS_PHONE = 6;
/** IPV4_RE: four numbers and three dots (IPv6 needs ":" instead). */
const MIN_DIGITS_IPV4 = 4;
/** findPassports drops a match with fewer than 3 digits. */
const MIN_DIGITS_PASSPORT = 3;
/** DATE_RE: "1/2/90" (4), "March 2, 1990" (5), "1990-1-2" (6). */
const MIN_DIGITS_DATE = 4;
/** MRN_RE: 6–10 digits. */
const MIN_DIGITS_MRN = 6;

export function collectCandidates(text: string, opts: DetectOptions = {}, ctx = new ContextIndex(text, opts.context), shape = textShape(text)): Candidate[] {
  let cands: Candidate[] = [];
  cands = append(cands, findSecrets(text));
  cands = append(cands, findEmails(text));
  // Cards, IBANs, SSNs, phones, IPv4, passports, dates, MRNs and street addresses all contain digits:
  // most prompts have none, and then none of those scans runs (IPv6 needs ":" and is checked by itself).
  const { digits } = shape;
  if (digits >= MIN_DIGITS_CARD) cands = append(cands, findCards(text));
  if (digits >= 2) cands = append(cands, findIbans(text));
  if (digits >= MIN_DIGITS_SSN) cands = append(cands, findSsns(text));
  if (digits >= MIN_DIGITS_PHONE) cands = append(cands, findPhones(text, ctx));
  if ((digits >= MIN_DIGITS_IPV4 && shape.dots >= 3) || shape.colon) cands = append(cands, findIps(text, ctx));
  // Passport numbers, dates of birth and MRNs are only reported next to their context words: when the
  // text (or the caller's context) has none of those words anywhere, those scans are skipped.
  if (digits >= MIN_DIGITS_PASSPORT && ctx.has('PASSPORT')) cands = append(cands, findPassports(text));
  if (digits >= MIN_DIGITS_DATE && ctx.has('DATE_OF_BIRTH')) cands = append(cands, findDates(text));
  if (digits >= MIN_DIGITS_MRN && ctx.has('MRN')) cands = append(cands, findMrns(text));
  if (!opts.structuredOnly) {
    // Every address anchor holds a number and a word.
    if (digits > 0 && shape.letters) cands = append(cands, findAddresses(text));
    // Capitalised runs, name lists ("and") and lower-case names after a cue all need letters.
    if (shape.letters) cands = append(cands, findPersons(text, shape.capitals));
  }
  return cands;
}

/**
 * Recognizers return fresh arrays: the first non-empty one is kept and the others appended to it (no copy
 * of a 100k-candidate list).
 */
function append(cands: Candidate[], list: Candidate[]): Candidate[] {
  if (cands.length === 0) return list;
  for (let i = 0; i < list.length; i++) cands.push(list[i]);
  return cands;
}

/** Detects findings in `text`. Offsets are JS string offsets, end-exclusive. */
export function detect(text: string, opts: DetectOptions = {}): RawFinding[] {
  if (!text) return [];
  text = flatCopy(text);
  const shape = textShape(text);
  const ctx = new ContextIndex(text, opts.context);
  const scored = asHits(collectCandidates(text, opts, ctx, shape), text);
  const hasAddress = scoreInPlace(scored, ctx, !!opts.keepLow);
  // A name inside a detected street address is part of the address ("Rua das Pedras", "São Paulo").
  const kept = hasAddress ? dropPersonsInAddresses(scored, text.length) : scored;
  return asFindings(resolveOverlaps(kept, text.length));
}

/** Inputs at least this long are scanned from a flat copy (see flatCopy). */
const FLAT_COPY_MIN = 64 * 1024;
const NON_LATIN1_RE = /[^\x00-\xff]/;

/**
 * A flat sequential copy of a long text. Strings made by slicing or concatenation (a slice of a
 * repeated string, a prompt assembled from parts) are views onto other strings, and every charCodeAt in
 * the per-character loops of the recognizers pays for the indirection: 10–25 % of a key- or date-dense
 * 1 MB scan. The copy (a Buffer round trip, ~1 ms per MB) has the same code units, so every offset and
 * finding is the same; the findings' values are read from it.
 */
function flatCopy(text: string): string {
  if (text.length < FLAT_COPY_MIN) return text;
  return NON_LATIN1_RE.test(text) ? Buffer.from(text, 'utf16le').toString('utf16le') : Buffer.from(text, 'latin1').toString('latin1');
}

// detect's steps are separate small functions on purpose: each per-candidate loop is compiled (and, when
// a new candidate shape deoptimizes it, recompiled) by V8 on its own. As one big function, every such
// recompile re-optimized all of detect: 10–20 ms of compiler CPU per 1 MB scan of a new shape.

/**
 * Applies context words to every candidate and drops those that fail (filtered in place: the candidate
 * list is a fresh array owned by this call, so no second 100k-entry array). True when an address is kept.
 */
function scoreInPlace(scored: Candidate[], ctx: ContextIndex, keepLow: boolean): boolean {
  let hasAddress = false;
  let w = 0;
  for (let r = 0; r < scored.length; r++) {
    const c = scored[r];
    const s = score(ctx, c);
    if (s < 0) continue;
    if (!keepLow && s < REPORT_THRESHOLD) continue;
    // Candidates are fresh objects owned by this call. Most scores come out unchanged (no context word
    // next to them): not storing those saves a boxed number per finding.
    if (s !== c.score) c.score = s;
    scored[w++] = c;
    if (c.type === 'ADDRESS') hasAddress = true;
  }
  scored.length = w;
  return hasAddress;
}

function dropPersonsInAddresses(scored: Candidate[], length: number): Candidate[] {
  const addresses = scored.filter((c) => c.type === 'ADDRESS');
  if (addresses.length * scored.length <= 4096) {
    // A few of each (every real prompt): compare directly.
    return scored.filter((c) => c.type !== 'PERSON' || !addresses.some((a) => a.start <= c.start && c.end <= a.end));
  }
  // Address coverage as ids per character: linear, not persons × addresses.
  const owner = new Int32Array(length).fill(-1);
  scored.forEach((c, i) => {
    if (c.type === 'ADDRESS') owner.fill(i, c.start, c.end);
  });
  return scored.filter((c) => c.type !== 'PERSON' || owner[c.start] < 0 || owner[c.start] !== owner[c.end - 1]);
}

/**
 * Plain candidates wrapped as Hits, in place (the list is a fresh array owned by this call). Done before
 * scoring, not after: every later step then reads one object shape. Recognizers return several shapes
 * (Hits, plain objects with or without the two flags), and property reads on a mix of more than four
 * shapes go through V8's generic (megamorphic) lookup — several per candidate in each step, which on a
 * 100k-candidate input was a good part of the per-finding cost.
 */
function asHits(cands: Candidate[], text: string): Hit[] {
  for (let k = 0; k < cands.length; k++) {
    const c = cands[k];
    if (!(c instanceof Hit)) cands[k] = new Hit(text, c.type, c.start, c.end, c.score, c.recognizer, c.needsContext === true, c.contextApplied === true);
  }
  return cands as Hit[];
}

/** `taken` holds Hits only (see asHits): they are the findings, one object per finding. */
function asFindings(taken: Candidate[]): RawFinding[] {
  return taken as Hit[];
}

/** Secrets outrank everything else in an overlap: leaking half a credential is worse than a mis-typed span. */
const SECRET_TYPES: ReadonlySet<EntityType> = new Set(['API_KEY', 'PASSWORD', 'URL_CREDENTIALS']);
const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/**
 * Overlap order: a secret beats a non-secret (so "user:pass@host" is URL_CREDENTIALS, never an EMAIL
 * "pass@host"); otherwise higher confidence, then the longer span, then the higher severity.
 */
function outranks(a: Candidate, b: Candidate): number {
  const sa = SECRET_TYPES.has(a.type) ? 1 : 0;
  const sb = SECRET_TYPES.has(b.type) ? 1 : 0;
  return (
    sb - sa ||
    b.score - a.score ||
    b.end - b.start - (a.end - a.start) ||
    SEVERITY_RANK[SEVERITY[b.type]] - SEVERITY_RANK[SEVERITY[a.type]] ||
    a.start - b.start
  );
}

/**
 * Overlaps are settled by `outranks`. Candidates are bucketed by start
 * (linear) and only clusters of overlapping candidates are sorted, so 100k non-overlapping findings
 * (adversarial input) cost no global sort. Returns the winners ordered by start.
 */
function resolveOverlaps(cands: Candidate[], length: number): Candidate[] {
  if (cands.length <= 1) return cands;
  // Usual case (and the 75k-findings adversarial one): already in order and disjoint — nothing to settle.
  let ordered0 = true;
  for (let i = 1; i < cands.length && ordered0; i++) ordered0 = cands[i].start >= cands[i - 1].end;
  if (ordered0) return cands;
  // Few candidates (every real prompt): a plain sort by start instead of per-character buckets.
  // (Array sort is stable, as are bucketByStart and mergeRuns: all order by start, then list position.)
  // A long list made of a few ascending runs (one per recognizer: vendor tokens, then bearer tokens) is
  // merged run by run, without bucketByStart's per-character tables.
  const ordered: Candidate[] = cands.length <= 256 ? [...cands].sort(byStart) : ascendingRuns(cands, 8) <= 8 ? mergeRuns(cands) : bucketByStart(cands, length);
  const out: Candidate[] = [];
  const cluster: Candidate[] = [];
  const won: Candidate[] = [];
  let k = 0;
  while (k < ordered.length) {
    // Grow a cluster of transitively overlapping candidates.
    let end = ordered[k].end;
    let j = k + 1;
    while (j < ordered.length && ordered[j].start < end) {
      if (ordered[j].end > end) end = ordered[j].end;
      j++;
    }
    if (j === k + 1) out.push(ordered[k]);
    else if (j === k + 2 && ordered[k].end > ordered[k].start && ordered[k + 1].end > ordered[k + 1].start) {
      // Two overlapping candidates (a vendor token also judged as a high-entropy token, a card also read
      // as a phone…): the one ranked first wins and the other touches it, so it is dropped. (Same answer
      // as the general path below — a stable sort keeps the first of two equal ones — without its arrays.)
      const a = ordered[k];
      const b = ordered[k + 1];
      out.push(outranks(a, b) <= 0 ? a : b);
    } else {
      // (Small clusters are sorted by insertion in two arrays reused for every cluster of this call:
      // Array sort allocates work arrays per call, which for 20k three-candidate clusters per MB was
      // most of a bearer-dense scan's garbage. Both sorts are stable, so the order is the same.)
      if (j - k <= SMALL_CLUSTER) {
        cluster.length = 0;
        for (let i = k; i < j; i++) cluster.push(ordered[i]);
        insertionSort(cluster, outranks);
        settleSmallCluster(cluster, won);
        insertionSort(won, byStart);
        for (let i = 0; i < won.length; i++) out.push(won[i]);
      } else {
        const big = ordered.slice(k, j).sort(outranks);
        const bigWon = settleCluster(big, ordered[k].start, end);
        bigWon.sort(byStart);
        for (const w of bigWon) out.push(w);
      }
    }
    k = j;
  }
  return out;
}

/** Clusters up to this size are settled by comparing spans (no coverage table per cluster). */
const SMALL_CLUSTER = 16;

/**
 * A cluster sorted by `outranks`: each candidate in turn is kept unless a character of its span is
 * already covered by a kept one. Coverage over the cluster's range: linear in span lengths even for a
 * huge chained cluster.
 */
function settleCluster(cluster: Candidate[], base: number, end: number): Candidate[] {
  const covered = new Uint8Array(end - base);
  const won: Candidate[] = [];
  outer: for (const c of cluster) {
    for (let i = c.start - base; i < c.end - base; i++) if (covered[i]) continue outer;
    covered.fill(1, c.start - base, c.end - base);
    won.push(c);
  }
  return won;
}

/**
 * settleCluster for a few candidates (a vendor token also found as a bearer token and as a high-entropy
 * token): a span has a covered character exactly when it overlaps a kept non-empty span, and an empty
 * span covers nothing and is never blocked — the same answers without a typed array per cluster.
 */
function settleSmallCluster(cluster: Candidate[], won: Candidate[]): void {
  won.length = 0;
  outer: for (let i = 0; i < cluster.length; i++) {
    const c = cluster[i];
    if (c.end > c.start) {
      for (let q = 0; q < won.length; q++) {
        const w = won[q];
        if (w.end > w.start && c.start < w.end && w.start < c.end) continue outer;
      }
    }
    won.push(c);
  }
}

function byStart(a: Candidate, b: Candidate): number {
  return a.start - b.start;
}

/** Stable in-place insertion sort (for a few elements: no work arrays, unlike Array sort). */
function insertionSort(a: Candidate[], cmp: (x: Candidate, y: Candidate) => number): void {
  for (let i = 1; i < a.length; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= 0 && cmp(a[j], x) > 0) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

/**
 * The candidates ordered by start, stable (the order of a stable sort and of bucketByStart), for a list
 * made of a few ascending runs: the runs are merged one after another, a tie going to the earlier run.
 */
function mergeRuns(cands: Candidate[]): Candidate[] {
  let merged: Candidate[] = [];
  let i = 0;
  while (i < cands.length) {
    let j = i + 1;
    while (j < cands.length && cands[j].start >= cands[j - 1].start) j++;
    // merged (earlier runs) and cands[i, j) (the next run), both ordered by start.
    const out = new Array<Candidate>(merged.length + j - i);
    let o = 0;
    let a = 0;
    let b = i;
    while (a < merged.length && b < j) out[o++] = cands[b].start < merged[a].start ? cands[b++] : merged[a++];
    while (a < merged.length) out[o++] = merged[a++];
    while (b < j) out[o++] = cands[b++];
    merged = out;
    i = j;
  }
  return merged;
}

/** How many ascending runs (by start) the list is made of, counting up to `max` + 1. */
function ascendingRuns(cands: Candidate[], max: number): number {
  let runs = 1;
  for (let i = 1; i < cands.length && runs <= max; i++) if (cands[i].start < cands[i - 1].start) runs++;
  return runs;
}

/** Candidates ordered by start (stable) in linear time: buckets per start offset. */
function bucketByStart(cands: Candidate[], length: number): Candidate[] {
  const head = new Int32Array(length + 1).fill(-1);
  const next = new Int32Array(cands.length);
  for (let i = cands.length - 1; i >= 0; i--) {
    const st = cands[i].start;
    next[i] = head[st];
    head[st] = i;
  }
  const ordered: Candidate[] = [];
  for (let p = 0; p <= length; p++) for (let i = head[p]; i >= 0; i = next[i]) ordered.push(cands[i]);
  return ordered;
}
