/**
 * Management endpoints of the cache: `GET /api/cache/stats` (exactly the reference's CacheStats fields),
 * `POST /api/cache/clear`, and `GET /api/cache/info` (storage engine, embedder, why semantic is off).
 */
import type { Route } from '../server/route.js';
import type { CacheStats } from '../types.js';
import type { CacheInfo } from './cache.js';

export interface ManagedCache {
  stats(): CacheStats;
  clear(): void;
  info?(): CacheInfo;
}

export function cacheRoutes(cache: ManagedCache): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/cache/stats',
      surfaces: ['management'],
      handler: () => ({ json: cache.stats() }),
    },
    {
      method: 'GET',
      path: '/api/cache/info',
      surfaces: ['management'],
      handler: () => ({ json: cache.info ? cache.info() : null }),
    },
    {
      method: 'POST',
      path: '/api/cache/clear',
      surfaces: ['management'],
      handler: () => {
        const removed = cache.stats().entries;
        cache.clear();
        return { json: { cleared: true, entries_removed: removed, stats: cache.stats() } };
      },
    },
  ];
}
