import { CATALOGS, isLocale, type Locale } from '../i18n/index.js';
import { pageTexts } from './pageTexts.js';

export type WebChatMode = 'local' | 'directLine' | 'off';

export interface PageOptions {
  readonly locale: Locale;
  readonly mode: WebChatMode;
  /** Per response: allows Web Chat's own <style> elements and the page's. */
  readonly nonce: string;
  readonly bundlePath: string;
  readonly scriptPath: string;
  /**
   * Inside an intranet page's panel (embed.js, `/?embed=1`): the chat only, under a heading for
   * screen readers; the panel around it carries the title and the close button.
   */
  readonly isEmbedded?: boolean;
  /** The language was chosen by the embedding page (`data-locale`): the chat speaks it too. */
  readonly isLocaleFixed?: boolean;
}

/**
 * The language of the page from the browser's Accept-Language (q-values honoured): the first
 * of fr/nl/de/en it asks for, else the configured default.
 */
export function pickPageLocale(acceptLanguage: string | undefined, fallback: Locale): Locale {
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return wanted.map((entry) => entry.primary).find(isLocale) ?? fallback;
}

const EMPTY_STYLE_HASH = 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

/**
 * Content-Security-Policy: everything from this origin only — no CDN, no inline script. Styles
 * need the nonce (Web Chat inserts its <style> elements with it). In production the browser also
 * talks to the Direct Line service (HTTPS and its WebSocket stream), and only to it.
 */
export function contentSecurityPolicy(nonce: string, directLineEndpoint: string | undefined, frameAncestors = "'none'"): string {
  // blob: lets DirectLineJS read a file the user picked (paper clip) before uploading it.
  const connect = ["'self'", 'blob:'];
  if (directLineEndpoint) {
    const url = new URL(directLineEndpoint);
    connect.push(url.origin, `wss://${url.host}`);
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    // The hash is the empty string's: Web Chat's scroll-to-bottom creates its (empty) <style>
    // without the nonce, then fills it through CSSOM, which CSP does not restrict.
    `style-src 'self' 'nonce-${nonce}' '${EMPTY_STYLE_HASH}'`,
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/**
 * Calm, high-contrast, phone-first: the chat fills the screen under a short introduction.
 * Colours meet WCAG AA (body text #1b2430 on white ≈ 15:1, links and buttons #0a58a5 ≈ 6.9:1).
 */
const PAGE_CSS = `
:root { color-scheme: light; --ink: #1b2430; --muted: #4a5563; --accent: #0a58a5; --line: #d3dae3; --page: #eef2f6; }
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; background: var(--page); color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: 0.5rem; top: -3rem; padding: 0.5rem 0.75rem; background: #fff; color: var(--accent);
  border: 2px solid var(--accent); border-radius: 6px; z-index: 10; }
.skip:focus { top: 0.5rem; }
.banner { background: var(--accent); color: #fff; }
.banner p { margin: 0 auto; max-width: 52rem; padding: 0.6rem 1rem; font-weight: 600; letter-spacing: 0.01em; }
main { flex: 1; display: flex; flex-direction: column; width: 100%; max-width: 52rem; margin: 0 auto; padding: 1rem 1rem 0.75rem; min-height: 0; }
h1 { font-size: 1.45rem; line-height: 1.25; margin: 0.25rem 0 0.5rem; }
.intro { margin: 0 0 0.35rem; color: var(--ink); }
.hint { margin: 0 0 0.85rem; color: var(--muted); font-size: 0.95rem; }
.chat { flex: 1; display: flex; flex-direction: column; min-height: 26rem; background: #fff; border: 1px solid var(--line);
  border-radius: 14px; overflow: hidden; box-shadow: 0 1px 3px rgba(27, 36, 48, 0.08); }
.chat:focus { outline: none; }
.chat:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
#webchat { flex: 1; min-height: 0; }
.status { margin: 1rem; padding: 0.75rem 1rem; border-radius: 8px; background: #f1f4f8; color: var(--ink); }
.status--error { background: #fdecea; color: #8a1c12; border: 1px solid #e6b4ae; }
footer { max-width: 52rem; width: 100%; margin: 0 auto; padding: 0 1rem 0.9rem; color: var(--muted); font-size: 0.85rem; }
footer p { margin: 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
body.embedded { background: #fff; }
body.embedded main { max-width: none; padding: 0; }
body.embedded .chat { min-height: 0; border: 0; border-radius: 0; box-shadow: none; }
body.embedded footer { max-width: none; padding: 0.35rem 0.75rem 0.5rem; border-top: 1px solid var(--line); font-size: 0.8rem; }
/* A file the user sent (a crew's spreadsheet): its name and size on the blue bubble, in white. */
#webchat .webchat__bubble--from-user .webchat__fileContent__fileName,
#webchat .webchat__bubble--from-user .webchat__fileContent__size,
#webchat .webchat__bubble--from-user .webchat__fileContent__buttonLink { color: #ffffff; }
@media (max-width: 40rem) {
  main { padding: 0.6rem 0.5rem 0.5rem; }
  h1 { font-size: 1.2rem; }
  .intro { font-size: 0.95rem; }
  .hint { display: none; }
  .chat { min-height: 0; border-radius: 10px; }
  footer { padding: 0 0.6rem 0.6rem; font-size: 0.8rem; }
}
`;

/** The whole page: header, introduction, the chat in <main>, the privacy line. */
export function renderPage({ locale, mode, nonce, bundlePath, scriptPath, isEmbedded = false, isLocaleFixed = false }: PageOptions): string {
  const text = pageTexts(locale);
  const e = escapeHtml;
  const initial = mode === 'off' ? text.off : text.connecting;
  const status = `<p id="chat-status" class="status${mode === 'off' ? ' status--error' : ''}" role="status">${e(initial)}</p>
<noscript><p class="status status--error">${e(text.noScript)}</p></noscript>
<div id="webchat" data-mode="${mode}"${isEmbedded ? ' data-embedded="true"' : ''}${isLocaleFixed ? ` data-locale="${locale}"` : ''} data-text-failed="${e(text.failed)}" data-text-off="${e(text.off)}" aria-busy="${mode === 'off' ? 'false' : 'true'}"></div>`;
  const head = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(isEmbedded ? CATALOGS[locale].embed.frameTitle : text.title)}</title>
<link rel="icon" href="data:,">
<style nonce="${e(nonce)}">${PAGE_CSS}</style>
${mode === 'off' ? '' : `<script src="${e(bundlePath)}" defer></script>\n`}<script src="${e(scriptPath)}" nonce="${e(nonce)}" defer></script>
</head>`;
  // Embedded: the chat only, under a heading for screen readers (the panel has the visible title).
  const intro = isEmbedded
    ? `<h1 id="page-title" class="visually-hidden">${e(CATALOGS[locale].embed.heading)}</h1>`
    : `<h1 id="page-title">${e(text.heading)}</h1>
<p class="intro">${e(text.intro)}</p>
<p class="hint">${e(text.example)}</p>`;
  const top = isEmbedded
    ? '<body class="embedded">'
    : `<body>
<a class="skip" href="#chat">${e(text.skipToChat)}</a>
<header class="banner"><p>${e(text.brand)}</p></header>`;
  return `${head}
${top}
<main id="main" aria-labelledby="page-title">
${intro}
<section id="chat" class="chat"${isEmbedded ? '' : ' tabindex="-1"'} aria-label="${e(text.chatLabel)}">
${status}
</section>
</main>
<footer><p>${e(text.privacy)}</p></footer>
</body>
</html>
`;
}
