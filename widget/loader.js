/* Storedesk chat widget loader: draws the launcher, then loads the panel on first open or
   when the browser is idle. Served as /widget.js; the relay fills in __STOREDESK_ASSETS__. */
(function () {
  'use strict';
  var w = window, d = document, Q = w.Storedesk, P, L, q = [];
  if (Q && '_p' in Q) return; // loaded twice: the first copy runs
  var s = d.currentScript || d.querySelector('script[data-widget]');
  var K = s.getAttribute('data-widget'), R = new URL(s.src).origin, B = '__STOREDESK_ASSETS__';
  if (B[0] != '/') B = '/widget/dev';
  var x = {R: R, K: K, s: s};
  var F = (c, v) => {
    if (P) return P(c, v);
    q.push([c, v]);
    if (c != 'identify' && x.b) load();
  };
  F._p = f => { // the panel registers here, once
    F._p = 0;
    P = f(x);
    q.forEach(e => P(e[0], e[1]));
  };
  ((Q && Q.q) || []).forEach(e => F(e[0], e[1]));
  w.Storedesk = F;

  var el = (t, p) => p.appendChild(d.createElement(t)), at = (e, k, v) => e.setAttribute(k, v);
  function load() {
    if (L) return;
    L = 1;
    var k = x.k = el('link', x.sr), e = el('script', d.head);
    k.rel = 'stylesheet';
    k.href = R + B + '/panel.css';
    e.onerror = () => { L = 0; k.remove(); e.remove(); };
    e.src = R + B + '/panel.js';
  }

  function show(c) {
    var h = d.createElement('storedesk-widget'), r = x.sr = h.attachShadow({mode: 'open'}), y = new CSSStyleSheet();
    y.replaceSync(':host{all:initial!important;position:fixed!important;z-index:2147483000!important}' +
      '.b{position:fixed;bottom:20px;right:20px;display:flex;align-items:center;gap:8px;' +
      'padding:16px 20px;border:0;border-radius:26px;background:var(--c);color:var(--t);' +
      'font:600 15px system-ui,sans-serif;cursor:pointer;box-shadow:0 4px 14px #0005}' +
      '.bottom-left .b{right:auto;left:20px}.b:focus-visible{outline:3px solid #111;outline-offset:3px}' +
      '.b:before{content:"";width:15px;height:12px;border:2.5px solid;border-radius:9px 9px 9px 2px}' +
      '.g{position:absolute;top:-5px;right:-5px;min-width:10px;padding:0 5px;' +
      'border-radius:10px;background:#b91c1c;color:#fff;font-size:12px;line-height:20px}' +
      '.g:empty{display:none}');
    r.adoptedStyleSheets = [y];
    r = x.r = el('div', r);
    r.className = 'sd ' + c.position;
    // CSSOM (allowed by a strict CSP); the relay checks both are #rrggbb, and so does this
    var hex = v => /^#[0-9a-f]{6}$/i.test(v) ? v : '';
    r.style.cssText = '--c:' + (hex(c.color) || '#2563eb') + ';--t:' + (hex(c.text_color) || '#fff');
    var b = x.b = el('button', r), g;
    b.className = 'b';
    b.type = 'button';
    at(b, 'data-part', 'launcher');
    at(b, 'aria-expanded', 'false');
    at(b, 'aria-label', {es: 'Abrir chat', fr: 'Ouvrir le chat', de: 'Chat öffnen'}[c.language] || 'Open chat');
    el('span', b).textContent = c.launcher_text;
    g = el('span', b);
    g.className = 'g';
    at(g, 'data-part', 'badge');
    x.n = n => { g.textContent = n || ''; };
    b.onclick = () => F('toggle');
    x.c = c;
    d.body.appendChild(h);
    if (q.length) load();
    else (w.requestIdleCallback || setTimeout)(load);
  }

  function get(n) {
    // the page (no query or fragment) as Referer, so the console lists where the widget runs
    fetch(R + '/v1/widgets/' + K + '/config?language=' + navigator.language, x.f = {referrer: location.origin + location.pathname, referrerPolicy: 'no-referrer-when-downgrade'})
      .then(r => { if (!r.ok) throw 0; return r.json(); })
      .then(c => d.body ? show(c) : d.addEventListener('DOMContentLoaded', () => show(c)),
        () => n < 7 && setTimeout(get, 2000 << n, n + 1));
  }
  if (K) get(0);
})();
