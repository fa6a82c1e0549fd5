/**
 * SmartflowWorkflow: multi-step pipelines of `chat`, `compliance_check` and `condition` steps.
 *
 * Templates: `{input}` is the workflow input, `{output}` the previous step's output, `{name}` any other
 * context value (a step's output is also stored under its name). The graph is validated before anything
 * runs: unknown next steps / case targets and cycles are errors, and a condition with no matching case
 * and no default fails the run — a workflow never loops or hangs.
 *
 * @example
 * const wf = new SmartflowWorkflow(sf, 'triage')
 *   .addStep('classify', 'chat', { prompt: 'One word, positive or negative: {input}' }, ['route'])
 *   .addStep('route', 'condition', { field: 'output', cases: { positive: 'thank', negative: 'escalate' } })
 *   .addStep('thank', 'chat', { prompt: 'Write a thank-you for: {input}' })
 *   .addStep('escalate', 'chat', { prompt: 'Write an apology for: {input}' });
 * const r = await wf.execute({ input: 'Great product!' });
 */
import type { SmartflowClient } from './client.js';
import { shouldBlock } from './compliance-decision.js';
import type { WorkflowResult } from './types.js';

export type StepAction = 'chat' | 'compliance_check' | 'condition';

export interface ChatStepConfig {
  prompt: string;
  model?: string;
  temperature?: number;
  system_prompt?: string;
  max_tokens?: number;
}
export interface ComplianceStepConfig {
  content?: string;
  policy?: string;
  /** Stop the workflow when the policy would block or redact the content (default true). */
  block?: boolean;
}
export interface ConditionStepConfig {
  /** Context value to branch on (default "output"). */
  field?: string;
  /** value → next step. Matches the whole value (case-insensitive), else the first case word found in it. */
  cases: Record<string, string>;
  default?: string;
}

export interface WorkflowStep {
  name: string;
  action: StepAction;
  config: Record<string, unknown>;
  nextSteps: string[];
}

export class WorkflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowError';
  }
}

