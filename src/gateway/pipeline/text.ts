/**
 * Text views of requests and responses for the audit log (prompt_text / response_text) and the
 * cache's metacache.query: message contents flattened, tool calls shown as name(arguments).
 */
import type { StorePromptMode } from '../config.js';
import type { ChatMessage, ChatRequest, ChatResponse, ComplianceLayer, PromptDecision } from '../types.js';

export function messageText(m: ChatMessage): string {
  const c = m.content;
  let s = typeof c === 'string' ? c : Array.isArray(c) ? c.map((p) => (p.type === 'text' ? p.text : `[${p.type}]`)).join('') : '';
  if (m.tool_calls?.length) s += (s ? '\n' : '') + m.tool_calls.map((t) => `${t.function.name}(${t.function.arguments})`).join('\n');
  return s;
}

/** "role: text" lines, the shape the audit log and logs view show. */
export function promptText(req: ChatRequest): string {
  return req.messages.map((m) => `${m.role}: ${messageText(m)}`).join('\n');
}

/** The last user message: what a person would call "the question" (metacache.query). */
export function lastUserText(req: ChatRequest): string | null {
  for (let i = req.messages.length - 1; i >= 0; i--) if (req.messages[i].role === 'user') return messageText(req.messages[i]);
  return null;
}

export function responseText(res: ChatResponse): string {
  return res.choices.map((c) => messageText(c.message)).join('\n');
}

/**
 * prompt_text for the audit log per config.audit.storePrompts (redacted needs the compliance layer).
 * Redacted mode runs the log redaction over each message's text — the same rule as response_text — so
 * values the policy only logs (emails, phone numbers) are not kept in the log either; the decision's
 * own redacted text is the fallback.
 */
export function auditPrompt(mode: StorePromptMode, req: ChatRequest | null, decision: PromptDecision | null, compliance: ComplianceLayer | null = null): string | null {
  if (mode === 'none' || !req) return null;
  if (mode === 'full') return promptText(req);
  if (compliance) {
    try {
      // Each message is redacted on its own, before its role label is added: "user: Explain…" would
      // make the label's neighbour look like a capitalised name to the person recognizer.
      return req.messages.map((m) => `${m.role}: ${compliance.redactText(messageText(m))}`).join('\n');
    } catch {
      /* fall back to the decision's text */
    }
  }
  return decision ? decision.redactedPromptText : null;
}

/** response_text for the audit log per config.audit.storePrompts. */
export function auditResponse(mode: StorePromptMode, text: string | null, compliance: ComplianceLayer | null): string | null {
  if (mode === 'none' || text === null) return null;
  if (mode === 'full') return text;
  if (!compliance) return null;
  try {
    return compliance.redactText(text);
  } catch {
    return null;
  }
}
