/**
 * The semantic cache's precision gate. A retrieved candidate is served only if the two prompts agree on
 * everything a bag-of-words embedding blurs: numbers (and versions), negations, antonyms (enable/disable),
 * narrowing words (only, all, every), programming languages / formats / units, named entities, code tokens
 * (identifiers, file names, flags), direction ("JSON to YAML" vs "YAML to JSON", "X faster than Y"), and
 * content words: a word one side has and the other lacks must be filler ("best way to") or a close
 * synonym of a left-over word on the other side, and never a rare word. A wrong answer is worse than a miss.
 */
import type { Lexicon } from './embedder/types.js';
import { tokenize, stem, type Token } from './tokenize.js';
import {
  ANTONYM_GROUPS, CANONICAL_WORDS, DIRECTION_MARKERS, NEGATED_FORMS, ENTITY_WORDS, FILLER_WORDS, KEY_TERMS, LANGUAGE_TERMS, NEGATION_CUES, NUMBER_WORDS,
  PLATFORM_TERMS, STOP_WORDS, STRICT_WORDS, TYPE_TERMS, UNIT_TERMS, WEAK_DIRECTION_MARKERS,
} from './lexicon.js';

export type VerifyReason =
  | 'numbers' | 'negation' | 'antonym' | 'strict-word' | 'key-term' | 'entity' | 'code' | 'direction'
  | 'rare-word' | 'content-word' | 'too-different' | 'swap' | 'empty';

export type WordClass = 'key' | 'entity' | 'code' | 'strict' | 'polar' | 'filler' | 'plain';

export interface PromptFeatures {
  numbers: string[];
  negations: string[];
  /** Distinct code tokens, lower-cased ("Iter_archive()" at a sentence start is still iter_archive()). */
  codes: string[];
  /** Arithmetic / comparison operators ("2 + 2" vs "2 * 2"). */
  ops: string[];
  /** Content stems -> class and a representative lower-case word. */
  content: Map<string, { word: string; cls: WordClass }>;
  /**
   * Content items in order of appearance, with the direction marker (if any) between each and the one
   * before it, and the kind of named term it is (language, type, platform, unit, entity, number, code).
   */
  sequence: Array<{ stem: string; marker: 'strong' | 'weak' | null; kind: string | null; pos: number }>;
  /** Entity stems in order (PAWS-style swaps of names change the meaning). */
  entityOrder: string[];
  /** All stems (stop words included), for antonym conflicts. */
  allStems: Set<string>;
  /** Every token in order (stems for words, text for the rest), for swap detection. */
  tokens: string[];
  /** Content stems that occur exactly once -> their index in `tokens`. */
  uniquePos: Map<string, number>;
}

export interface VerifyOptions {
  /** Words at or beyond this GloVe rank (or unknown) are "rare": they must appear on both sides. */
  rareRank: number;
  /** Minimum word-vector cosine for a left-over word to count as a synonym of one on the other side. */
  synonymSimilarity: number;
  /** Left-over (soft-matched) content words allowed per side, plus one per 8 content words. */
  maxSoftMatches: number;
}

export const DEFAULT_VERIFY_OPTIONS: VerifyOptions = { rareRank: 25_000, synonymSimilarity: 0.65, maxSoftMatches: 1 };

export type VerifyResult = { ok: true; softMatches: number } | { ok: false; reason: VerifyReason; detail?: string };

