import { CATALOGS, LOCALES } from '../i18n/index.js';

/** Where the snippet is served: `<script src="https://<bot>/embed.js" async></script>`. */
export const EMBED_SCRIPT_PATH = '/embed.js';

/**
 * `GET /embed.js`: one script tag on an intranet page adds a launcher button that opens the
 * conversation in a panel. The conversation itself is an iframe of the bot's own page
 * (`/?embed=1&locale=…`), so the host page never sees the token or the messages.
 *
 * Plain ES2018 for any browser in use, no dependency, everything inside a shadow root (the host
 * page's styles do not leak in, ours do not leak out), styles through a constructed stylesheet
 * (a host CSP without 'unsafe-inline' styles still works). Accessibility: a real <button> with
 * aria-expanded/aria-controls; the panel is role=dialog, aria-modal, labelled by its heading;
 * the focus stays in it (Tab cycles: close button → conversation → close button); Escape closes
 * it (also from inside the conversation, which says so by postMessage) and gives the focus back
 * to the launcher; full screen under 600px; no motion with prefers-reduced-motion.
 *
 * Options (data- attributes of the script tag): data-locale (fr|nl|de|en; else the page's lang),
 * data-title (panel heading), data-label (launcher text), data-color (#rgb/#rrggbb; the text on
 * it is black or white, whichever contrasts more), data-position (right|left), data-user-hint
 * (a signed hint, userHint.ts) or data-user-hint-url (a same-origin URL answering one, fetched
 * when the panel opens: hints are short-lived, a page may stay open for hours).
 */
export function embedScriptSource(allowedOrigins: readonly string[]): string {
  const texts = Object.fromEntries(LOCALES.map((locale) => [locale, CATALOGS[locale].embed]));
  const config = JSON.stringify({ origins: allowedOrigins, locales: LOCALES, texts });
  return EMBED_SCRIPT.replace('__CONFIG__', () => config);
}

