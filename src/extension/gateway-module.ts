/**
 * Loads the gateway bundle (dist/gateway.js, built from src/gateway/bundle.ts) on first use. In the
 * packaged extension it sits next to extension.js; when the sources run directly (tests through tsx) the
 * TypeScript entry is loaded instead. The path is computed so esbuild does not inline the gateway here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type GatewayModule = typeof import('../gateway/bundle.js');

let loaded: GatewayModule | undefined;

export function gatewayModule(): GatewayModule {
  if (!loaded) {
    const bundled = join(__dirname, 'gateway.js');
    const target = existsSync(bundled) ? bundled : join(__dirname, '..', 'gateway', 'bundle');
    loaded = require(target) as GatewayModule;
  }
  return loaded;
}