// Maps, not the lexicon's plain objects: a prompt word like "constructor" must not find Object.prototype.
const canonical = new Map(Object.entries(CANONICAL_WORDS));
const negationCue = new Map(Object.entries(NEGATION_CUES));
const numberWord = new Map(Object.entries(NUMBER_WORDS));
const negatedForm = new Map(Object.entries(NEGATED_FORMS));
const stopSet = new Set(STOP_WORDS);
const COORDINATION = new Set(['and', 'or', 'vs', 'versus', 'nor', '&', '/']);
const OPERATORS = new Set(['+', '*', '/', '^', '=', '<', '>', '×', '÷']);
const fillerStems = new Set(FILLER_WORDS.map(stem));
const strictStems = new Set(STRICT_WORDS.map(stem));
const keySet = new Set(KEY_TERMS);
const entitySet = new Set(ENTITY_WORDS);
const markerSet = new Set(DIRECTION_MARKERS.filter((m) => m !== 'of' && m !== 'as' && m !== 'per'));
const weakMarkerSet = new Set(WEAK_DIRECTION_MARKERS);
const termKind = new Map<string, string>();
for (const [kind, list] of [['unit', UNIT_TERMS], ['platform', PLATFORM_TERMS], ['type', TYPE_TERMS], ['language', LANGUAGE_TERMS]] as const) {
  for (const w of list) termKind.set(w, kind);
}
/** Plural key terms compare with their singular ("lists" = "list", "miles" = "mile"), never "https" = "http". */
function keyForm(lower: string): string {
  if (lower.endsWith('s') && termKind.get(lower.slice(0, -1)) && ['type', 'unit'].includes(termKind.get(lower.slice(0, -1))!)) return lower.slice(0, -1);
  return lower;
}
const antonymStemGroups = ANTONYM_GROUPS.map((g) => new Set(g.map(stem)));
const polarStems = new Set(ANTONYM_GROUPS.flat().map(stem));
// Key terms that are also everyday words: they count as key terms only when written with a capital
// mid-sentence ("in Go", "a REST API") or in their unambiguous spelling.
const AMBIGUOUS_KEYS = new Set([
  'go', 'rest', 'express', 'spring', 'rails', 'swift', 'dart', 'julia', 'scheme', 'batch', 'shell', 'node', 'fish',
  'bun', 'est', 'ist', 'less', 'r', 'c', 'pass', 'md', 'sh', 'ts', 'js', 'mac', 'vb', 'ini', 'hex', 'ms', 'bit', 'bits',
  'second', 'foot', 'pound', 'pounds', 'oracle', 'apache', 'meta', 'zoom', 'slack', 'outlook', 'apple', 'amazon',
  'turkey', 'jordan', 'congress', 'mode', 'mean',
]);

/** Extracts what the verifier compares; computed once per stored prompt. */
export function extractFeatures(text: string, lex?: Lexicon): PromptFeatures {
  const toks = expandWords(tokenize(text), lex);
  const numbers: string[] = [];
  const negations: string[] = [];
  const codes: string[] = [];
  const ops: string[] = [];
  const content = new Map<string, { word: string; cls: WordClass }>();
  const sequence: PromptFeatures['sequence'] = [];
  const entityOrder: string[] = [];
  const allStems = new Set<string>();
  const tokens: string[] = [];
  const seen = new Map<string, number>();
  const note = (k: string) => {
    seen.set(k, seen.has(k) ? -1 : tokens.length - 1);
  };
  let marker: 'strong' | 'weak' | null = null;
  const item = (st: string, kind: string | null) => {
    sequence.push({ stem: st, marker, kind, pos: tokens.length - 1 });
    marker = null;
  };
  for (const t of toks) {
    tokens.push(t.kind === 'word' ? stem(t.lower) : t.lower);
    if (t.kind === 'symbol') {
      if (markerSet.has(t.text)) marker = 'strong';
      if (t.text === '%') numbers.push('%');
      if (OPERATORS.has(t.text)) ops.push(t.text);
      continue;
    }
    if (t.kind === 'number') {
      numbers.push(t.text);
      item(`#${t.text}`, 'number');
      tokens[tokens.length - 1] = `#${t.text}`;
      note(`#${t.text}`);
      continue;
    }
    const lower = canonical.get(t.lower) ?? t.lower;
    if (t.kind === 'code' && !keySet.has(lower)) {
      if (!codes.includes(lower)) codes.push(lower);
      item(`\`${lower}`, 'code');
      tokens[tokens.length - 1] = `\`${lower}`;
      note(`\`${lower}`);
      continue;
    }
    const neg = negationCue.get(lower);
    // A leading "No," / "Yes," is an answer particle, not a negation of the content.
    const particle = t.sentenceStart && (lower === 'no' || lower === 'yes') && toks[toks.indexOf(t) + 1]?.text === ',';
    if (neg && !particle) {
      negations.push(neg);
      continue;
    }
    if (particle) continue;
    const st = stem(lower);
    allStems.add(st);
    if (markerSet.has(lower)) marker = 'strong';
    else if (weakMarkerSet.has(lower) && marker === null) marker = 'weak';
    const num = numberWord.get(lower);
    if (num !== undefined) {
      numbers.push(num);
      item(`#${num}`, 'number');
      tokens[tokens.length - 1] = `#${num}`;
      note(`#${num}`);
      continue;
    }
    if (stopSet.has(lower)) continue;
    const cls = classifyWord(t, lex);
    const k = cls === 'key' ? keyForm(lower) : cls === 'entity' ? lower : st;
    if (!content.has(k) || rankClass(cls) > rankClass(content.get(k)!.cls)) content.set(k, { word: lower, cls });
    tokens[tokens.length - 1] = k;
    note(k);
    item(k, cls === 'key' ? termKind.get(keyForm(lower)) ?? 'language' : cls === 'entity' ? 'entity' : null);
    if (cls === 'entity') entityOrder.push(k);
  }
  numbers.sort();
  negations.sort();
  codes.sort();
  ops.sort();
  const uniquePos = new Map<string, number>();
  for (const [k, i] of seen) if (i >= 0) uniquePos.set(k, i);
  return { numbers, negations, codes, ops, content, sequence, entityOrder, allStems, tokens, uniquePos };
}

