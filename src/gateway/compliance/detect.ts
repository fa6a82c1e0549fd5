/**
 * Runs every recognizer over a text, applies context words (which raise or lower confidence), drops
 * matches that need context and have none, and resolves overlaps (highest confidence, then longest).
 * Returns findings with masked previews; raw values stay inside RawFinding and never leave the engine.
 */
import type { EntityType, RawFinding } from './types.js';
import type { Candidate } from './recognizers/candidate.js';
import { PHONE_CONTEXT, findCards, findDates, findEmails, findIbans, findIps, findMrns, findPassports, findPhones, findSsns } from './recognizers/structured.js';
import { findSecrets } from './recognizers/secrets.js';
import { findAddresses, findPersons } from './recognizers/names.js';
import { maskValue } from './mask.js';
import { SEVERITY } from './policies.js';

/** Findings below this are not reported. */
export const REPORT_THRESHOLD = 0.5;

const POSITIVE: Partial<Record<EntityType, RegExp>> = {
  EMAIL: /\b(?:e-?mail|mail(?:to)?|contact|address)\b/i,
  PHONE: PHONE_CONTEXT,
  CREDIT_CARD: /\b(?:card|credit|debit|visa|master ?card|amex|payment|pay|cc|cvv|expir\w*|billing)\b/i,
  SSN: /\b(?:ssn|ssns|social security|social sec|tax ?id|taxpayer|ss#|ss #|sin)\b/i,
  IBAN: /\b(?:iban|bank|account|transfer|wire|payment)\b/i,
  IP_ADDRESS: /\b(?:ip|ips|ipv4|ipv6|address|host|server|client|from|src|dst|source|destination|connect\w*|remote|network|gateway|proxy|login)\b/i,
  PASSPORT: /\b(?:passports?|travel document|travel doc)\b/i,
  DATE_OF_BIRTH: /\b(?:birth|born|dob|d\.o\.b|birthday|birthdate|b-day)\b/i,
  MRN: /\b(?:mrn|medical record|patient|chart|health record|hospital|admission|ehr|emr)\b/i,
};

/** Words that say "this is not personal data" (docs, tests, versions, code positions). */
const NEGATIVE = /\b(?:version|versions|ver|build|release|semver|port|line|lines|commit|sha|hash|checksum|uuid|guid|order|invoice|tracking|timestamp|epoch|sample|example|dummy|fake|isbn|sku)\b/i;
const NEGATIVE_APPLIES: ReadonlySet<EntityType> = new Set(['PHONE', 'IP_ADDRESS', 'SSN', 'PASSPORT', 'DATE_OF_BIRTH', 'MRN']);

const BEFORE = 48;
const AFTER = 24;

function contextWindow(text: string, c: Candidate): { before: string; after: string } {
  return { before: text.slice(Math.max(0, c.start - BEFORE), c.start), after: text.slice(c.end, Math.min(text.length, c.end + AFTER)) };
}

/** Applies context words to a candidate's score; returns null when it must be dropped. */
function score(text: string, c: Candidate, extra?: string): number | null {
  if (c.contextApplied) return c.score;
  const pos = POSITIVE[c.type];
  const { before, after } = contextWindow(text, c);
  const hasPos = pos ? pos.test(before) || pos.test(after) || (!!extra && pos.test(extra)) : false;
  if (c.needsContext && !hasPos) return null;
  let s = c.score;
  if (hasPos) s += c.needsContext ? 0.45 : 0.2;
  if (NEGATIVE_APPLIES.has(c.type) && NEGATIVE.test(before.slice(-28))) s -= 0.3;
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

export function collectCandidates(text: string, opts: DetectOptions = {}): Candidate[] {
  const cands: Candidate[] = [
    ...findSecrets(text),
    ...findEmails(text),
    ...findCards(text),
    ...findIbans(text),
    ...findSsns(text),
    ...findPhones(text),
    ...findIps(text),
  ];
  // Passport numbers, dates of birth and MRNs are only reported next to their context words: when the
  // text (or the caller's context) has none of those words anywhere, those scans are skipped.
  const ctx = opts.context ?? '';
  if (POSITIVE.PASSPORT!.test(text) || POSITIVE.PASSPORT!.test(ctx)) cands.push(...findPassports(text));
  if (POSITIVE.DATE_OF_BIRTH!.test(text) || POSITIVE.DATE_OF_BIRTH!.test(ctx)) cands.push(...findDates(text));
  if (POSITIVE.MRN!.test(text) || POSITIVE.MRN!.test(ctx)) cands.push(...findMrns(text));
  if (!opts.structuredOnly) {
    cands.push(...findAddresses(text));
    cands.push(...findPersons(text));
  }
  return cands;
}

/** Detects findings in `text`. Offsets are JS string offsets, end-exclusive. */
export function detect(text: string, opts: DetectOptions = {}): RawFinding[] {
  if (!text) return [];
  const extra = opts.context?.replace(/[_\-]/g, ' ');
  const scored: Candidate[] = [];
  let hasAddress = false;
  for (const c of collectCandidates(text, opts)) {
    const s = score(text, c, extra);
    if (s === null) continue;
    if (!opts.keepLow && s < REPORT_THRESHOLD) continue;
    c.score = s; // candidates are fresh objects owned by this call
    scored.push(c);
    if (c.type === 'ADDRESS') hasAddress = true;
  }
  // A name inside a detected street address is part of the address ("Rua das Pedras", "São Paulo").
  let kept = scored;
  if (hasAddress) {
    // Address coverage as ids per character: linear, not persons × addresses.
    const owner = new Int32Array(text.length).fill(-1);
    scored.forEach((c, i) => {
      if (c.type === 'ADDRESS') owner.fill(i, c.start, c.end);
    });
    kept = scored.filter((c) => c.type !== 'PERSON' || owner[c.start] < 0 || owner[c.start] !== owner[c.end - 1]);
  }
  const taken = resolveOverlaps(kept, text.length);
  const out: RawFinding[] = new Array(taken.length);
  for (let k = 0; k < taken.length; k++) {
    const c = taken[k];
    const value = text.slice(c.start, c.end);
    out[k] = {
      type: c.type,
      start: c.start,
      end: c.end,
      confidence: Math.round(c.score * 100) / 100,
      recognizer: c.recognizer,
      masked: maskValue(c.type, value),
      layer: c.type === 'PERSON' || c.type === 'ADDRESS' ? 'ml' : 'regex',
      value,
    };
  }
  return out;
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
  const head = new Int32Array(length + 1).fill(-1);
  const next = new Int32Array(cands.length);
  for (let i = cands.length - 1; i >= 0; i--) {
    const st = cands[i].start;
    next[i] = head[st];
    head[st] = i;
  }
  const ordered: Candidate[] = [];
  for (let p = 0; p <= length; p++) for (let i = head[p]; i >= 0; i = next[i]) ordered.push(cands[i]);
  const out: Candidate[] = [];
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
    else {
      const cluster = ordered.slice(k, j).sort(outranks);
      // Coverage over the cluster's range: linear in span lengths even for a huge chained cluster.
      const base = ordered[k].start;
      const covered = new Uint8Array(end - base);
      const won: Candidate[] = [];
      outer: for (const c of cluster) {
        for (let i = c.start - base; i < c.end - base; i++) if (covered[i]) continue outer;
        covered.fill(1, c.start - base, c.end - base);
        won.push(c);
      }
      won.sort((a, b) => a.start - b.start);
      for (const w of won) out.push(w);
    }
    k = j;
  }
  return out;
}
