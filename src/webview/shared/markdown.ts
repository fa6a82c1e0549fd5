/**
 * Model output → safe DOM. Markdown is rendered with `marked`, then every byte of HTML goes through
 * DOMPurify before it touches the document: scripts, event handlers, styles, forms, frames, SVG/MathML
 * and non-http(s) links are removed. Raw HTML in the model's markdown is escaped as text first (the
 * model has no reason to send markup), so the sanitiser is the second wall, not the only one.
 *
 * `createMarkdownRenderer(purify)` takes the DOMPurify instance so tests run the same code under jsdom.
 */
import { Marked, type Tokens } from 'marked';

/** The slice of a DOM element the hook touches (typed here so the module also checks without the DOM lib). */
export interface NodeLike {
  tagName: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
}

export interface Purifier {
  sanitize(dirty: string, cfg: Record<string, unknown>): unknown;
  addHook(hook: 'afterSanitizeAttributes', cb: (node: NodeLike) => void): void;
}

export const SANITIZE_CONFIG = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'frame', 'object', 'embed', 'link', 'meta', 'base', 'svg', 'math', 'template', 'audio', 'video', 'source'],
  FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'xlink:href', 'ping'],
  ALLOW_DATA_ATTR: false,
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
  RETURN_TRUSTED_TYPE: false,
} as const;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function createMarkdownRenderer(purify: Purifier): (md: string) => string {
  const marked = new Marked({ gfm: true, breaks: false, async: false });
  marked.use({
    renderer: {
      // Raw HTML from the model is shown as text, never interpreted.
      html(token: Tokens.HTML | Tokens.Tag): string {
        return escapeHtml(token.text);
      },
    },
  });
  purify.addHook('afterSanitizeAttributes', (node: NodeLike) => {
    if (node.tagName === 'A') {
      node.setAttribute('rel', 'noopener noreferrer');
      node.setAttribute('target', '_blank');
    }
    if (node.tagName === 'IMG') {
      // Remote images would leak that a reply was read (and are blocked by the CSP anyway).
      const src = node.getAttribute('src') ?? '';
      if (!src.startsWith('data:image/')) node.removeAttribute('src');
    }
  });
  return (md: string) => {
    const html = marked.parse(md) as string;
    return String(purify.sanitize(html, SANITIZE_CONFIG as unknown as Record<string, unknown>));
  };
}