/**
 * Word-level normalisation before comparison: "inaccurate" -> "not accurate"; hyphenated words compare
 * by their parts ("pretty-print" = "pretty print"), and a rare solid compound splits into two common words
 * ("multiline" = "multi line") so both spellings meet.
 */
function expandWords(toks: Token[], lex?: Lexicon): Token[] {
  const out: Token[] = [];
  const part = (t: Token, w: string, first: boolean): Token => ({ ...t, text: w, lower: w.toLowerCase(), sentenceStart: first && t.sentenceStart, capital: first && t.capital });
  const common = (w: string) => (lex?.rank(w) ?? Infinity) < 20_000;
  for (const t of toks) {
    if (t.kind !== 'word') {
      out.push(t);
      continue;
    }
    const neg = negatedForm.get(t.lower);
    if (neg) {
      out.push(part(t, 'not', true), part(t, neg, false));
      continue;
    }
    if (/^[a-z]+(?:-[a-z]+)+$/i.test(t.text) && !keySet.has(t.lower)) {
      t.text.split('-').forEach((w, i) => out.push(part(t, w, i === 0)));
      continue;
    }
    // Only words the vectors do not know at all (in any inflection) are candidates for a compound split.
    const unknown = (w: string) => lex?.rank(w) === undefined && lex?.rank(w.replace(/e?s$/, '')) === undefined;
    if (lex && /^[a-z]{6,}$/.test(t.lower) && unknown(t.lower)) {
      let split: [string, string] | undefined;
      for (let i = 3; i <= t.lower.length - 3 && !split; i++) {
        const a = t.lower.slice(0, i), b = t.lower.slice(i);
        if (common(a) && common(b) && !stopSet.has(a) && !stopSet.has(b)) split = [a, b];
      }
      if (split) {
        out.push(part(t, split[0], true), part(t, split[1], false));
        continue;
      }
    }
    out.push(t);
  }
  return out;
}

