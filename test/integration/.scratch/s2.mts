import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startSimulator } from '../../sim/simulator.ts';
import { startGatewayService } from '../../../src/gateway/compose.ts';
import { silentLogger } from '../../../src/gateway/util/logger.ts';
const sim = await startSimulator();
const dataDir = mkdtempSync(join(tmpdir(), 'sf-int-'));
let svc = await startGatewayService({ config: { dataDir, server: { port: 0 }, compliance: { policy: 'pci_dss_strict' } } as any, env: sim.env(), listen: { main: true }, logger: silentLogger });
let client = new OpenAI({ baseURL: svc.url + '/v1', apiKey: svc.token, maxRetries: 0 });
try { await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'charge 4111 1111 1111 1111 now' }] }); } catch (e: any) { console.log('ERR', e.constructor.name, e.status, e.code, e.message, JSON.stringify(e.error)); }
console.log('sim reqs', sim.requests.length);
const get = async (p: string) => (await fetch(svc.url + p, { headers: { authorization: 'Bearer ' + svc.token } })).json();
console.log(JSON.stringify((await get('/api/logs')).logs[0]).slice(0, 1500));
// cache
const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'How do I convert 5 miles to kilometers?' }] };
for (const m of [body, body, { ...body, messages: [{ role: 'user' as const, content: 'How can I convert 5 miles into kilometers?' }] }, { ...body, messages: [{ role: 'user' as const, content: 'How do I convert 8 miles to kilometers?' }] }]) {
  const r = await client.chat.completions.create(m).withResponse();
  console.log(m.messages[0].content, r.response.headers.get('x-smartflow-cache'), sim.requests.length);
}
console.log(await get('/api/cache/stats'));
const logs = (await get('/api/logs')).logs;
console.log(logs.map((l: any) => [l.metacache, l.routing_strategy, l.routing_reason]));
await svc.close();
svc = await startGatewayService({ config: { dataDir, server: { port: 0 }, compliance: { policy: 'pci_dss_strict' } } as any, env: sim.env(), listen: { main: true }, logger: silentLogger });
client = new OpenAI({ baseURL: svc.url + '/v1', apiKey: svc.token, maxRetries: 0 });
console.log('after restart', await get('/api/cache/stats'));
const r = await client.chat.completions.create(body).withResponse();
console.log('restart', r.response.headers.get('x-smartflow-cache'), sim.requests.length);
console.log(await get('/api/cache/stats'));
await svc.close(); await sim.close();
