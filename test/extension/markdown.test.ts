// The chat's markdown sanitiser (src/webview/shared/markdown.ts) run under jsdom with the real marked +
// DOMPurify: model output carrying script/HTML payloads must never execute or keep an active attribute.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import createDOMPurify from 'dompurify';
import { createMarkdownRenderer, type Purifier } from '../../src/webview/shared/markdown.js';

// jsdom has no type package installed; this is the slice the test uses.
interface JsdomWindow {
  document: { body: { innerHTML: string; querySelectorAll(sel: string): ArrayLike<{ getAttribute(n: string): string | null; attributes: ArrayLike<{ name: string; value: string }> }> } };
  pwned?: number;
  close(): void;
}
const { JSDOM } = require('jsdom') as { JSDOM: new (html: string, opts?: Record<string, unknown>) => { window: JsdomWindow } };

function setup(): { render: (md: string) => string; window: JsdomWindow } {
  // runScripts: 'dangerously' so that a payload that survived sanitising WOULD run and set window.pwned.
  const { window } = new JSDOM('<!DOCTYPE html><body></body>', { runScripts: 'dangerously' });
  const purify = createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0]) as unknown as Purifier;
  return { render: createMarkdownRenderer(purify), window };
}

const PAYLOADS = [
  '<script>window.pwned = 1</script>',
  'Hello <img src=x onerror="window.pwned=2">',
  '<svg onload="window.pwned=3"><circle r=1 /></svg>',
  '[click](javascript:window.pwned=4)',
  '[click](JaVaScRiPt:window.pwned=5)',
  '<a href="javascript:window.pwned=6">x</a>',
  '<iframe src="javascript:window.pwned=7"></iframe>',
  '<iframe srcdoc="<script>parent.pwned=8</script>"></iframe>',
  '<details open ontoggle="window.pwned=9">x</details>',
  '<form action="javascript:window.pwned=10"><button>go</button></form>',
  '<div style="background:url(javascript:window.pwned=11)">x</div>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.pwned=12">',
  '![x](x" onerror="window.pwned=13)',
  '<object data="javascript:window.pwned=14"></object>',
  '<embed src="javascript:window.pwned=15">',
  '<meta http-equiv="refresh" content="0;url=javascript:window.pwned=16">',
  '<base href="javascript:window.pwned=17//">',
  '<noscript><p title="</noscript><img src=x onerror=window.pwned=18>">',
  '```html\n<script>window.pwned=19</script>\n```',
  '<a href="data:text/html,<script>window.pwned=20</script>">d</a>',
  '<a href="vbscript:msgbox(1)">v</a>',
  '<IMG SRC=JaVaScRiPt:window.pwned=21>',
  '<body onload="window.pwned=22">',
  '<input autofocus onfocus="window.pwned=23">',
  '<video><source onerror="window.pwned=24"></video>',
];

test('no payload survives: no script, no on* attribute, no javascript:/data:/vbscript: link', async () => {
  const { render, window } = setup();
  for (const p of PAYLOADS) {
    const html = render(p);
    window.document.body.innerHTML = html;
    const all = window.document.body.querySelectorAll('*');
    for (let i = 0; i < all.length; i++) {
      for (const a of Array.from(all[i].attributes)) {
        assert.ok(!/^on/i.test(a.name), `${p} → kept ${a.name}`);
        assert.ok(!/^\s*(javascript|vbscript|data:text)/i.test(a.value), `${p} → kept ${a.name}=${a.value}`);
        assert.notEqual(a.name, 'style', `${p} → kept style`);
        assert.notEqual(a.name, 'srcdoc', `${p} → kept srcdoc`);
      }
    }
    for (const tag of ['script', 'iframe', 'object', 'embed', 'form', 'svg', 'math', 'style', 'meta', 'base', 'input']) {
      assert.equal(window.document.body.querySelectorAll(tag).length, 0, `${p} → kept <${tag}>`);
    }
  }
  await new Promise((r) => setTimeout(r, 50)); // let any event handler that slipped through fire
  assert.equal(window.pwned, undefined, 'a payload executed');
  window.close();
});

test('raw HTML from the model is shown as text, markdown still renders', () => {
  const { render, window } = setup();
  const html = render('**bold** and <b>tag</b>\n\n```js\nconst x = "<script>";\n```\n\n[docs](https://example.com)');
  assert.match(html, /<strong>bold<\/strong>/);
  assert.match(html, /&lt;b&gt;tag&lt;\/b&gt;/);
  assert.match(html, /<code class="language-js">/);
  assert.match(html, /const x = &quot;&lt;script&gt;&quot;;|const x = "&lt;script&gt;";/);
  window.document.body.innerHTML = html;
  const a = window.document.body.querySelectorAll('a')[0];
  assert.equal(a.getAttribute('href'), 'https://example.com');
  assert.equal(a.getAttribute('rel'), 'noopener noreferrer');
  window.close();
});

test('remote images are not loaded (no tracking pixels)', () => {
  const { render, window } = setup();
  window.document.body.innerHTML = render('![pixel](https://tracker.example/p.gif)');
  const img = window.document.body.querySelectorAll('img')[0];
  assert.equal(img?.getAttribute('src') ?? null, null);
  window.close();
});
