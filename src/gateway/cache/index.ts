/**
 * Public surface of the response cache (exact + verified semantic); the composition root wires
 * `createCache` into the gateway and `cacheRoutes` into the server.
 */
export { createCache, SHIPPED_SIMILARITY_THRESHOLD, SEMANTIC_TOP_K, type CreateCacheOptions, type ResponseCache, type CacheInfo } from './cache.js';
export { cacheRoutes } from './routes.js';
export { exactKey, canonicalJson, semanticTarget } from './key.js';
export type { Embedder, Lexicon } from './embedder/types.js';
export { BundledEmbedder, findBundledAsset, BUNDLED_ASSET } from './embedder/bundled.js';
export { TransformersEmbedder, type TransformersEmbedderOptions } from './embedder/transformers.js';
export { extractFeatures, verifyMatch, DEFAULT_VERIFY_OPTIONS, type VerifyOptions, type VerifyResult } from './verify.js';
export { VectorIndex } from './vector-index.js';
