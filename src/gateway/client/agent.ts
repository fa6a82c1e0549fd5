/**
 * SmartflowAgent: a conversational agent on top of SmartflowClient with memory (the whole conversation is
 * sent on every turn), an optional system prompt, and compliance scans of what goes in and what comes
 * out: content the policy would block or redact raises ComplianceError and the turn is not kept in
 * memory (findings the policy only logs pass).
 *
 * @example
 * const agent = new SmartflowAgent({ client: sf, name: 'Support', systemPrompt: 'Be brief.' });
 * await agent.chat('My app crashes');      // remembers this for the next turn
 */
import type { SmartflowClient } from './client.js';
import { shouldBlock } from './compliance-decision.js';
import { ComplianceError } from './errors.js';
import type { ComplianceResult, Message } from './types.js';

export interface SmartflowAgentOptions {
  client: SmartflowClient;
  name?: string;
  model?: string;
  systemPrompt?: string;
  temperature?: number;
  maxTokens?: number;
  compliancePolicy?: string;
  /** Scan inputs and outputs with checkCompliance (default true); block what the policy blocks or redacts. */
  enableComplianceScan?: boolean;
  userId?: string;
  orgId?: string;
}

export class SmartflowAgent {
  readonly name: string;
  readonly model?: string;
  readonly systemPrompt?: string;
  private readonly client: SmartflowClient;
  private readonly o: SmartflowAgentOptions;
  private history: Message[] = [];

  constructor(o: SmartflowAgentOptions) {
    this.o = o;
    this.client = o.client;
    this.name = o.name ?? 'Agent';
    this.model = o.model;
    this.systemPrompt = o.systemPrompt;
    this.clearHistory();
  }

  /** Messages in memory, including the system prompt when there is one. */
  get messageCount(): number {
    return this.history.length;
  }

  /** Forgets the conversation; keeps the system prompt. */
  clearHistory(): void {
    this.history = this.systemPrompt ? [{ role: 'system', content: this.systemPrompt }] : [];
  }

  /** A copy of the conversation so far (system prompt first). */
  getHistory(): Message[] {
    return this.history.map((m) => ({ ...m }));
  }

  private async scan(text: string, where: 'input' | 'output'): Promise<void> {
    const r: ComplianceResult = await this.client.checkCompliance(text, this.o.compliancePolicy ?? 'enterprise_standard');
    if (shouldBlock(r)) {
      const kinds = r.pii_detected.length ? r.pii_detected : r.violations;
      throw new ComplianceError(
        `${this.name}: the ${where === 'input' ? 'message' : 'reply'} was blocked by the compliance policy (${kinds.join(', ') || 'sensitive content'}, risk ${r.risk_level}). ` +
          (where === 'input' ? 'Remove the sensitive data and try again.' : 'The reply was withheld and not kept in the conversation.'),
        { code: 'compliance_blocked', status: 403, violations: kinds, body: r },
      );
    }
  }

  /** Sends a message with the conversation so far and returns the reply. */
  async chat(message: string, o: { scanInput?: boolean; scanOutput?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    const scanning = this.o.enableComplianceScan ?? true;
    if (scanning && (o.scanInput ?? true)) await this.scan(message, 'input');
    const turn: Message[] = [...this.history, { role: 'user', content: message }];
    const r = await this.client.chatCompletions(turn, {
      model: this.o.model,
      temperature: this.o.temperature,
      maxTokens: this.o.maxTokens,
      userId: this.o.userId,
      signal: o.signal,
    });
    if (scanning && (o.scanOutput ?? true)) await this.scan(r.content, 'output');
    this.history = [...turn, { role: 'assistant', content: r.content }];
    return r.content;
  }
}