function classifyWord(t: Token, lex?: Lexicon): WordClass {
  const lower = t.lower;
  if (keySet.has(lower) || keySet.has(keyForm(lower))) {
    if (!AMBIGUOUS_KEYS.has(keyForm(lower))) return 'key';
    if ((t.capital && !t.sentenceStart) || /^[A-Z]{2,}$/.test(t.text)) return 'key';
  }
  if (/[+#]/.test(lower)) return 'key'; // c++, c#, f#
  if (entitySet.has(lower) && !AMBIGUOUS_KEYS.has(lower)) return 'entity';
  const st = stem(lower);
  if (strictStems.has(st)) return 'strict';
  if (polarStems.has(st)) return fillerStems.has(st) ? 'filler' : 'polar';
  if (fillerStems.has(st)) return 'filler';
  if (t.capital && !t.sentenceStart && lower !== 'i') {
    // A capital mid-sentence marks a name, unless it is shouted emphasis of a common word ("ONLY").
    const r = lex?.rank(lower);
    if (!(/^[A-Z]+$/.test(t.text) && r !== undefined && r < 2000)) return 'entity';
  }
  if (t.capital && t.sentenceStart) {
    const r = lex?.rank(lower);
    if (r === undefined || r >= 20_000) return 'entity';
  }
  return 'plain';
}

function rankClass(c: WordClass): number {
  return { plain: 0, filler: 1, polar: 2, strict: 3, entity: 4, key: 5, code: 6 }[c];
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Decides whether a cached answer for prompt `b` may be served for prompt `a`.
 * Order of checks: cheap exact comparisons first, then content words, then direction.
 */
export function verifyMatch(a: PromptFeatures, b: PromptFeatures, lex?: Lexicon, opts: VerifyOptions = DEFAULT_VERIFY_OPTIONS): VerifyResult {
  if (a.content.size === 0 && b.content.size === 0 && a.codes.length === 0 && b.codes.length === 0) return { ok: false, reason: 'empty' };
  if (!sameList(a.numbers, b.numbers)) return { ok: false, reason: 'numbers' };
  if (!sameList(a.negations, b.negations)) return { ok: false, reason: 'negation' };
  if (!sameList(a.codes, b.codes)) return { ok: false, reason: 'code' };
  if (!sameList(a.ops, b.ops)) return { ok: false, reason: 'numbers', detail: 'operators' };
  for (const g of antonymStemGroups) {
    const inA = [...g].filter((s) => a.allStems.has(s));
    const inB = [...g].filter((s) => b.allStems.has(s));
    if (inA.length && inB.length && (inA.some((s) => !b.allStems.has(s)) || inB.some((s) => !a.allStems.has(s)))) {
      return { ok: false, reason: 'antonym', detail: `${inA.join('/')} vs ${inB.join('/')}` };
    }
  }

  const leftA = unmatched(a, b);
  const leftB = unmatched(b, a);
  // Left-over polar words (no conflict found above) may pair with a non-polar synonym ("create" ~ "build").
  const soft = (cls: WordClass) => cls === 'plain' || cls === 'polar';
  for (const [side, left] of [[a, leftA], [b, leftB]] as const) {
    for (const s of left) {
      const { word, cls } = side.content.get(s)!;
      if (cls === 'filler') continue;
      if (cls === 'key') return { ok: false, reason: 'key-term', detail: word };
      if (cls === 'entity') return { ok: false, reason: 'entity', detail: word };
      if (cls === 'strict') return { ok: false, reason: 'strict-word', detail: word };
      if (cls === 'code') return { ok: false, reason: 'code', detail: word };
      const r = lex?.rank(word);
      if (r === undefined || r >= opts.rareRank) return { ok: false, reason: 'rare-word', detail: word };
    }
  }
  // Soft left-overs must pair up one-to-one as synonyms (best pairs first); two polar words never pair.
  const softA = leftA.map((s) => a.content.get(s)!).filter((c) => soft(c.cls));
  const softB = leftB.map((s) => b.content.get(s)!).filter((c) => soft(c.cls));
  const list = (xs: typeof softA) => xs.map((x) => x.word).join(' ');
  if (softA.length !== softB.length) return { ok: false, reason: 'content-word', detail: `${list(softA)} | ${list(softB)}` };
  const budget = opts.maxSoftMatches + Math.floor(Math.min(a.content.size, b.content.size) / 8);
  if (softA.length > budget) return { ok: false, reason: 'too-different', detail: `${list(softA)} | ${list(softB)}` };
  if (softA.length) {
    if (!lex) return { ok: false, reason: 'content-word' };
    const pairs: Array<[number, number, number]> = [];
    softA.forEach((x, i) =>
      softB.forEach((y, j) => pairs.push([x.cls === 'polar' && y.cls === 'polar' ? -1 : lex.wordSimilarity(x.word, y.word) ?? -1, i, j])),
    );
    pairs.sort((p, q) => q[0] - p[0]);
    const usedA = new Set<number>();
    const usedB = new Set<number>();
    for (const [sim, i, j] of pairs) {
      if (usedA.has(i) || usedB.has(j)) continue;
      if (sim < opts.synonymSimilarity) return { ok: false, reason: 'content-word', detail: `${softA[i].word}~${softB[j].word} ${sim.toFixed(2)}` };
      usedA.add(i);
      usedB.add(j);
    }
  }

  // Names keep their order (PAWS-style "A beat B" vs "B beat A").
  const shared = (xs: string[], other: Set<string>) => xs.filter((x) => other.has(x));
  const entA = shared(dedupe(a.entityOrder), new Set(b.entityOrder));
  const entB = shared(dedupe(b.entityOrder), new Set(a.entityOrder));
  if (!sameList(entA, entB)) return { ok: false, reason: 'direction', detail: `${entA.join(',')} vs ${entB.join(',')}` };
  // Words on either side of a direction marker keep their relative order ("JSON to YAML", "10 by 2").
  if (directionFlipped(a, b) || directionFlipped(b, a)) return { ok: false, reason: 'direction' };
  const swap = swappedWords(a, b);
  if (swap) return { ok: false, reason: 'swap', detail: swap };
  return { ok: true, softMatches: softA.length };
}

function unmatched(x: PromptFeatures, y: PromptFeatures): string[] {
  const out: string[] = [];
  for (const s of x.content.keys()) if (!y.content.has(s)) out.push(s);
  return out;
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}

/**
 * True when two adjacent content items of `x` with a direction marker between them appear reversed in `y`.
 * Strong markers (to, from, than, into…) order any two items; weak ones (in, for, with…) only two named
 * terms of the same kind ("Rewrite this JavaScript code in TypeScript").
 */
function directionFlipped(x: PromptFeatures, y: PromptFeatures): boolean {
  const firstPos = new Map<string, number>();
  y.sequence.forEach((e, i) => {
    if (!firstPos.has(e.stem)) firstPos.set(e.stem, i);
  });
  for (let i = 1; i < x.sequence.length; i++) {
    const cur = x.sequence[i];
    if (!cur.marker) continue;
    // The nearest earlier item of the same kind for weak markers; the adjacent one for strong markers.
    let j = i - 1;
    if (cur.marker === 'weak') {
      if (!cur.kind) continue;
      while (j >= 0 && x.sequence[j].kind !== cur.kind) j--;
      if (j < 0) continue;
    }
    // "by value or by reference": items joined by a coordination are interchangeable.
    if (x.tokens.slice(x.sequence[j].pos + 1, cur.pos).some((t) => COORDINATION.has(t))) continue;
    const p = firstPos.get(x.sequence[j].stem);
    const q = firstPos.get(cur.stem);
    if (p !== undefined && q !== undefined && p > q) return true;
  }
  return false;
}

/** Tokens between two words that make them interchangeable ("let and var" = "var and let"). */
const SYMMETRIC_GAP = new Set(['and', 'or', 'vs', 'versus', ',', '/', '&', 'nor', 'plus', 'with']);
const ARTICLES = new Set(['a', 'an', 'the']);
const GAP_PREPOSITIONS = new Set(['by', 'to', 'in', 'on', 'for', 'of', 'from', 'at', 'as']);

/**
 * Two words that traded places with their surroundings intact ("a red circle and a white background" vs
 * "a white circle and a red background"; "the first floor … the second floor" swapped): same words, other
 * meaning. Clause moves keep a word's neighbours and restructurings ("list in Python" / "Python list")
 * change them, so neither trips this. Coordinations ("X and Y") are symmetric and allowed.
 */
function swappedWords(a: PromptFeatures, b: PromptFeatures): string | undefined {
  const shared = [...a.uniquePos.keys()].filter((k) => b.uniquePos.has(k));
  const at = (f: PromptFeatures, i: number) => (i < 0 || i >= f.tokens.length ? '^$' : f.tokens[i]);
  for (let i = 0; i < shared.length; i++) {
    for (let j = i + 1; j < shared.length; j++) {
      const x = shared[i], y = shared[j];
      const ax = a.uniquePos.get(x)!, ay = a.uniquePos.get(y)!;
      const bx = b.uniquePos.get(x)!, by = b.uniquePos.get(y)!;
      if ((ax < ay) === (bx < by)) continue;
      const swapMap = (t: string) => (t === x ? y : t === y ? x : t);
      // y sits in B exactly where x sat in A (same left and right neighbours, up to the swap).
      if (swapMap(at(b, by - 1)) !== at(a, ax - 1) || swapMap(at(b, by + 1)) !== at(a, ax + 1)) continue;
      const lo = Math.min(ax, ay), hi = Math.max(ax, ay);
      // "X and Y", "by X or by Y": a coordination with only articles / repeated prepositions around it.
      // A word repeated before both ("git fetch and git pull") is shared context, not part of the gap.
      const context = at(a, lo - 1);
      const gap = a.tokens.slice(lo + 1, hi).filter((t) => !ARTICLES.has(t) && !GAP_PREPOSITIONS.has(t) && t !== context);
      if (gap.length > 0 && gap.every((t) => SYMMETRIC_GAP.has(t))) continue;
      return `${x}<->${y}`;
    }
  }
  return undefined;
}
