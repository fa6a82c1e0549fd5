const [url, token] = process.argv.slice(2);
const h = { authorization: 'Bearer ' + token, 'content-type': 'application/json' };
async function one(content: string, stream = false) {
  const t0 = performance.now();
  const r = await fetch(url + '/v1/chat/completions', { method: 'POST', headers: h, body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content }] }) });
  await r.text();
  return { e2e: performance.now() - t0, gw: Number(r.headers.get('x-smartflow-gateway-ms')), cache: r.headers.get('x-smartflow-cache') };
}
const pct = (a: number[], q: number) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(2); };
for (const phase of ['warm', 'miss', 'hit']) {
  const gws: number[] = []; const e2es: number[] = []; const kinds = new Set();
  for (let i = 0; i < 100; i++) {
    const r = await one(phase === 'hit' ? `question number ${i % 100} about deploying the service with seed ${phase === 'hit' ? 'm' : phase}` : `question number ${i} about deploying the service with seed ${phase === 'warm' ? 'w' : 'm'}`);
    gws.push(r.gw); e2es.push(r.e2e); kinds.add(r.cache);
  }
  console.log(phase, [...kinds].join(','), 'gateway-ms p50', pct(gws, 0.5), 'p95', pct(gws, 0.95), 'p99', pct(gws, 0.99), '| e2e p50', pct(e2es, 0.5), 'p99', pct(e2es, 0.99));
}
