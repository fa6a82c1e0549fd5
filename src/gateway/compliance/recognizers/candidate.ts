/**
 * The internal shape every recognizer returns before context scoring and overlap resolution.
 */
import type { EntityType, RawFinding } from '../types.js';
import { maskValue } from '../mask.js';

export interface Candidate {
  type: EntityType;
  start: number;
  end: number;
  /** Base score before context words (0..1). */
  score: number;
  recognizer: string;
  /**
   * True when the match alone is too weak (passport, DOB, MRN, bare 9 digits): it is reported only
   * when a context word for its type is near.
   */
  needsContext?: boolean;
  /** Context already judged by the recognizer itself (e.g. key names for secrets): skip word scoring. */
  contextApplied?: boolean;
}

export type Recognizer = (text: string) => Candidate[];

/** Runs a global regex over `text` and calls `fn` for every match (lastIndex is owned here). */
export function eachMatch(re: RegExp, text: string, fn: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    fn(m);
  }
}

/**
 * A candidate that can also be returned as the finding itself. Recognizers that can fire 100k times on a
 * 1 MB input create these instead of plain candidate objects, so `detect` returns the same object rather
 * than allocating a second one per finding (allocation and GC were most of the per-finding cost).
 *
 * The raw value and the masked preview are derived from the offsets when read (most findings of a big
 * scan are never read one by one). The scanned text is held in a private field, so it is never
 * enumerated, spread or serialised; `toJSON` gives the serialised shape of a plain finding.
 */
export class Hit implements Candidate, RawFinding {
  // Few own fields on purpose: these objects are allocated once per finding (100k+ on a 1 MB input, all
  // alive until the scan ends, so every byte is copied by each young-generation GC of the scan).
  // `confidence`, `layer`, `value` and `masked` are derived on read (no cached preview field); the two
  // candidate flags share one small-integer field.
  readonly #text: string;
  #flags: number;
  constructor(
    text: string,
    public type: EntityType,
    public start: number,
    public end: number,
    public score: number,
    public recognizer: string,
    needsContext = false,
    contextApplied = false,
  ) {
    this.#text = text;
    this.#flags = (needsContext ? 1 : 0) | (contextApplied ? 2 : 0);
  }
  get needsContext(): boolean {
    return (this.#flags & 1) !== 0;
  }
  get contextApplied(): boolean {
    return (this.#flags & 2) !== 0;
  }
  /** The final score rounded to two decimals (`detect` has settled `score` by the time it is read). */
  get confidence(): number {
    return Math.round(this.score * 100) / 100;
  }
  get layer(): RawFinding['layer'] {
    return this.type === 'PERSON' || this.type === 'ADDRESS' ? 'ml' : 'regex';
  }
  get value(): string {
    return this.#text.slice(this.start, this.end);
  }
  /** Not cached: a finding's preview is read once or twice, and a cache field costs every finding. */
  get masked(): string {
    return maskValue(this.type, this.value);
  }
  toJSON(): RawFinding {
    return plainFinding(this);
  }
}

/**
 * A plain-object copy of a finding with every field materialised, optionally moved or re-scored. Use this
 * instead of `{ ...f }`: a spread copies own fields only and would drop the derived `value` / `masked`.
 */
export function plainFinding(f: RawFinding, patch: Partial<Pick<RawFinding, 'start' | 'end' | 'confidence'>> = {}): RawFinding {
  return {
    type: f.type,
    start: patch.start ?? f.start,
    end: patch.end ?? f.end,
    confidence: patch.confidence ?? f.confidence,
    recognizer: f.recognizer,
    masked: f.masked,
    layer: f.layer,
    value: f.value,
  };
}
