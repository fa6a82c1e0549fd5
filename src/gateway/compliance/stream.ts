/**
 * Response scanning for streams. Text is emitted as soon as it is safe: the scanner holds back a
 * bounded tail (the last HOLD characters, extended back to a whitespace boundary so a token that is
 * still arriving is never cut, and to the start of any finding that touches the tail). A value split
 * across chunks is therefore seen whole before any part of it is emitted.
 */
import type { ComplianceSummary, ResponseScanner } from '../types.js';
import type { RawFinding } from './types.js';
import { plainFinding } from './detect.js';

/** Characters always held back; longer than any multi-token value we detect (phones, cards, IBANs). */
export const HOLD = 64;
/** Longest single token held back while waiting for whitespace; beyond it the text is scanned as is. */
export const MAX_TOKEN_HOLD = 16 * 1024;
/** Already-emitted text kept as left context for context words ("SSN: " before a number). */
const LEFT_CONTEXT = 64;

export interface StreamScanDeps {
  /** Detects findings in `text`; offsets relative to it. */
  detect(text: string): RawFinding[];
  /** Whether a finding must be redacted in the output (policy). */
  shouldRedact(f: RawFinding): boolean;
  placeholder(f: RawFinding): string;
  restore?: (text: string) => string;
  /** Called once per finding, with offsets relative to the whole response. */
  onFinding?(f: RawFinding): void;
}

export function createStreamScanner(deps: StreamScanDeps): ResponseScanner {
  let buf = '';
  let left = '';
  let emittedRaw = 0; // raw (pre-redaction) characters consumed so far
  const found: ComplianceSummary['violations'] = [];

  const emit = (upto: number, all: RawFinding[]): string => {
    const part = buf.slice(0, upto);
    let out = '';
    let pos = 0;
    for (const f of all) {
      if (f.start >= upto) break;
      if (f.start < pos) continue;
      const abs = plainFinding(f, { start: f.start + emittedRaw, end: f.end + emittedRaw });
      found.push({ type: f.type, start: abs.start, end: abs.end, confidence: f.confidence, recognizer: f.recognizer, masked: f.masked });
      deps.onFinding?.(abs);
      if (deps.shouldRedact(f)) {
        out += part.slice(pos, f.start) + deps.placeholder(f);
        pos = f.end;
      }
    }
    out += part.slice(pos);
    left = (left + part).slice(-LEFT_CONTEXT);
    buf = buf.slice(upto);
    emittedRaw += upto;
    return deps.restore ? deps.restore(out) : out;
  };

  const scan = (): RawFinding[] => {
    const ctx = left;
    const found = deps.detect(ctx + buf);
    const shift = ctx.length;
    return found
      .filter((f) => f.end > shift)
      .map((f) => plainFinding(f, { start: Math.max(0, f.start - shift), end: f.end - shift }));
  };

  return {
    push(delta: string): string {
      if (!delta) return '';
      buf += delta;
      if (buf.length <= HOLD) return '';
      let cut = buf.length - HOLD;
      // Back up to a whitespace boundary so a token still arriving is held whole (bounded).
      const floor = Math.max(0, cut - MAX_TOKEN_HOLD);
      while (cut > floor && !/\s/.test(buf[cut - 1])) cut--;
      if (cut === 0) return '';
      const findings = scan();
      // Never cut inside a finding: hold it back entirely.
      let moved = true;
      while (moved) {
        moved = false;
        for (const f of findings) {
          if (f.start < cut && f.end > cut) {
            cut = f.start;
            moved = true;
          }
        }
      }
      if (cut <= 0) return '';
      return emit(cut, findings.filter((f) => f.end <= cut));
    },
    flush(): string {
      if (!buf) return '';
      const findings = scan();
      return emit(buf.length, findings);
    },
    findings() {
      return found;
    },
  };
}
