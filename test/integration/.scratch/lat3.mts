import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
import { startSimulator } from '../../sim/simulator.ts';
import { startGatewayService } from '../../../src/gateway/compose.ts';
import { silentLogger } from '../../../src/gateway/util/logger.ts';
const sim = await startSimulator();
const pct = (a: number[], q: number) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(2); };
const variants: Record<string, any> = { all: {}, noAudit: { audit: { enabled: false } }, noCompliance: { compliance: { enabled: false } }, none: { audit: { enabled: false }, compliance: { enabled: false } } };
const svcs: Record<string, any> = {};
for (const [k, v] of Object.entries(variants)) svcs[k] = await startGatewayService({ config: { dataDir: mkdtempSync(join(tmpdir(), 'sf-lat-')), ...v, server: { port: 0 } }, env: sim.env(), logger: silentLogger, listen: { main: true } });
const res: Record<string, { e2e: number[]; gw: number[] }> = {};
for (const k of Object.keys(svcs)) res[k] = { e2e: [], gw: [] };
for (let round = 0; round < 150; round++) {
  for (const [k, s] of Object.entries(svcs)) {
    const t = performance.now();
    const r = await fetch(s.url + '/v1/chat/completions', { method: 'POST', headers: { authorization: 'Bearer ' + s.token, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] }) });
    await r.text();
    if (round >= 20) { res[k].e2e.push(performance.now() - t); res[k].gw.push(Number(r.headers.get('x-smartflow-gateway-ms'))); }
    if (round === 1) console.log(k, r.headers.get('x-smartflow-cache'));
  }
}
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(14), 'hit e2e p50', pct(v.e2e, .5), 'p95', pct(v.e2e, .95), '| gateway-ms p50', pct(v.gw, .5), 'p95', pct(v.gw, .95));
for (const s of Object.values(svcs)) await s.close();
await sim.close();
