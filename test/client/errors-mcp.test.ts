// Gateway-mode error mapping per status (against a real local HTTP server answering like a gateway),
// network failures and timeouts, and the MCP / A2A helpers against a small JSON-RPC + A2A test server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthenticationError,
  ComplianceError,
  ConnectionError,
  DirectModeError,
  ProviderError,
  RateLimitError,
  SmartflowClient,
  SmartflowError,
  TimeoutError,
} from '../../src/gateway/client/index.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

let server: Server;
let base = '';
const seen: Seen[] = [];
const sockets = new Set<import('node:net').Socket>();

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

before(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : undefined;
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const model = (body as { model?: string } | undefined)?.model ?? '';
      const err = (status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
        send(res, status, { error: { message, type: 'x', code, ...extra } }, headers);
      if (req.url === '/v1/chat/completions') {
        switch (model) {
          case 'e401':
            return err(401, 'unauthorized', 'Missing or invalid bearer token');
          case 'e429':
            return err(429, 'rate_limited', 'Rate limit reached', {}, { 'retry-after': '7' });
          case 'e403':
            return err(403, 'compliance_blocked', 'Blocked by policy enterprise_standard: SSN', { violations: [{ type: 'SSN' }] });
          case 'e502':
            return err(502, 'upstream_error', 'openai: The server had an error', { provider: 'openai' });
          case 'e504':
            return err(504, 'upstream_timeout', 'openai did not answer in time');
          case 'e400':
            return err(400, 'unknown_model', 'No provider for model "zzz"');
          case 'slow':
            return void setTimeout(() => send(res, 200, {}), 2000);
          default:
            return send(res, 200, { id: 'c1', object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }, { 'x-smartflow-cache': 'hit-semantic', 'x-smartflow-provider': 'openai', 'x-smartflow-request-id': 'rid-1' });
        }
      }
      if (req.url?.startsWith('/api/mcp/tools/search')) {
        const q = new URL(req.url, 'http://x').searchParams;
        return send(res, 200, { results: [{ server_id: 'github-tools', name: 'create_issue', description: `match for ${q.get('q')}`, k: Number(q.get('k')) }] });
      }
      if (req.url === '/api/cache/stats') return send(res, 200, { hits: 3, misses: 1, hit_rate: 0.75, l1_hits: 2, l2_hits: 1, l3_hits: 0, tokens_saved: 90, cost_saved_cents: 4, entries: 7 });
      if (req.url === '/api/mcp/usage') return send(res, 200, { servers: { 'github-tools': { calls: 3, cost: 0.01 } } });
      const mcp = /^\/([^/]+)\/mcp\/$/.exec(req.url ?? '');
      if (mcp && req.method === 'POST') {
        const rpc = body as { jsonrpc: string; id: unknown; method: string; params: { name: string; arguments: Record<string, unknown> } };
        if (rpc.jsonrpc !== '2.0' || rpc.method !== 'tools/call') return send(res, 200, { jsonrpc: '2.0', id: rpc.id, error: { code: -32601, message: 'Method not found' } });
        if (rpc.params.name === 'explode') return send(res, 200, { jsonrpc: '2.0', id: rpc.id, error: { code: -32000, message: 'tool exploded' } });
        return send(res, 200, { jsonrpc: '2.0', id: rpc.id, result: { content: [{ type: 'text', text: `${mcp[1]}:${rpc.params.name}:${JSON.stringify(rpc.params.arguments)}` }] } });
      }
      const card = /^\/a2a\/([^/]+)\/\.well-known\/agent\.json$/.exec(req.url ?? '');
      if (card) return send(res, 200, { name: card[1], capabilities: { streaming: false } });
      const a2a = /^\/a2a\/([^/]+)$/.exec(req.url ?? '');
      if (a2a && req.method === 'POST') {
        const task = body as { id: string; message: { parts: Array<{ text: string }> } };
        return send(res, 200, { id: task.id, result: { parts: [{ type: 'text', text: `${a2a[1]} got: ${task.message.parts[0].text} [trace ${req.headers['x-a2a-trace-id']}]` }] } });
      }
      send(res, 404, { error: { message: `no route ${req.url}`, code: 'not_found' } });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

test('gateway-mode chat reads cache/provider/request-id headers', async () => {
  await using sf = new SmartflowClient(base, { apiKey: 'sk-sf-test', env: {} });
  const r = await sf.chatCompletions([{ role: 'user', content: 'x' }], { model: 'ok-model' });
  assert.equal(r.content, 'hi');
  assert.equal(r.cached, true);
  assert.equal(r.cacheHitType, 'semantic');
  assert.equal(r.provider, 'openai');
  assert.equal(r.requestId, 'rid-1');
  const last = seen.at(-1)!;
  assert.equal(last.headers.authorization, 'Bearer sk-sf-test');
  assert.equal((last.body as { temperature: number }).temperature, 0.7);
});

test('errors map per status with the cause and details attached', async () => {
  await using sf = new SmartflowClient(base, { apiKey: 'k', env: {} });
  const call = (model: string) => sf.chat('x', { model });
  await assert.rejects(call('e401'), (e: unknown) => e instanceof AuthenticationError && e.status === 401 && /invalid bearer token/.test(e.message));
  await assert.rejects(call('e429'), (e: unknown) => e instanceof RateLimitError && e.retryAfter === 7 && e.status === 429);
  await assert.rejects(call('e403'), (e: unknown) => e instanceof ComplianceError && e.status === 403 && e.violations.includes('SSN'));
  await assert.rejects(call('e502'), (e: unknown) => e instanceof ProviderError && e.provider === 'openai' && e.code === 'upstream_error');
  await assert.rejects(call('e504'), (e: unknown) => e instanceof TimeoutError && e.status === 504);
  await assert.rejects(call('e400'), (e: unknown) => e instanceof ProviderError && e.code === 'unknown_model');
  // every one is a SmartflowError
  await assert.rejects(call('e401'), SmartflowError);
});

test('connection refused → ConnectionError with the socket error as cause', async () => {
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const port = (dead.address() as AddressInfo).port;
  await new Promise((r) => dead.close(r));
  await using sf = new SmartflowClient(`http://127.0.0.1:${port}`, { env: {} });
  await assert.rejects(sf.chat('x'), (e: unknown) => e instanceof ConnectionError && e.cause !== undefined && /smartflow gateway/.test(e.message));
});

test('a side port that cannot be reached falls back to the main URL (our gateway serves every API there)', async () => {
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const port = (dead.address() as AddressInfo).port;
  await new Promise((r) => dead.close(r));
  await using sf = new SmartflowClient(base, { managementPort: port, env: {} });
  assert.equal(sf.managementUrl, `http://127.0.0.1:${port}`);
  const s = await sf.getCacheStats();
  assert.deepEqual([s.hits, s.hit_rate, s.entries], [3, 0.75, 7]);
  assert.equal(seen.at(-1)!.url, '/api/cache/stats');
});

test('timeout → TimeoutError', async () => {
  await using sf = new SmartflowClient(base, { timeout: 0.3, env: {} });
  const t = performance.now();
  await assert.rejects(sf.chat('x', { model: 'slow' }), TimeoutError);
  assert.ok(performance.now() - t < 1800, 'gave up at the client timeout, not the server delay');
});

test('MCP: tool search, JSON-RPC tools/call, usage; JSON-RPC errors raise', async () => {
  await using sf = new SmartflowClient(base, { apiKey: 'sk-sf-mcp', env: {} });
  const tools = await sf.mcpSearchTools('create github issue', 3);
  assert.equal(tools[0].server_id, 'github-tools');
  assert.equal(tools[0].description, 'match for create github issue');
  assert.equal(tools[0].k, 3);
  const r = await sf.mcpCallTool('github-tools', 'create_issue', { repo: 'o/r', title: 'Bug' });
  assert.deepEqual(r.content, [{ type: 'text', text: 'github-tools:create_issue:{"repo":"o/r","title":"Bug"}' }]);
  const rpc = seen.at(-1)!;
  assert.equal(rpc.url, '/github-tools/mcp/');
  assert.equal(rpc.headers.authorization, 'Bearer sk-sf-mcp');
  assert.equal((rpc.body as { method: string }).method, 'tools/call');
  await assert.rejects(sf.mcpCallTool('github-tools', 'explode'), (e: unknown) => e instanceof SmartflowError && /tool exploded/.test(e.message) && e.code === 'jsonrpc_-32000');
  assert.deepEqual(await sf.mcpUsage(), { servers: { 'github-tools': { calls: 3, cost: 0.01 } } });
});

test('A2A: task send passes x-a2a-trace-id; agent card', async () => {
  await using sf = new SmartflowClient(base, { apiKey: 'k', env: {} });
  const r = await sf.a2aSendTask('summarizer-agent', 'Summarise Q4', { traceId: 'trace-abc-123', taskId: 'task-1' });
  assert.equal(r.id, 'task-1');
  assert.equal(r.trace_id, 'trace-abc-123');
  assert.equal(r.text, 'summarizer-agent got: Summarise Q4 [trace trace-abc-123]');
  assert.equal(seen.at(-1)!.headers['x-a2a-trace-id'], 'trace-abc-123');
  const auto = await sf.a2aSendTask('summarizer-agent', 'again');
  assert.match(auto.trace_id, /^[0-9a-f-]{36}$/, 'a trace id is generated when none is given');
  const card = await sf.a2aAgentCard('summarizer-agent');
  assert.equal(card.name, 'summarizer-agent');
});

test('direct mode: only SSO identity, MCP and A2A raise DirectModeError, with guidance', async () => {
  const sf = new SmartflowClient({ env: {}, configPath: '/nonexistent/config.yaml' });
  assert.equal(sf.mode, 'direct');
  for (const p of [() => sf.mcpSearchTools('x'), () => sf.mcpCallTool('s', 't'), () => sf.mcpUsage(), () => sf.a2aSendTask('a', 'b'), () => sf.a2aAgentCard('a'), () => sf.getIdentity()]) {
    await assert.rejects(p(), (e: unknown) => e instanceof DirectModeError && /smartflow configure/.test(e.message) && e instanceof SmartflowError);
  }
  await sf.close();
});