function fill(template: string, ctx: Record<string, unknown>): string {
  return template.replace(/\{([A-Za-z_][\w.]*)\}/g, (m, key: string) => {
    const v = ctx[key];
    return v === undefined ? m : typeof v === 'string' ? v : JSON.stringify(v);
  });
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class SmartflowWorkflow {
  readonly name: string;
  private readonly client: SmartflowClient;
  private readonly steps = new Map<string, WorkflowStep>();
  private first?: string;

  constructor(client: SmartflowClient, name = 'workflow') {
    this.client = client;
    this.name = name;
  }

  addStep(name: string, action: 'chat', config: ChatStepConfig, nextSteps?: string[]): this;
  addStep(name: string, action: 'compliance_check', config: ComplianceStepConfig, nextSteps?: string[]): this;
  addStep(name: string, action: 'condition', config: ConditionStepConfig, nextSteps?: string[]): this;
  addStep(name: string, action: StepAction, config: object, nextSteps?: string[]): this;
  addStep(name: string, action: StepAction, config: object, nextSteps: string[] = []): this {
    if (this.steps.has(name)) throw new WorkflowError(`Workflow "${this.name}": step "${name}" is defined twice.`);
    if (!['chat', 'compliance_check', 'condition'].includes(action)) throw new WorkflowError(`Workflow "${this.name}": step "${name}" has unknown action "${action}" (use chat, compliance_check or condition).`);
    const cfg = config as Record<string, unknown>;
    if (action === 'chat' && typeof cfg.prompt !== 'string') throw new WorkflowError(`Workflow "${this.name}": chat step "${name}" needs config.prompt.`);
    if (action === 'condition' && (typeof cfg.cases !== 'object' || cfg.cases === null)) throw new WorkflowError(`Workflow "${this.name}": condition step "${name}" needs config.cases.`);
    this.steps.set(name, { name, action, config: cfg, nextSteps: [...nextSteps] });
    this.first ??= name;
    return this;
  }

  private edges(s: WorkflowStep): string[] {
    if (s.action !== 'condition') return s.nextSteps;
    const c = s.config as unknown as ConditionStepConfig;
    return [...Object.values(c.cases), ...(c.default ? [c.default] : []), ...s.nextSteps];
  }

  /** Throws WorkflowError for unknown targets and cycles (checked before anything runs). */
  validate(): void {
    if (!this.first) throw new WorkflowError(`Workflow "${this.name}" has no steps.`);
    for (const s of this.steps.values()) {
      for (const t of this.edges(s)) if (!this.steps.has(t)) throw new WorkflowError(`Workflow "${this.name}": step "${s.name}" leads to "${t}", which is not a step. Add it with addStep() or fix the name.`);
    }
    const state = new Map<string, 1 | 2>();
    const visit = (n: string, path: string[]): void => {
      if (state.get(n) === 2) return;
      if (state.get(n) === 1) throw new WorkflowError(`Workflow "${this.name}" has a cycle: ${[...path.slice(path.indexOf(n)), n].join(' -> ')}.`);
      state.set(n, 1);
      for (const t of this.edges(this.steps.get(n)!)) visit(t, [...path, n]);
      state.set(n, 2);
    };
    for (const n of this.steps.keys()) visit(n, []);
  }

  /** Runs the workflow from its first step. Never throws for step failures: see `success` / `errors`. */
  async execute(input: string | Record<string, unknown>, o: { start?: string; signal?: AbortSignal } = {}): Promise<WorkflowResult> {
    const t0 = performance.now();
    const ctx: Record<string, unknown> = typeof input === 'string' ? { input } : { ...input };
    if (ctx.input === undefined) ctx.input = '';
    ctx.output ??= ctx.input;
    const result: WorkflowResult = { success: true, output: '', steps_executed: [], errors: [], total_tokens: 0, total_cost_cents: 0, execution_time_ms: 0 };
    const done = (): WorkflowResult => {
      result.output = typeof ctx.output === 'string' ? ctx.output : JSON.stringify(ctx.output);
      result.execution_time_ms = performance.now() - t0;
      result.total_cost_cents = Math.round(result.total_cost_cents * 10_000) / 10_000;
      return result;
    };
    try {
      this.validate();
    } catch (e) {
      result.success = false;
      result.errors.push((e as Error).message);
      return done();
    }
    const start = o.start ?? this.first!;
    if (!this.steps.has(start)) {
      result.success = false;
      result.errors.push(`Workflow "${this.name}": start step "${start}" does not exist.`);
      return done();
    }
    // Acyclic (validated), so this queue terminates; each step runs at most once.
    const queue: string[] = [start];
    const ran = new Set<string>();
    while (queue.length) {
      const name = queue.shift()!;
      if (ran.has(name)) continue;
      ran.add(name);
      const step = this.steps.get(name)!;
      result.steps_executed.push(name);
      try {
        const next = await this.runStep(step, ctx, result, o.signal);
        if (next === null) break;
        queue.push(...next);
      } catch (e) {
        result.success = false;
        result.errors.push(`${name}: ${(e as Error).message}`);
        break;
      }
    }
    return done();
  }

  /** Runs one step; returns the steps to run next, or null to stop. */
  private async runStep(step: WorkflowStep, ctx: Record<string, unknown>, result: WorkflowResult, signal?: AbortSignal): Promise<string[] | null> {
    switch (step.action) {
      case 'chat': {
        const c = step.config as unknown as ChatStepConfig;
        const messages = [...(c.system_prompt ? [{ role: 'system', content: fill(c.system_prompt, ctx) }] : []), { role: 'user', content: fill(c.prompt, ctx) }];
        const r = await this.client.chatCompletions(messages, { model: c.model, temperature: c.temperature, maxTokens: c.max_tokens, signal });
        ctx.output = r.content;
        ctx[step.name] = r.content;
        result.total_tokens += r.usage?.total_tokens ?? 0;
        result.total_cost_cents += (r.costUsd ?? 0) * 100;
        return step.nextSteps;
      }
      case 'compliance_check': {
        const c = step.config as unknown as ComplianceStepConfig;
        const content = fill(c.content ?? '{output}', ctx);
        const r = await this.client.checkCompliance(content, c.policy);
        ctx.compliance = r;
        ctx[step.name] = r;
        ctx.compliance_passed = !r.has_violations;
        if (shouldBlock(r) && c.block !== false) {
          result.success = false;
          result.errors.push(`${step.name}: compliance findings (${(r.pii_detected.length ? r.pii_detected : r.violations).join(', ') || 'violations'}, risk ${r.risk_level}); workflow stopped.`);
          return null;
        }
        return step.nextSteps;
      }
      case 'condition': {
        const c = step.config as unknown as ConditionStepConfig;
        const field = c.field ?? 'output';
        const raw = ctx[field];
        const value = (typeof raw === 'string' ? raw : JSON.stringify(raw ?? '')).trim().toLowerCase();
        const cases = Object.entries(c.cases);
        let target = cases.find(([k]) => k.toLowerCase() === value)?.[1];
        if (target === undefined) {
          // Model answers are sentences: take the case word that appears first in the text.
          let best = Infinity;
          for (const [k, t] of cases) {
            const m = new RegExp(`\\b${escapeRe(k.toLowerCase())}\\b`).exec(value);
            if (m && m.index < best) {
              best = m.index;
              target = t;
            }
          }
        }
        target ??= c.default;
        if (target === undefined) throw new Error(`no case matches ${field} = "${value.slice(0, 80)}" and there is no default (cases: ${cases.map(([k]) => k).join(', ')}).`);
        ctx.branch = target;
        return [target, ...step.nextSteps];
      }
    }
  }
}
