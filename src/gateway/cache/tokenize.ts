/**
 * Prompt tokenisation shared by the bundled embedder and the verifier. It keeps code-shaped tokens whole
 * (identifiers, file names, flags, URLs, backticked spans, versions) so the verifier can compare them
 * exactly, and splits them into word parts (camelCase, snake_case, kebab-case, dotted) for the embedder.
 */

export type TokenKind = 'word' | 'number' | 'code' | 'symbol';

export interface Token {
  /** As written (backticks stripped). */
  text: string;
  lower: string;
  kind: TokenKind;
  /** Starts with an upper-case letter (and is not all-caps emphasis of a common word; decided by callers). */
  capital: boolean;
  /** First word of a sentence, where capitals say nothing about names. */
  sentenceStart: boolean;
}

// One alternation, tried left to right at each position. Order matters: code shapes before plain words.
const TOKEN_RE = new RegExp(
  [
    '`([^`\\n]{1,200})`', // 1: backticked code
    '(https?:\\/\\/[^\\s<>"\'`]+)', // 2: URL
    '((?<![\\w-])--?[A-Za-z][\\w-]*)', // 3: CLI flag
    '(\\b[A-Za-z]\\+\\+|\\b[CcFf]#|\\.NET\\b|\\.net\\b)', // 4: c++, C#, F#, .NET
    '((?:[vV](?=\\d))?\\d+(?:[.,:]\\d+)*(?:[A-Za-z%°]+\\d*)?)', // 5: number / version / number+unit (5km, v1.2.3, 50%)
    "([A-Za-z_$][\\w$]*(?:(?:::|[./\\\\-])[A-Za-z0-9_$]+)*(?:\\(\\))?(?:'[A-Za-z]{1,2})?)", // 6: word / identifier / path
    '(->|=>|→|[^\\sA-Za-z0-9])', // 7: symbol
  ].join('|'),
  'gu',
);

const SENTENCE_END = /[.!?:;\n]/;

/** Splits text into tokens. Contractions become two tokens ("don't" -> "do", "n't"). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let sentenceStart = true;
  for (const m of text.matchAll(TOKEN_RE)) {
    const [whole, tick, url, flag, special, num, word, sym] = m;
    if (tick !== undefined) push(out, tick.trim(), 'code', sentenceStart);
    else if (url !== undefined) push(out, url.replace(/[.,;:!?)]+$/, ''), 'code', sentenceStart);
    else if (flag !== undefined) push(out, flag, 'code', sentenceStart);
    else if (special !== undefined) push(out, special, 'word', sentenceStart);
    else if (num !== undefined) pushNumber(out, num, sentenceStart);
    else if (word !== undefined) pushWord(out, word, sentenceStart);
    else if (sym !== undefined) {
      if (SENTENCE_END.test(sym)) {
        sentenceStart = true;
        continue;
      }
      push(out, sym, 'symbol', sentenceStart);
      continue;
    } else continue;
    void whole;
    sentenceStart = false;
  }
  return out;
}

function push(out: Token[], text: string, kind: TokenKind, sentenceStart: boolean): void {
  if (!text) return;
  out.push({ text, lower: text.toLowerCase(), kind, capital: /^[A-Z]/.test(text), sentenceStart });
}

function pushNumber(out: Token[], raw: string, sentenceStart: boolean): void {
  // "5km" -> 5 + km; "v1.2" -> version 1.2; "1,000" -> 1000; "50%" -> 50 + %.
  const m = /^([vV]?)(\d+(?:[.,:]\d+)*)([A-Za-z%°]+\d*)?$/.exec(raw);
  if (!m) return push(out, raw, 'number', sentenceStart);
  const digits = /^\d{1,3}(,\d{3})+$/.test(m[2]) ? m[2].replace(/,/g, '') : m[2];
  push(out, digits, 'number', sentenceStart);
  if (m[3]) {
    // A letter suffix with digits after it (e.g. "3a2") is code-like; plain unit suffixes are words.
    push(out, m[3], /\d/.test(m[3]) ? 'code' : 'word', false);
  }
}

function pushWord(out: Token[], raw: string, sentenceStart: boolean): void {
  const apos = /^(.*?)'([A-Za-z]{1,2})$/.exec(raw);
  if (apos) {
    const [, base, tail] = apos;
    if (tail.toLowerCase() === 't' && /n$/i.test(base)) {
      // don't -> do + n't ; can't -> ca + n't (ca is mapped back to can by callers via the stem table below)
      const stem = base.slice(0, -1);
      push(out, Object.hasOwn(CONTRACTION_BASE, stem.toLowerCase()) ? CONTRACTION_BASE[stem.toLowerCase()] : stem, 'word', sentenceStart);
      push(out, "n't", 'word', false);
      return;
    }
    push(out, base, classify(base), sentenceStart);
    return; // 's, 're, 'll, 've, 'd carry no meaning we compare
  }
  push(out, raw, classify(raw), sentenceStart);
}

const CONTRACTION_BASE: Record<string, string> = { ca: 'can', wo: 'will', sha: 'shall' };

/** A word is code-like when its shape says it is an identifier, path, file name or call. */
export function classify(raw: string): TokenKind {
  if (/^(?:e\.g|i\.e|etc|vs)$/i.test(raw)) return 'word';
  if (/[_$]|::|\(\)$|[\\/]/.test(raw)) return 'code';
  if (/[a-z][A-Z]/.test(raw)) return 'code'; // camelCase / PascalCase with an inner capital
  if (/[A-Za-z]\.[A-Za-z]/.test(raw)) return 'code'; // file.ext, os.path, node.js
  if (/\d/.test(raw)) return 'code';
  return 'word';
}

/** Word parts of a code token for embedding: "getUserById" -> get user by id; "max_retries" -> max retries. */
export function splitIdentifier(raw: string): string[] {
  return raw
    .replace(/\(\)$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p.length > 0)
    .map((p) => p.toLowerCase());
}

/** A light, symmetric suffix stripper so "sorting", "sorts" and "sort" compare equal. */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 4 && w.endsWith('sses')) return w.slice(0, -2);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('es') && /(?:ch|sh|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  // undo a doubled final consonant left by -ing/-ed ("running" -> "runn" -> "run")
  if (w.length > 3 && /([b-df-hj-np-tv-z])\1$/.test(w) && !/(ss|ll|ff|zz)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1); // "parse"/"parsed"/"parsing" -> "pars"
  return w;
}
