// SmartflowAgent (memory, system prompt, input/output compliance blocking) and SmartflowWorkflow
// (chat / compliance_check / condition steps, templates, branching, graph errors) on a direct-mode client
// backed by the embedded gateway and the provider simulator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../sim/simulator.js';
import { ComplianceError, SmartflowAgent, SmartflowClient, SmartflowWorkflow, WorkflowError } from '../../src/gateway/client/index.js';

let sim: Simulator;
let sf: SmartflowClient;
let dir: string;

before(async () => {
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), 'sf-agent-'));
  sf = new SmartflowClient({ env: { ...sim.env(), SMARTFLOW_LOG_LEVEL: 'error' }, dataDir: dir, configPath: '/nonexistent/config.yaml', // Response scanning off in the gateway, so the agent's own output scan is what is tested.
  directConfig: { cache: { enabled: false }, compliance: { scanResponses: false } } });
});

after(async () => {
  await sf.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const chats = () => sim.requests.filter((r) => r.path.endsWith('/chat/completions'));
const lastMessages = () => (chats().at(-1)!.body as { messages: Array<{ role: string; content: string }> }).messages;

test('agent remembers the conversation and sends it every turn; clearHistory keeps the system prompt', async () => {
  const agent = new SmartflowAgent({ client: sf, name: 'TechSupport', model: 'gpt-4o', systemPrompt: 'You are a support engineer.' });
  assert.equal(agent.messageCount, 1);
  assert.equal(await agent.chat('My application keeps crashing'), 'Echo: My application keeps crashing');
  assert.equal(await agent.chat("It's a Flask app"), "Echo: It's a Flask app");
  assert.deepEqual(
    lastMessages().map((m) => [m.role, m.content]),
    [
      ['system', 'You are a support engineer.'],
      ['user', 'My application keeps crashing'],
      ['assistant', 'Echo: My application keeps crashing'],
      ['user', "It's a Flask app"],
    ],
  );
  assert.equal(agent.messageCount, 5);
  const h = agent.getHistory();
  h.push({ role: 'user', content: 'mutating the copy' });
  assert.equal(agent.messageCount, 5, 'getHistory returns a copy');
  agent.clearHistory();
  assert.deepEqual(agent.getHistory(), [{ role: 'system', content: 'You are a support engineer.' }]);
  await agent.chat('fresh start');
  assert.equal(lastMessages().length, 2);
});

test('agent input scan blocks sensitive input before it is sent, and does not remember it', async () => {
  const agent = new SmartflowAgent({ client: sf, systemPrompt: 'Be careful.', compliancePolicy: 'pci_dss_strict' });
  await agent.chat('hello');
  const sent = chats().length;
  await assert.rejects(agent.chat('my card is 4111 1111 1111 1111'), (e: unknown) => e instanceof ComplianceError && e.violations.includes('CREDIT_CARD') && /Remove the sensitive data/.test(e.message));
  assert.equal(chats().length, sent, 'nothing reached the provider');
  assert.equal(agent.messageCount, 3, 'the blocked turn is not in memory');
  // scanInput: false lets it through to the gateway (which redacts per its own policy)
  const noscan = new SmartflowAgent({ client: sf, enableComplianceScan: false });
  await noscan.chat('my email is bob@example.com');
  assert.equal(noscan.messageCount, 2);
});

test('agent output scan withholds a reply the policy would redact; logged-only findings pass', async () => {
  const agent = new SmartflowAgent({ client: sf });
  sim.script({ match: '/chat/completions', reply: 'Sure, the card on file is 4111 1111 1111 1111' });
  await assert.rejects(agent.chat('what card is on file?'), (e: unknown) => e instanceof ComplianceError && e.violations.includes('CREDIT_CARD') && /reply was withheld/.test(e.message));
  assert.equal(agent.messageCount, 0);
  // enterprise_standard only logs emails: the reply passes
  sim.script({ match: '/chat/completions', reply: 'Write to jane.roe@example.com' });
  assert.match(await agent.chat('who do I write to?'), /jane\.roe@example\.com|\[EMAIL/);
  assert.equal(agent.messageCount, 2);
  sim.script({ match: '/chat/completions', reply: 'Sure, the card on file is 4111 1111 1111 1111' });
  assert.match(await agent.chat('again', { scanOutput: false }), /4111|\[CREDIT_CARD/);
});

function contentPipeline(): SmartflowWorkflow {
  return new SmartflowWorkflow(sf, 'ContentPipeline')
    .addStep('analyze', 'chat', { prompt: 'Analyze the tone of: {input}', model: 'gpt-4o-mini' }, ['compliance_check'])
    .addStep('compliance_check', 'compliance_check', { content: '{input}' }, ['route'])
    .addStep('route', 'condition', { field: 'output', cases: { positive: 'enhance', negative: 'review' }, default: 'publish' })
    .addStep('enhance', 'chat', { prompt: 'Enhance: {output}' })
    .addStep('review', 'chat', { prompt: 'Review: {analyze}' })
    .addStep('publish', 'chat', { prompt: 'Publish: {input}' });
}

test('workflow branches on the chat output and reports steps, tokens, cost and time', async () => {
  sim.script({ match: '/chat/completions', reply: 'The tone is positive and upbeat' });
  const r = await contentPipeline().execute({ input: 'This product exceeded my expectations!' });
  assert.equal(r.success, true, r.errors.join('; '));
  assert.deepEqual(r.steps_executed, ['analyze', 'compliance_check', 'route', 'enhance']);
  assert.equal(r.output, 'Echo: Enhance: The tone is positive and upbeat');
  assert.ok(r.total_tokens > 0);
  assert.ok(r.total_cost_cents > 0, 'gpt-4o-mini has a price');
  assert.ok(r.execution_time_ms > 0);
  assert.deepEqual(r.errors, []);

  sim.script({ match: '/chat/completions', reply: 'Quite NEGATIVE overall' });
  const n = await contentPipeline().execute('Broke after a day');
  assert.deepEqual(n.steps_executed, ['analyze', 'compliance_check', 'route', 'review']);
  assert.equal(n.output, 'Echo: Review: Quite NEGATIVE overall', '{analyze} is the analyze step output');

  sim.script({ match: '/chat/completions', reply: 'meh' });
  const d = await contentPipeline().execute('It is a product');
  assert.deepEqual(d.steps_executed, ['analyze', 'compliance_check', 'route', 'publish']);
  assert.equal(d.output, 'Echo: Publish: It is a product');
});

test('workflow: compliance findings stop the run', async () => {
  const sent = chats().length;
  const r = await contentPipeline().execute('Charge card 4111 1111 1111 1111 please');
  assert.equal(r.success, false);
  assert.deepEqual(r.steps_executed, ['analyze', 'compliance_check']);
  assert.match(r.errors[0], /compliance_check: compliance findings \(CREDIT_CARD/);
  assert.equal(chats().length, sent + 1, 'only the analyze step called the model');
});

test('workflow: a missing case is an error, not a hang', async () => {
  const wf = new SmartflowWorkflow(sf, 'strict')
    .addStep('classify', 'chat', { prompt: '{input}' }, ['route'])
    .addStep('route', 'condition', { cases: { yes: 'done' } })
    .addStep('done', 'chat', { prompt: 'ok' });
  sim.script({ match: '/chat/completions', reply: 'perhaps' });
  const r = await wf.execute('question');
  assert.equal(r.success, false);
  assert.deepEqual(r.steps_executed, ['classify', 'route']);
  assert.match(r.errors[0], /route: no case matches output = "perhaps" and there is no default/);
});

test('workflow: cycles and unknown targets are rejected before anything runs', async () => {
  const sent = chats().length;
  const cyc = new SmartflowWorkflow(sf, 'loop')
    .addStep('a', 'chat', { prompt: '{input}' }, ['b'])
    .addStep('b', 'condition', { cases: { again: 'a' }, default: 'c' })
    .addStep('c', 'chat', { prompt: 'end' }, ['b']);
  const r = await cyc.execute('x');
  assert.equal(r.success, false);
  assert.match(r.errors[0], /has a cycle: (a -> b -> a|b -> a -> b|b -> c -> b|c -> b -> c)/);
  assert.deepEqual(r.steps_executed, []);
  const bad = new SmartflowWorkflow(sf, 'typo').addStep('a', 'chat', { prompt: '{input}' }, ['nope']);
  assert.throws(() => bad.validate(), (e: unknown) => e instanceof WorkflowError && /leads to "nope", which is not a step/.test((e as Error).message));
  assert.equal((await bad.execute('x')).success, false);
  assert.equal(chats().length, sent, 'nothing was sent');
  assert.throws(() => new SmartflowWorkflow(sf).addStep('a', 'chat', { prompt: 'x' }).addStep('a', 'chat', { prompt: 'y' }), /defined twice/);
  assert.equal((await new SmartflowWorkflow(sf, 'empty').execute('x')).errors[0], 'Workflow "empty" has no steps.');
});
