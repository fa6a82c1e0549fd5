/**
 * The internal shape every recognizer returns before context scoring and overlap resolution.
 */
import type { EntityType } from '../types.js';

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
