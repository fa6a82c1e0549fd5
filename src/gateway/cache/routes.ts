/**
 * Management endpoints of the cache: `GET /api/cache/stats` (the reference's CacheStats fields) and
 * `POST /api/cache/clear`.
 */
import type { Route } from '../server/route.js';
import type { CacheStats } from '../types.js';

export interface ManagedCache {
  stats(): CacheStats;
  clear(): void;
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
