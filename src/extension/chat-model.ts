/**
 * Chat logic that does not need VS Code: turning the transcript (with attached selections) into the
 * gateway's messages, and the gateway's ResultMeta into what the reply footer shows. Unit-tested.
 */
import type { ChatMessage, ResultMeta } from '../gateway/types.js';
import type { ChatTurn, ModelOption, ReplyMeta, SelectionContext } from '../webview/protocol.js';

export const MAX_TURNS = 200;
/** Only the most recent turns are sent upstream (the transcript keeps everything up to MAX_TURNS). */
export const MAX_TURNS_SENT = 40;

function fence(text: string): string {
  // A fence longer than any backtick run inside the text keeps the block intact.
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

export function contextBlock(c: SelectionContext): string {
  const f = fence(c.text);
  const lines = c.startLine === c.endLine ? `line ${c.startLine}` : `lines ${c.startLine}-${c.endLine}`;
  return `From \`${c.file}\` (${lines}):\n${f}${c.languageId}\n${c.text}\n${f}`;
}

/** The text sent for a user turn: the question, then each attached selection as a fenced block. */
export function userPromptText(turn: Pick<ChatTurn, 'text' | 'contexts'>): string {
  const parts = [turn.text.trim()];
  for (const c of turn.contexts ?? []) parts.push(contextBlock(c));
  return parts.filter(Boolean).join('\n\n');
}

export const SYSTEM_PROMPT =
  'You are Smartflow, a coding assistant inside VS Code. Answer concisely in Markdown. Put code in fenced blocks with a language tag.';

/** The messages for the next request: system prompt + the recent finished turns. */
export function buildMessages(turns: readonly ChatTurn[]): ChatMessage[] {
  const usable = turns.filter((t) => t.role === 'user' || (t.role === 'assistant' && !t.error && !t.pending && t.text.trim() !== ''));
  const recent = usable.slice(-MAX_TURNS_SENT);
  // Never start the window on an assistant turn.
  while (recent.length && recent[0].role === 'assistant') recent.shift();
  return [{ role: 'system', content: SYSTEM_PROMPT }, ...recent.map((t): ChatMessage => ({ role: t.role, content: t.role === 'user' ? userPromptText(t) : t.text }))];
}

export function toReplyMeta(m: ResultMeta): ReplyMeta {
  return {
    requestId: m.requestId,
    provider: m.provider,
    model: m.model,
    promptTokens: m.usage?.prompt_tokens ?? 0,
    completionTokens: m.usage?.completion_tokens ?? 0,
    totalTokens: m.usage?.total_tokens ?? (m.usage ? m.usage.prompt_tokens + m.usage.completion_tokens : 0),
    costUsd: m.costUsd ?? 0,
    latencyMs: Math.round(m.latencyMs ?? 0),
    cached: !!m.cached,
    cacheHitType: m.cacheHitType ?? null,
    redactedByType: { ...(m.compliance?.redactedByType ?? {}) },
  };
}

/** Model list for the picker: the default model first, then the gateway's models, no duplicates. */
export function modelOptions(defaultModel: string, models: ReadonlyArray<{ id: string; provider?: string }>): ModelOption[] {
  const out: ModelOption[] = [{ id: defaultModel }];
  const seen = new Set([defaultModel]);
  for (const m of models) {
    if (!m.id || seen.has(m.id)) continue;
    seen.add(m.id);
    out.push(m.provider ? { id: m.id, provider: m.provider } : { id: m.id });
  }
  return out;
}

/** Restored history is untrusted (old versions, hand edits): keep well-formed turns, finish pending ones. */
export function restoreTurns(raw: unknown): ChatTurn[] {
  if (!Array.isArray(raw)) return [];
  const out: ChatTurn[] = [];
  for (const t of raw) {
    if (typeof t !== 'object' || t === null) continue;
    const o = t as Partial<ChatTurn>;
    if ((o.role !== 'user' && o.role !== 'assistant') || typeof o.id !== 'string' || typeof o.text !== 'string') continue;
    const turn: ChatTurn = { ...(o as ChatTurn) };
    if (turn.pending) {
      turn.pending = false;
      turn.stopped = true;
    }
    out.push(turn);
  }
  return out.slice(-MAX_TURNS);
}

const FENCE_ALIASES: Record<string, string> = {
  ts: 'typescript', tsx: 'typescriptreact', js: 'javascript', jsx: 'javascriptreact', mjs: 'javascript', cjs: 'javascript',
  py: 'python', rb: 'ruby', rs: 'rust', sh: 'shellscript', bash: 'shellscript', zsh: 'shellscript', shell: 'shellscript',
  ps1: 'powershell', yml: 'yaml', md: 'markdown', cs: 'csharp', 'c#': 'csharp', 'c++': 'cpp', cc: 'cpp', hpp: 'cpp',
  kt: 'kotlin', golang: 'go', dockerfile: 'dockerfile', docker: 'dockerfile', json5: 'jsonc', jsonl: 'json', html: 'html',
  htm: 'html', text: 'plaintext', txt: 'plaintext', plain: 'plaintext', console: 'shellscript', objc: 'objective-c',
};

/** VS Code language id for a fence tag (```ts → typescript), or the tag itself when it is already one. */
export function languageIdFor(tag: string, known?: ReadonlySet<string>): string {
  const t = tag.trim().toLowerCase();
  if (!t) return 'plaintext';
  const id = FENCE_ALIASES[t] ?? t;
  if (known && !known.has(id)) return 'plaintext';
  return id;
}
