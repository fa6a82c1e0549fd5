/**
 * Redaction with typed placeholders: `[EMAIL]`, or numbered `[EMAIL_1]` in reversible mode so the model
 * can keep values apart and the gateway can put the originals back into the response the user sees.
 * A Redactor is per request: the same value always gets the same placeholder within it.
 */
import type { RawFinding } from './types.js';

export class Redactor {
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  private readonly counters = new Map<string, number>();

  constructor(private readonly reversible: boolean) {}

  placeholder(f: Pick<RawFinding, 'type' | 'value'>): string {
    if (!this.reversible) return `[${f.type}]`;
    const key = `${f.type}\u0000${f.value}`;
    const existing = this.byValue.get(key);
    if (existing) return existing;
    const n = (this.counters.get(f.type) ?? 0) + 1;
    this.counters.set(f.type, n);
    const ph = `[${f.type}_${n}]`;
    this.byValue.set(key, ph);
    this.byPlaceholder.set(ph, f.value);
    return ph;
  }

  /** Replaces the given findings (non-overlapping, any order) in `text`. */
  apply(text: string, findings: Array<Pick<RawFinding, 'type' | 'value' | 'start' | 'end'>>): string {
    if (!findings.length) return text;
    const sorted = [...findings].sort((a, b) => a.start - b.start);
    let out = '';
    let pos = 0;
    for (const f of sorted) {
      if (f.start < pos) continue;
      out += text.slice(pos, f.start) + this.placeholder(f);
      pos = f.end;
    }
    return out + text.slice(pos);
  }

  get hasMappings(): boolean {
    return this.byPlaceholder.size > 0;
  }

  /** Puts original values back for every numbered placeholder this redactor produced. */
  restore = (text: string): string => {
    if (!this.byPlaceholder.size || text.indexOf('[') < 0) return text;
    return text.replace(/\[([A-Z_]{2,20}_\d{1,4})\]/g, (m) => this.byPlaceholder.get(m) ?? m);
  };
}

/** Longest placeholder we produce, for stream hold-back of a partially received one. */
export const MAX_PLACEHOLDER_LENGTH = 26;
