const [url, token, sim] = process.argv.slice(2);
const pct = (a: number[], q: number) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(2); };
async function time(f: () => Promise<unknown>) { const a: number[] = []; for (let i = 0; i < 100; i++) { const t = performance.now(); await f(); a.push(performance.now() - t); } return `p50 ${pct(a, .5)} p95 ${pct(a, .95)}`; }
console.log('health', await time(async () => (await fetch(url + '/health')).text()));
console.log('sim direct', await time(async () => (await fetch(sim + '/v1/chat/completions', { method: 'POST', headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) })).text()));
const h = { authorization: 'Bearer ' + token, 'content-type': 'application/json' };
console.log('hit', await time(async () => (await fetch(url + '/v1/chat/completions', { method: 'POST', headers: h, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }) })).text()));
console.log('hit cache-off-compliance? models', await time(async () => (await fetch(url + '/api/cache/stats', { headers: h })).text()));