const EMBED_SCRIPT = String.raw`(function () {
  'use strict';
  var CONFIG = __CONFIG__;
  var script = document.currentScript;
  if (!script || !script.src || window.__checkinatworkChat) return;
  window.__checkinatworkChat = true;
  var botOrigin = new URL(script.src).origin;
  var here = window.location.origin;
  if (here !== botOrigin && CONFIG.origins.indexOf(here) < 0) {
    console.warn('Checkinatwork chat: ' + here + ' is not in the bot\'s WEBCHAT_EMBED_ORIGINS; the chat is not added to this page.');
    return;
  }
  var data = script.dataset;
  var DEFAULT_COLOR = '#0a58a5';

  function pickLocale() {
    var wanted = [data.locale, document.documentElement.lang].concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < wanted.length; i += 1) {
      var primary = String(wanted[i] || '').trim().toLowerCase().split(/[-_]/)[0];
      if (CONFIG.locales.indexOf(primary) >= 0) return primary;
    }
    return CONFIG.locales[0];
  }

  /** WCAG relative luminance of #rrggbb. */
  function luminance(hex) {
    var channels = [1, 3, 5].map(function (at) {
      var c = parseInt(hex.slice(at, at + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }

  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  /** #rgb or #rrggbb only (nothing that could smuggle CSS); else the default, with a warning. */
  function pickColor(value) {
    var text = String(value || '').trim();
    if (!text) return DEFAULT_COLOR;
    if (/^#[0-9a-fA-F]{3}$/.test(text)) text = '#' + text[1] + text[1] + text[2] + text[2] + text[3] + text[3];
    if (/^#[0-9a-fA-F]{6}$/.test(text)) return text.toLowerCase();
    console.warn('Checkinatwork chat: data-color must be #rgb or #rrggbb; using ' + DEFAULT_COLOR + '.');
    return DEFAULT_COLOR;
  }

  function isHint(value) {
    return typeof value === 'string' && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value) && value.length <= 2048;
  }

  var locale = pickLocale();
  var texts = CONFIG.texts[locale];
  var title = String(data.title || '').trim().slice(0, 80) || texts.title;
  var label = String(data.label || '').trim().slice(0, 60) || texts.launcher;
  var color = pickColor(data.color);
  var ink = contrast(color, '#ffffff') >= contrast(color, '#000000') ? '#ffffff' : '#000000';
  var side = data.position === 'left' ? 'left' : 'right';

  var CSS = [
    ':host { all: initial; }',
    '.launcher { position: fixed; bottom: 1.25rem; ' + side + ': 1.25rem; z-index: 2147483000; display: inline-flex; align-items: center; gap: 0.5rem;',
    '  min-height: 48px; padding: 0.7rem 1.15rem; border: 0; border-radius: 999px; background: ' + color + '; color: ' + ink + ';',
    '  font: 600 16px/1.2 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; cursor: pointer;',
    '  box-shadow: 0 0 0 2px #ffffff, 0 4px 14px rgba(0, 0, 0, 0.28); transition: transform 0.15s ease-out; }',
    '.launcher:hover { transform: translateY(-1px); }',
    '.launcher:focus-visible { outline: none; box-shadow: 0 0 0 2px #ffffff, 0 0 0 5px #1b2430, 0 4px 14px rgba(0, 0, 0, 0.28); }',
    '.launcher svg { width: 22px; height: 22px; flex: none; }',
    '.panel { position: fixed; bottom: 5.6rem; ' + side + ': 1.25rem; z-index: 2147483001; display: flex; flex-direction: column;',
    '  width: min(420px, calc(100vw - 2.5rem)); height: min(680px, calc(100vh - 7.5rem)); background: #ffffff; color: #1b2430;',
    '  border-radius: 14px; overflow: hidden; box-shadow: 0 12px 40px rgba(0, 0, 0, 0.3); animation: appear 0.18s ease-out; }',
    '.panel[hidden] { display: none; }',
    '@keyframes appear { from { opacity: 0; transform: translateY(10px); } to { opacity: 1; transform: none; } }',
    '.header { display: flex; align-items: center; justify-content: space-between; gap: 0.5rem; padding: 0.3rem 0.3rem 0.3rem 1rem;',
    '  background: ' + color + '; color: ' + ink + '; }',
    'h2 { margin: 0; font: 600 1.05rem/1.3 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: inherit; }',
    '.close { flex: none; width: 44px; height: 44px; display: inline-flex; align-items: center; justify-content: center;',
    '  border: 0; border-radius: 8px; background: transparent; color: inherit; cursor: pointer; }',
    '.close svg { width: 22px; height: 22px; }',
    '.close:focus-visible { outline: 3px solid ' + ink + '; outline-offset: -4px; }',
    '.frame { flex: 1; min-height: 0; width: 100%; border: 0; display: block; background: #ffffff; }',
    '.end { position: absolute; width: 1px; height: 1px; overflow: hidden; }',
    '@media (max-width: 600px) {',
    '  .panel { top: 0; right: 0; bottom: 0; left: 0; width: 100%; height: 100%; border-radius: 0; }',
    '  .launcher { bottom: 1rem; ' + side + ': 1rem; }',
    '}',
    '@media (prefers-reduced-motion: reduce) { .panel, .launcher { animation: none; transition: none; } .launcher:hover { transform: none; } }'
  ].join('\n');

  var CHAT_ICON = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h10V9H7zm0 4v2h7v-2H7z"/></svg>';
  var CLOSE_ICON = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z"/></svg>';

  function element(tag, attributes, html) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (html) node.innerHTML = html;
    return node;
  }

  function mount() {
    var holder = element('div', { 'data-checkinatwork-chat': '' });
    document.body.appendChild(holder);
    var root = holder.attachShadow({ mode: 'open' });
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      var style = document.createElement('style');
      style.textContent = CSS;
      root.appendChild(style);
    }

    var launcher = element('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'checkinatwork-chat-panel', 'aria-haspopup': 'dialog' }, CHAT_ICON);
    launcher.appendChild(document.createTextNode(label));
    var panel = element('div', { id: 'checkinatwork-chat-panel', class: 'panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'checkinatwork-chat-title' });
    panel.hidden = true;
    var header = element('div', { class: 'header' });
    var heading = element('h2', { id: 'checkinatwork-chat-title' });
    heading.textContent = title;
    var close = element('button', { type: 'button', class: 'close', 'aria-label': texts.close, title: texts.close }, CLOSE_ICON);
    // Tabbing out of the conversation lands here and goes back to the top of the panel.
    var end = element('span', { class: 'end', tabindex: '0' });
    header.appendChild(heading);
    header.appendChild(close);
    panel.appendChild(header);
    panel.appendChild(end);
    root.appendChild(launcher);
    root.appendChild(panel);

    var frame;
    var frameReady = false;
    var isOpen = false;
    var savedOverflow = '';
    var phone = window.matchMedia ? window.matchMedia('(max-width: 600px)') : { matches: false };

    function userHint() {
      if (isHint(data.userHint)) return Promise.resolve(data.userHint);
      if (!data.userHintUrl) return Promise.resolve(undefined);
      var url;
      try { url = new URL(data.userHintUrl, window.location.href); } catch (e) { return Promise.resolve(undefined); }
      if (url.origin !== here) return Promise.resolve(undefined);
      return fetch(url.href, { credentials: 'same-origin', cache: 'no-store' })
        .then(function (response) { return response.ok ? response.text() : undefined; })
        .then(function (text) { return text && isHint(text.trim()) ? text.trim() : undefined; })
        .catch(function () { return undefined; });
    }

    function askFocus() {
      if (frame && frameReady && frame.contentWindow) frame.contentWindow.postMessage({ type: 'checkinatwork-chat:focus' }, botOrigin);
    }

    function createFrame(hint) {
      frame = element('iframe', { class: 'frame', title: texts.frameTitle, src: botOrigin + '/?embed=1&locale=' + encodeURIComponent(locale) + (hint ? '#hint=' + hint : '') });
      frame.addEventListener('load', function () {
        frameReady = true;
        if (isOpen) askFocus();
      });
      panel.insertBefore(frame, end);
    }

    function open() {
      if (isOpen) return;
      isOpen = true;
      panel.hidden = false;
      launcher.setAttribute('aria-expanded', 'true');
      if (phone.matches) {
        savedOverflow = document.documentElement.style.overflow;
        document.documentElement.style.overflow = 'hidden';
      }
      if (!frame) {
        close.focus();
        userHint().then(function (hint) {
          createFrame(hint);
          if (isOpen) frame.focus();
        });
        return;
      }
      frame.focus();
      askFocus();
    }

    function shut() {
      if (!isOpen) return;
      isOpen = false;
      panel.hidden = true;
      launcher.setAttribute('aria-expanded', 'false');
      document.documentElement.style.overflow = savedOverflow;
      launcher.focus();
    }

    launcher.addEventListener('click', function () { if (isOpen) shut(); else open(); });
    close.addEventListener('click', shut);
    end.addEventListener('focus', function () { close.focus(); });
    panel.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') {
        event.preventDefault();
        shut();
      } else if (event.key === 'Tab' && event.shiftKey && root.activeElement === close) {
        event.preventDefault();
        if (frame) frame.focus();
      }
    });
    // The conversation's own Escape (focus inside the iframe) arrives as a message.
    window.addEventListener('message', function (event) {
      if (event.origin !== botOrigin || !frame || event.source !== frame.contentWindow) return;
      if (event.data && event.data.type === 'checkinatwork-chat:close') shut();
    });
  }

  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
`;
