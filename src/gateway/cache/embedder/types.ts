/**
 * The semantic cache's embedder seam: anything that turns prompts into unit-length vectors. Two
 * implementations ship: the bundled offline GloVe/SIF embedder (bundled.ts) and an optional
 * transformers.js sentence model (transformers.ts).
 */

export interface Embedder {
  /** Stable id of the model; vectors from different ids are never compared (stored vectors carry it). */
  readonly id: string;
  /** Vector length (known after load()). */
  readonly dim: number;
  /** Loads the model; safe to call more than once. Rejects with a message that says what is missing. */
  load(): Promise<void>;
  /** One L2-normalised vector per text (zero vector when a text has no known word). */
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** Word-level knowledge the verifier can use (the bundled vectors provide it). */
export interface Lexicon {
  /** GloVe frequency rank of a lower-case word (0 = most frequent), or undefined when unknown. */
  rank(word: string): number | undefined;
  /** Cosine similarity of two words' vectors, or undefined when either is unknown. */
  wordSimilarity(a: string, b: string): number | undefined;
}
