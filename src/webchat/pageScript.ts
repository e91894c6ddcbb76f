/**
 * The page's own script, served at /webchat/page.js (the CSP allows scripts from this origin
 * only, never inline). Plain ES2020 for the browser: it reads the mode the server rendered into
 * #webchat, connects (local Direct Line path, or a token from the bot's token endpoint) and
 * renders Web Chat with the browser's language.
 */
export const PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var script = document.currentScript;
  var nonce = script && script.nonce ? script.nonce : undefined;
  var host = document.getElementById('webchat');
  var status = document.getElementById('chat-status');
  if (!host || !status) return;
  var mode = host.getAttribute('data-mode');
  var isEmbedded = host.getAttribute('data-embedded') === 'true';
  var USER_KEY = 'checkinatwork.webchat.userId';
  var userHint = takeUserHint();
  var SUPPORTED = ['fr', 'nl', 'de', 'en'];

  function say(text, isError) {
    status.textContent = text;
    status.hidden = false;
    status.classList.toggle('status--error', Boolean(isError));
  }

  /**
   * The signed user hint embed.js passes in the fragment (#hint=…): fragments never reach a
   * server or a log. Removed from the address at once; sent only in the body of the request that
   * starts the conversation.
   */
  function takeUserHint() {
    var match = /(?:^#|&)hint=([A-Za-z0-9_.-]{1,2048})(?:&|$)/.exec(window.location.hash);
    if (window.location.hash) {
      try { history.replaceState(null, '', window.location.pathname + window.location.search); } catch (e) { /* keep going */ }
    }
    return match ? match[1] : undefined;
  }

  /** The browser's language if the bot speaks it (fr-BE, nl-BE, de-BE, en-GB…), else the page's. */
  function chatLocale() {
    var fixed = host.getAttribute('data-locale');
    if (fixed) return fixed;
    var wanted = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language]);
    for (var i = 0; i < wanted.length; i += 1) {
      var tag = String(wanted[i] || '');
      if (SUPPORTED.indexOf(tag.split('-')[0].toLowerCase()) >= 0) return tag;
    }
    return document.documentElement.lang || 'fr';
  }

  function newUserId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return 'web-' + Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }

  /** One id per browser, so a reload finds the same listings (tenant = channel + user). */
  function localUserId() {
    try {
      var id = localStorage.getItem(USER_KEY);
      if (id && /^[A-Za-z0-9_-]{8,64}$/.test(id)) return id;
      id = newUserId();
      localStorage.setItem(USER_KEY, id);
      return id;
    } catch (e) {
      return newUserId();
    }
  }

  async function connectLocal(locale) {
    var userId = localUserId();
    var base = window.location.origin + '/v3/directline';
    var response = await fetch(base + '/conversations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(userHint ? { user: { id: userId }, locale: locale, userHint: userHint } : { user: { id: userId }, locale: locale })
    });
    if (!response.ok) throw new Error('local Direct Line: ' + response.status);
    var started = await response.json();
    return {
      userID: typeof started.userId === 'string' ? started.userId : userId,
      directLine: window.WebChat.createDirectLine({ domain: base, token: started.token, webSocket: false, pollingInterval: 500 })
    };
  }

  async function connectDirectLine() {
    var response = await fetch('/api/webchat/token', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(userHint ? { userHint: userHint } : {})
    });
    if (!response.ok) throw new Error('token endpoint: ' + response.status);
    var issued = await response.json();
    return { directLine: window.WebChat.createDirectLine({ token: issued.token, domain: issued.domain }) };
  }

  var styleOptions = {
    accent: '#0a58a5',
    backgroundColor: '#ffffff',
    primaryFont: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    fontSizeSmall: '80%',
    bubbleBackground: '#f1f4f8',
    bubbleBorderColor: '#d3dae3',
    bubbleBorderWidth: 1,
    bubbleBorderRadius: 12,
    bubbleTextColor: '#1b2430',
    bubbleMaxWidth: 620,
    bubbleFromUserBackground: '#0a58a5',
    bubbleFromUserBorderColor: '#0a58a5',
    bubbleFromUserBorderWidth: 1,
    bubbleFromUserBorderRadius: 12,
    bubbleFromUserTextColor: '#ffffff',
    paddingRegular: 10,
    paddingWide: 14,
    hideUploadButton: false,
    // A crew's spreadsheet goes as soon as it is picked: one tap less on a phone.
    sendAttachmentOn: 'attach',
    sendBoxBackground: '#ffffff',
    sendBoxTextColor: '#1b2430',
    sendBoxPlaceholderColor: '#5b6675',
    sendBoxButtonColor: '#0a58a5',
    sendBoxBorderTop: 'solid 1px #d3dae3',
    sendBoxHeight: 52,
    suggestedActionLayout: 'flow',
    suggestedActionBackgroundColor: '#ffffff',
    suggestedActionBorderColor: '#0a58a5',
    suggestedActionBorderWidth: 2,
    suggestedActionBorderRadius: 18,
    suggestedActionTextColor: '#0a58a5',
    suggestedActionHeight: 36,
    suggestedActionBackgroundColorOnHover: '#e8f0fa',
    timestampColor: '#5b6675',
    transcriptVisualKeyboardIndicatorColor: '#0a58a5',
    transcriptVisualKeyboardIndicatorWidth: 2,
    transcriptActivityVisualKeyboardIndicatorColor: '#0a58a5',
    transcriptActivityVisualKeyboardIndicatorWidth: 2,
    rootHeight: '100%',
    rootWidth: '100%'
  };

  async function start() {
    if (mode !== 'local' && mode !== 'directLine') {
      say(host.getAttribute('data-text-off') || '', true);
      return;
    }
    if (!window.WebChat) throw new Error('Web Chat bundle not loaded');
    var locale = chatLocale();
    var connection = mode === 'local' ? await connectLocal(locale) : await connectDirectLine();
    status.hidden = true;
    var props = {
      directLine: connection.directLine,
      locale: locale,
      styleOptions: styleOptions,
      role: 'region',
      nonce: nonce
    };
    if (connection.userID) props.userID = connection.userID;
    window.WebChat.renderWebChat(props, host);
    host.setAttribute('aria-busy', 'false');
  }

  /** In an intranet page's panel: Escape closes it, and the panel asks for the focus on opening. */
  function listenToPanel() {
    if (!isEmbedded || window.parent === window) return;
    window.addEventListener('keydown', function (event) {
      // Web Chat uses Escape itself in places (leaving an activity): those come prevented.
      if (event.key === 'Escape' && !event.defaultPrevented) window.parent.postMessage({ type: 'checkinatwork-chat:close' }, '*');
    });
    window.addEventListener('message', function (event) {
      if (event.source !== window.parent || !event.data || event.data.type !== 'checkinatwork-chat:focus') return;
      // Web Chat may still be starting: wait for its send box a little while.
      var tries = 0;
      (function focusSendBox() {
        var input = host.querySelector('[data-id="webchat-sendbox-input"], textarea, input[type="text"]');
        if (input) input.focus();
        else if ((tries += 1) < 100) setTimeout(focusSendBox, 100);
      })();
    });
  }

  listenToPanel();
  start().catch(function (error) {
    console.error(error);
    say(host.getAttribute('data-text-failed') || 'Error', true);
  });
})();
`;
