/* Storedesk chat panel: loaded by the loader (widget.js), registers through Storedesk._p.
   Every text from the relay goes into the page through textContent, never as markup. */
(function () {
  'use strict';
  var S = window.Storedesk;
  if (!S || !S._p) return;

  // Strings, one list per language, in the order of KEYS.
  var KEYS = ('open close new online away off offT typing send input yes no thanks rate star rated ' +
    'order items total track status_link steps statuses lead appointment name email phone ' +
    'requested_time message submit done eName eEmail ePhone eReach eTime eFuture eGone team ' +
    'stock nostock view each').split(' ');
  var L10N = {
    en: ['Open chat', 'Close chat', 'New conversation', 'Online', 'Away — we’ll reply by email',
      'We can’t reach the chat right now. Your message is kept and we’ll keep trying.',
      'Still connecting…', 'Typing…', 'Send', 'Message', 'Helpful', 'Not helpful',
      'Thanks for the feedback.', 'How was this chat?', '%s out of 5', 'Thanks for rating this chat.',
      'Order', 'Items', 'Total', 'Track with %s', 'Order status page',
      'Ordered|Preparing|Shipped|Delivered',
      'Awaiting payment|Being prepared|On hold|Shipped|Partially shipped|Delivered|Completed|Cancelled|Refunded|Payment failed',
      'Leave your details', 'Request an appointment', 'Name', 'Email', 'Phone (optional)',
      'Preferred date and time', 'Message (optional)', 'Send', 'Thanks — we have your details.',
      'Enter your name.', 'Enter a valid email address.', 'Enter a phone number of 6 to 20 digits.',
      'Enter an email address or a phone number so we can reach you.',
      'Choose a date and time for the appointment.', 'Choose a date and time in the future.',
      'This conversation has ended; a new one has started.', 'Support team', 'In stock',
      'Out of stock', 'View product', '%s each'],
    es: ['Abrir chat', 'Cerrar chat', 'Nueva conversación', 'En línea', 'Ausentes — te responderemos por correo',
      'No podemos conectar con el chat ahora. Guardamos tu mensaje y seguimos intentándolo.',
      'Conectando…', 'Escribiendo…', 'Enviar', 'Mensaje', 'Útil', 'No útil',
      'Gracias por tu opinión.', '¿Qué tal ha ido este chat?', '%s de 5', 'Gracias por tu valoración.',
      'Pedido', 'Artículos', 'Total', 'Seguir con %s', 'Página del pedido',
      'Pedido|Preparando|Enviado|Entregado',
      'Pendiente de pago|En preparación|En espera|Enviado|Enviado en parte|Entregado|Completado|Cancelado|Reembolsado|Pago fallido',
      'Déjanos tus datos', 'Pide una cita', 'Nombre', 'Correo electrónico', 'Teléfono (opcional)',
      'Fecha y hora preferidas', 'Mensaje (opcional)', 'Enviar', 'Gracias, ya tenemos tus datos.',
      'Escribe tu nombre.', 'Escribe un correo electrónico válido.',
      'Escribe un teléfono de 6 a 20 dígitos.',
      'Escribe un correo electrónico o un teléfono para poder contactarte.',
      'Elige la fecha y la hora de la cita.', 'Elige una fecha y hora futuras.',
      'Esta conversación ha terminado; empezamos una nueva.', 'Equipo de atención', 'Disponible',
      'Agotado', 'Ver producto', '%s cada uno'],
    fr: ['Ouvrir le chat', 'Fermer le chat', 'Nouvelle conversation', 'En ligne',
      'Absents — nous répondrons par e-mail',
      'Le chat est injoignable pour le moment. Votre message est conservé, nous réessayons.',
      'Connexion…', 'Écrit…', 'Envoyer', 'Message', 'Utile', 'Pas utile',
      'Merci pour votre avis.', 'Comment s’est passé ce chat ?', '%s sur 5', 'Merci pour votre note.',
      'Commande', 'Articles', 'Total', 'Suivre avec %s', 'Page de la commande',
      'Commandée|En préparation|Expédiée|Livrée',
      'En attente de paiement|En préparation|En attente|Expédiée|Expédiée en partie|Livrée|Terminée|Annulée|Remboursée|Paiement échoué',
      'Laissez vos coordonnées', 'Demander un rendez-vous', 'Nom', 'E-mail', 'Téléphone (facultatif)',
      'Date et heure souhaitées', 'Message (facultatif)', 'Envoyer', 'Merci, nous avons vos coordonnées.',
      'Indiquez votre nom.', 'Indiquez une adresse e-mail valide.',
      'Indiquez un numéro de 6 à 20 chiffres.',
      'Indiquez un e-mail ou un téléphone pour que nous puissions vous répondre.',
      'Choisissez la date et l’heure du rendez-vous.', 'Choisissez une date et une heure à venir.',
      'Cette conversation est terminée ; une nouvelle commence.', 'Équipe support', 'En stock',
      'En rupture', 'Voir le produit', '%s l’unité'],
    de: ['Chat öffnen', 'Chat schließen', 'Neues Gespräch', 'Online', 'Abwesend – wir antworten per E-Mail',
      'Der Chat ist gerade nicht erreichbar. Ihre Nachricht bleibt erhalten, wir versuchen es weiter.',
      'Verbinde…', 'Schreibt…', 'Senden', 'Nachricht', 'Hilfreich', 'Nicht hilfreich',
      'Danke für Ihr Feedback.', 'Wie war dieser Chat?', '%s von 5', 'Danke für Ihre Bewertung.',
      'Bestellung', 'Artikel', 'Summe', 'Verfolgen mit %s', 'Bestellseite',
      'Bestellt|In Vorbereitung|Versandt|Zugestellt',
      'Zahlung ausstehend|In Vorbereitung|Angehalten|Versandt|Teilweise versandt|Zugestellt|Abgeschlossen|Storniert|Erstattet|Zahlung fehlgeschlagen',
      'Ihre Kontaktdaten', 'Termin anfragen', 'Name', 'E-Mail', 'Telefon (optional)',
      'Wunschtermin', 'Nachricht (optional)', 'Senden', 'Danke, wir haben Ihre Angaben.',
      'Bitte geben Sie Ihren Namen ein.', 'Bitte geben Sie eine gültige E-Mail-Adresse ein.',
      'Bitte geben Sie eine Telefonnummer mit 6 bis 20 Ziffern ein.',
      'Bitte geben Sie eine E-Mail-Adresse oder Telefonnummer an, damit wir Sie erreichen.',
      'Bitte wählen Sie Datum und Uhrzeit des Termins.', 'Bitte wählen Sie einen Zeitpunkt in der Zukunft.',
      'Dieses Gespräch ist beendet; ein neues beginnt.', 'Support-Team', 'Auf Lager',
      'Ausverkauft', 'Produkt ansehen', 'je %s']
  };
  var STATUSES = 'pending processing on_hold shipped partially_shipped delivered completed cancelled refunded failed'.split(' ');
  var STEP = {pending: 0, processing: 1, on_hold: 1, shipped: 2, partially_shipped: 2, delivered: 3, completed: 3};
  var ICON = {thumb: 'M7 11v10H3V11zm0 0 4-8c2 0 3 1 3 3v3h5a2 2 0 0 1 2 2l-2 8a2 2 0 0 1-2 2H7',
    send: 'M4 12 20 4l-6 16-2-7z', close: 'M6 6l12 12M18 6 6 18', plus: 'M12 5v14M5 12h14'};

  S._p(function (x) {
    var d = document, w = window, R = x.R, K = x.K, C = x.c, SK = 'storedesk:' + K;
    var lang = L10N[C.language] ? C.language : (navigator.language || 'en').slice(0, 2);
    var L = L10N[lang] || L10N[lang = 'en'], t = {};
    KEYS.forEach(function (k, i) { t[k] = L[i]; });
    var who = {}, st = read(), seen = {}, last = '', isOpen = 0, unread = 0, busy = 0, uid = 0;
    var es, esFails = 0, pollT, pollN = 0, starting, kick, rated = 0, typedAt = 0, agentT, draft;
    ['email', 'name', 'ts', 'signature'].forEach(function (k) { who[k] = x.s.getAttribute('data-customer-' + k); });

    // -- DOM helpers ------------------------------------------------------------------------
    function h(tag, attrs, kids) {
      var e = d.createElement(tag);
      for (var k in attrs) {
        var v = attrs[k];
        if (v == null || v === false) continue;
        if (k == 'text') e.textContent = v;
        else if (k == 'p') e.setAttribute('data-part', v);
        else if (k.slice(0, 2) == 'on') e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v === true ? '' : v);
      }
      (kids || []).forEach(function (c) { if (c) e.append(c); });
      return e;
    }
    function icon(name) {
      var NS = 'http://www.w3.org/2000/svg', s = d.createElementNS(NS, 'svg'), p = d.createElementNS(NS, 'path');
      s.setAttribute('viewBox', '0 0 24 24');
      s.setAttribute('aria-hidden', 'true');
      p.setAttribute('d', ICON[name]);
      s.append(p);
      return s;
    }
    function fmt(s, v) { return s.replace('%s', v); }
    function button(attrs, kids) { attrs.type = 'button'; return h('button', attrs, kids); }
    function safeUrl(u) {
      try { u = new URL(u); } catch (e) { return null; }
      var local = /^(localhost|127\.0\.0\.1|\[::1\])$/.test(u.hostname);
      return u.protocol == 'https:' || (u.protocol == 'http:' && local) ? u.href : null;
    }
    function link(url, text, part) {
      url = safeUrl(url);
      return url && h('a', {href: url, target: '_blank', rel: 'noopener noreferrer', p: part, text: text});
    }
    function money(v, cur) {
      if (v == null) return '';
      try { return new Intl.NumberFormat(lang, {style: 'currency', currency: cur}).format(+v); } catch (e) { return v + ' ' + (cur || ''); }
    }

    // -- the panel ---------------------------------------------------------------------------
    var avatarUrl = safeUrl(C.avatar_url), avatar = h('div', {p: 'avatar', class: 'av', 'aria-hidden': 'true'});
    if (avatarUrl) avatar.append(h('img', {src: avatarUrl, alt: '', onerror: function () { avatar.textContent = initial(); }}));
    else avatar.textContent = initial();
    function initial() { return (C.title || '?').trim().charAt(0).toUpperCase(); }
    var status = h('p', {p: 'status'}), checked = Date.now();
    function presence(c) { // "Online" only while the team can answer; the reply time only then
      status.className = c.online ? 'on' : 'away';
      status.textContent = (c.online ? t.online : t.away) + (c.online && c.reply_time ? ' · ' + c.reply_time : '');
    }
    function recheck() { // a page open for long: ask again on opening, at most once a minute
      if (Date.now() - checked < 6e4) return;
      checked = Date.now();
      fetch(R + '/v1/widgets/' + K + '/config?language=' + C.language, x.f).then(function (r) { return r.ok && r.json(); })
        .then(function (c) { if (c) presence(c); }, function () { /* offline is shown elsewhere */ });
    }
    presence(C);
    var log = h('div', {p: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': C.title, class: 'lg'});
    var offline = h('p', {p: 'offline', role: 'status', class: 'of', hidden: true});
    var typing = h('div', {p: 'typing', class: 'ty', role: 'status', 'aria-label': t.typing}, [h('span'), h('span'), h('span')]);
    var inputId = 'sd-in', input = h('textarea', {p: 'input', id: inputId, name: 'text', rows: 1, maxlength: 2000, placeholder: t.input + '…', onkeydown: onKey, oninput: onInput});
    var inputError = h('p', {p: 'error', 'data-for': 'text', role: 'alert', class: 'er', id: 'sd-in-e', hidden: true});
    var send = button({p: 'send', class: 'ib sn', 'aria-label': t.send, onclick: function () { sendText(); }}, [icon('send')]);
    var panel = h('div', {p: 'panel', role: 'dialog', 'aria-label': C.title, class: 'pn', hidden: true, onkeydown: onPanelKey}, [
      h('div', {class: 'hd'}, [avatar, h('div', {class: 'ht'}, [h('h2', {p: 'title', text: C.title}),
        status]),
      button({p: 'new', class: 'ib', 'aria-label': t.new, title: t.new, onclick: restart}, [icon('plus')]),
      button({p: 'close', class: 'ib', 'aria-label': t.close, title: t.close, onclick: function () { show(0); x.b.focus(); }}, [icon('close')])]),
      offline, log,
      h('div', {class: 'cp'}, [h('label', {for: inputId, class: 'vh', text: t.input}), input, send]), inputError
    ]);
    x.r.append(panel);

    // -- conversation storage ------------------------------------------------------------------
    function read() {
      try { return JSON.parse(localStorage.getItem(SK)) || {}; } catch (e) { return {}; }
    }
    function save() {
      try { localStorage.setItem(SK, JSON.stringify(st)); } catch (e) { /* private mode: this page only */ }
    }
    function forget() {
      try { localStorage.removeItem(SK); } catch (e) { /* nothing kept */ }
      reset();
    }
    function reset() {
      stopListening();
      st = {};
      seen = {};
      last = '';
      rated = 0;
      starting = null;
      log.replaceChildren();
    }

    // -- talking to the relay ------------------------------------------------------------------
    function api(path, body) {
      var ctl = new AbortController(), headers = {};
      var abort = setTimeout(function () { ctl.abort(); }, 20000), slow = setTimeout(function () { net(0); }, 8000);
      if (st.token) headers.Authorization = 'Bearer ' + st.token;
      if (body) headers['Content-Type'] = 'application/json';
      return fetch(R + path, {method: body ? 'POST' : 'GET', headers: headers, body: body && JSON.stringify(body), signal: ctl.signal})
        .then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (j) {
            if (r.status >= 500 || r.status == 429) throw 0;
            net(1);
            if (!r.ok) throw {s: r.status, j: j};
            return j;
          });
        }).catch(function (e) {
          if (!e || !e.s) net(0);
          throw e;
        }).finally(function () { clearTimeout(abort); clearTimeout(slow); });
    }
    function net(ok) {
      offline.textContent = ok ? '' : t.off;
      offline.hidden = !!ok;
    }
    function retry(job, n) { // transient failures (thrown as non-objects) are tried again
      job().catch(function (e) {
        if (e && e.s) return;
        var wait = Math.min(30000, 1000 * Math.pow(2, n || 0)) * (0.5 + Math.random() / 2);
        var timer = setTimeout(go, wait);
        kick = go;
        function go() { clearTimeout(timer); if (kick == go) kick = null; retry(job, (n || 0) + 1); }
      });
    }
    function gone(e) { return e && (e.s == 401 || e.s == 404); }
    function convPath(rest) { return '/v1/conversations/' + st.id + rest; }

    function ensure() { // the conversation, started when first needed
      if (st.id) return Promise.resolve();
      if (starting) return starting;
      var body = {language: C.language, page_url: location.origin + location.pathname};
      if (who.email && who.signature && who.ts) body.customer = {email: who.email, name: who.name || undefined, ts: who.ts, signature: who.signature};
      starting = api('/v1/widgets/' + K + '/conversations', body).then(function (j) {
        st = {id: j.conversation_id, token: j.token, email: who.email || ''};
        save();
        log.replaceChildren();
        j.messages.forEach(function (m) { add(m, 1); });
        listen();
      }).finally(function () { starting = null; });
      return starting;
    }
    function history(initial) {
      return api(convPath('/messages' + (last ? '?after=' + last : ''))).then(function (j) {
        j.messages.forEach(function (m) { add(m, initial ? 0 : 2); });
        if (j.messages.length >= 100) return history(initial);
        if (initial) offerLastForm();
      }, function (e) {
        if (!gone(e)) throw e;
        fresh();
      });
    }
    function listen() {
      stopListening();
      if (!st.id) return;
      if (!w.EventSource || esFails > 2) return poll();
      es = new EventSource(R + convPath('/stream?token=' + encodeURIComponent(st.token) + (last ? '&after=' + last : '')));
      es.onmessage = function (e) { try { add(JSON.parse(e.data), 2); } catch (err) { /* not a message */ } };
      es.addEventListener('delta', function (e) { // the shop's assistant writing its reply
        try { grow(JSON.parse(e.data)); } catch (err) { /* not a delta */ }
      });
      es.addEventListener('typing', function () { // an agent is typing in the console
        if (busy) return;
        setTyping(1);
        clearTimeout(agentT);
        agentT = setTimeout(function () { if (!busy) setTyping(0); }, 5000);
      });
      es.onopen = function () { net(1); };
      es.onerror = function () {
        if (es.readyState == 2) { es = null; esFails++; poll(); }
        else history().catch(function () { /* offline is shown; the stream retries */ });
      };
    }
    function stopListening() {
      if (es) es.close();
      es = null;
      clearTimeout(pollT);
    }
    function poll() {
      clearTimeout(pollT);
      var wait = pollN ? Math.min(30000, 1000 * Math.pow(2, pollN)) : isOpen ? 3000 : 15000;
      pollT = setTimeout(function () {
        if (!st.id) return;
        history().then(function () {
          pollN = 0;
          if (w.EventSource && esFails && esFails < 3) listen(); else poll();
        }, function () { pollN++; poll(); });
      }, wait);
    }

    // -- messages --------------------------------------------------------------------------
    function grow(d) { // a piece of a reply being written; the whole message replaces it
      if (!d || typeof d.text != 'string' || typeof d.draft != 'string' || seen[d.draft]) return;
      if (!draft || draft.id != d.draft) {
        dropDraft();
        if (d.at) return; // joined mid-reply: wait for the whole message
        var text = h('div', {p: 'text', class: 'tx'});
        draft = {id: d.draft, text: text, box: h('div', {p: 'draft', 'data-role': 'bot', 'aria-busy': 'true', class: 'm bot'}, [text])};
        log.insertBefore(draft.box, typing.parentNode == log ? typing : null);
        typing.remove();
      }
      if (d.at != draft.text.textContent.length) return; // a piece went missing: wait
      draft.text.textContent += d.text;
      net(1); // a slow answer, not a lost connection
      scroll();
    }
    function dropDraft() {
      if (draft) { seen[draft.id] = 1; draft.box.remove(); }
      draft = null;
    }
    function add(m, mode) { // mode 0: history, 1: answer to this page, 2: stream or poll
      if (!m || !m.id || seen[m.id]) return;
      seen[m.id] = 1;
      if (m.role == 'bot') dropDraft();
      if (m.id > last) last = m.id;
      var role = /^(bot|agent|shopper)$/.test(m.role) ? m.role : 'system';
      if (role == 'agent' && !busy) { clearTimeout(agentT); typing.remove(); }
      var box = h('div', {p: 'message', 'data-role': role, 'data-form': m.form, class: 'm ' + role}, [
        role == 'agent' && h('p', {p: 'author', class: 'who', text: m.author || t.team}),
        h('div', {p: 'text', class: 'tx', text: m.text})]);
      (m.cards || []).forEach(function (c) { box.append(c.type == 'order' ? orderCard(c) : c.type == 'product' ? productCard(c) : null || ''); });
      if (role == 'bot' && !m.form && log.querySelector('[data-role=shopper]')) box.append(thumbs(m.id));
      clearChips();
      log.insertBefore(box, typing.parentNode == log ? typing : null);
      if (m.suggestions && m.suggestions.length && role != 'shopper') log.append(chips(m.suggestions));
      if (m.form && mode) m.form == 'rating' ? rating() : log.append(form(m.form));
      if (mode == 2 && !isOpen && role != 'shopper') x.n(++unread);
      scroll();
    }
    function scroll() { log.scrollTop = log.scrollHeight; }
    function greet() {
      if (!log.firstChild) log.append(h('div', {p: 'message', 'data-role': 'bot', class: 'm bot'}, [h('div', {p: 'text', class: 'tx', text: C.greeting})]));
    }
    function offerLastForm() {
      var ms = log.querySelectorAll('[data-part=message]'), lastBox = ms[ms.length - 1];
      var lastMsg = lastBox && lastBox.getAttribute('data-form');
      if (lastMsg) log.append(form(lastMsg));
    }
    function clearChips() {
      log.querySelectorAll('.ch').forEach(function (c) { c.remove(); });
    }
    function chips(list) {
      return h('div', {class: 'ch'}, list.slice(0, 6).map(function (s) {
        return button({p: 'chip', class: 'chip', text: s, onclick: function () { sendText(s); }});
      }));
    }
    function thumbs(id) {
      var box = h('div', {class: 'fb'});
      [['thumb-up', t.yes, true], ['thumb-down', t.no, false]].forEach(function (k) {
        box.append(button({p: k[0], class: 'ib ' + k[0], 'aria-label': k[1], title: k[1], 'aria-pressed': 'false', onclick: function (e) {
          var b = e.currentTarget;
          box.querySelectorAll('button').forEach(function (o) { o.disabled = true; });
          b.setAttribute('aria-pressed', 'true');
          api(convPath('/feedback'), {message_id: id, helpful: k[2]}).then(function () {
            box.append(h('span', {class: 'ok', text: t.thanks}));
          }, function () { box.querySelectorAll('button').forEach(function (o) { o.disabled = false; }); b.setAttribute('aria-pressed', 'false'); });
        }}, [icon('thumb')]));
      });
      return box;
    }
    function orderCard(c) {
      var labels = t.statuses.split('|'), steps = t.steps.split('|'), at = STEP[c.status], i = STATUSES.indexOf(c.status);
      var card = h('div', {p: 'order-card', class: 'cd'}, [
        h('p', {class: 'cdh'}, [h('span', {}, [t.order + ' #', h('span', {p: 'order-number', text: c.number})]),
          h('span', {p: 'order-status', class: 'bd s-' + (at == null ? 'x' : at), text: i < 0 ? c.status_label || c.status : labels[i]})])]);
      if (at != null) {
        card.append(h('ol', {class: 'stp'}, steps.map(function (s, n) {
          return h('li', {class: n <= at ? 'dn' : '', 'aria-current': n == at ? 'step' : null, text: s});
        })));
      }
      card.append(h('ul', {class: 'it', 'aria-label': t.items}, (c.items || []).map(function (it) {
        var unit = it.unit_price != null ? it.unit_price : it.price, line = it.line_total != null ? it.line_total : unit != null ? unit * it.quantity : null;
        return h('li', {p: 'order-item'}, [h('span', {text: it.quantity + ' × ' + it.name}),
          h('span', {class: 'am'}, [h('span', {p: 'line-total', text: money(line, c.currency)}),
            it.quantity > 1 && unit != null && h('small', {p: 'unit-price', text: fmt(t.each, money(unit, c.currency))})])]);
      })));
      if (c.total != null) card.append(h('p', {class: 'tot'}, [h('span', {text: t.total}), h('strong', {text: money(c.total, c.currency)})]));
      (c.tracking || []).forEach(function (tr) {
        var a = link(tr.url, fmt(t.track, tr.carrier || '') + (tr.number ? ' · ' + tr.number : ''), 'tracking');
        card.append(a || h('p', {class: 'trk', text: (tr.carrier || '') + ' ' + (tr.number || '')}));
      });
      card.append(link(c.status_url, t.status_link, 'status-link') || '');
      return card;
    }
    function productCard(c) {
      return h('div', {p: 'product-card', class: 'cd'}, [h('p', {class: 'cdh', text: c.title}),
        h('p', {class: 'tot'}, [h('strong', {text: money(c.price, c.currency)}), h('span', {text: c.in_stock ? t.stock : t.nostock})]),
        link(c.url, t.view, 'product-link')]);
    }
    function rating() {
      if (rated || log.querySelector('[data-part=rating]')) return;
      var box = h('div', {p: 'rating', class: 'rt', role: 'group', 'aria-label': t.rate}, [h('p', {text: t.rate})]);
      [1, 2, 3, 4, 5].forEach(function (n) {
        box.append(button({'data-value': n, class: 'star', 'aria-label': fmt(t.star, n), text: '★', onclick: function () {
          box.querySelectorAll('button').forEach(function (o) { o.disabled = true; });
          api(convPath('/feedback'), {rating: n}).then(function () {
            rated = st.rated = 1;
            save();
            box.replaceChildren(h('p', {text: t.rated}));
          }, function () { box.querySelectorAll('button').forEach(function (o) { o.disabled = false; }); });
        }}));
      });
      log.append(box);
      scroll();
    }

    // -- forms ---------------------------------------------------------------------------------
    var EMAIL = /^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$/;
    function form(kind) {
      if (kind != 'lead' && kind != 'appointment') return '';
      var fields = [['name', 'text', 'name'], ['email', 'email', 'email'], ['phone', 'tel', 'tel']];
      if (kind == 'appointment') fields.push(['requested_time', 'datetime-local']);
      fields.push(['message', 'textarea']);
      var f = h('form', {p: kind + '-form', class: 'fm', novalidate: true, 'aria-label': t[kind]}, [h('p', {class: 'fh', text: t[kind]})]);
      var errors = {};
      fields.forEach(function (fd) {
        var id = 'sd-f' + (++uid), n = fd[0], err = h('p', {p: 'error', 'data-for': n, role: 'alert', class: 'er', id: id + 'e', hidden: true});
        var input = fd[1] == 'textarea' ? h('textarea', {name: n, id: id, rows: 2, maxlength: 2000})
          : h('input', {name: n, id: id, type: fd[1], autocomplete: fd[2], maxlength: n == 'name' ? 200 : n == 'phone' ? 40 : 254});
        if (n == 'email' && who.email) input.value = who.email;
        if (n == 'name' && who.name) input.value = who.name;
        errors[n] = err;
        f.append(h('div', {class: 'fd'}, [h('label', {for: id, text: t[n]}), input, err]));
      });
      // the honeypot: off screen, out of the tab order and of the accessibility tree, so
      // people leave it empty; robots filling every field get a polite non-answer
      f.append(h('div', {class: 'hp', 'aria-hidden': 'true'}, [
        h('label', {for: 'sd-f' + (++uid), text: 'Website'}),
        h('input', {p: 'honeypot', name: 'website', id: 'sd-f' + uid, type: 'text', tabindex: '-1', autocomplete: 'off'})]));
      var general = errors.form = h('p', {p: 'error', 'data-for': 'form', role: 'alert', class: 'er', hidden: true});
      var submit = h('button', {type: 'submit', class: 'pb', text: t.submit});
      f.append(general, submit);
      f.addEventListener('submit', function (e) {
        e.preventDefault();
        var v = {kind: kind == 'lead' ? 'contact' : 'appointment'};
        fields.forEach(function (fd) { v[fd[0]] = f.elements[fd[0]].value.trim(); });
        if (f.elements.website.value) v.website = f.elements.website.value;
        if (v.requested_time) {
          var when = new Date(v.requested_time);
          v.requested_time = isNaN(when) ? v.requested_time : when.toISOString();
        }
        var problems = check(v);
        if (show_errors(f, errors, problems)) return;
        submit.disabled = true;
        retry(function () {
          return ensure().then(function () { return api(convPath('/lead'), v); }).then(function (j) {
            // the relay's answer confirms it; a note of our own only when it says nothing
            if (j.messages.length) f.remove(); else f.replaceWith(h('p', {p: 'form-done', class: 'done', role: 'status', text: t.done}));
            input.focus();
            j.messages.forEach(function (m) { add(m, 1); });
          }, function (err) {
            submit.disabled = false;
            if (!err || !err.s) throw err;
            var fieldsFromRelay = (err.j && err.j.error && err.j.error.fields) || {};
            if (!Object.keys(fieldsFromRelay).length) fieldsFromRelay.form = (err.j && err.j.error && err.j.error.message) || t.eGone;
            show_errors(f, errors, fieldsFromRelay);
          });
        });
      });
      return f;
    }
    function check(v) {
      var p = {}, digits = (v.phone || '').replace(/\D/g, '').length;
      if (!v.name) p.name = t.eName;
      if (v.email && !EMAIL.test(v.email)) p.email = t.eEmail;
      if (v.phone && (!/^[0-9+()\-.\s/]+$/.test(v.phone) || digits < 6 || digits > 20)) p.phone = t.ePhone;
      if (!v.email && !v.phone) p.email = t.eReach;
      if (v.kind == 'appointment') {
        if (!v.requested_time) p.requested_time = t.eTime;
        else if (new Date(v.requested_time) <= new Date()) p.requested_time = t.eFuture;
      }
      return p;
    }
    function show_errors(f, errors, problems) {
      var first = null;
      Object.keys(errors).forEach(function (n) {
        var msg = problems[n], field = f.elements[n];
        if (!(n in errors)) return;
        errors[n].textContent = msg || '';
        errors[n].hidden = !msg;
        if (field) {
          field.setAttribute('aria-invalid', msg ? 'true' : 'false');
          if (msg) field.setAttribute('aria-describedby', errors[n].id); else field.removeAttribute('aria-describedby');
          if (msg && !first) first = field;
        }
      });
      Object.keys(problems).forEach(function (n) { // a field the form does not show
        if (!errors[n]) { errors.form.textContent = problems[n]; errors.form.hidden = false; }
      });
      if (first) first.focus();
      return Object.keys(problems).length > 0;
    }

    // -- sending -----------------------------------------------------------------------------
    function setTyping(on) {
      if (on) log.append(typing); else typing.remove();
      scroll();
    }
    function sendText(chip) {
      var text = (chip || input.value).trim();
      if (busy) { if (kick) kick(); return; }
      if (!text) return input.focus();
      busy = 1;
      inputError.hidden = true;
      clearChips();
      setTyping(1);
      retry(function () {
        return ensure().then(function () { return api(convPath('/messages'), {text: text}); }).then(function (j) {
          busy = 0;
          setTyping(0);
          if (!chip && input.value.trim() == text) input.value = '';
          j.messages.forEach(function (m) { add(m, 1); });
        }, function (e) {
          if (!e || !e.s) throw e;
          busy = 0;
          setTyping(0);
          dropDraft();
          if (gone(e) && st.id) { forget(); greet(); return sendText(chip); }
          var fields = (e.j && e.j.error && e.j.error.fields) || {};
          inputError.textContent = fields.text || (e.j && e.j.error && e.j.error.message) || t.off;
          inputError.hidden = false;
        });
      });
    }
    function onInput() { // tell the team the shopper is typing, at most every 3 s; never shown as an error
      var now = Date.now();
      if (!st.id || now - typedAt < 3000 || !input.value.trim()) return;
      typedAt = now;
      fetch(R + convPath('/typing'), {method: 'POST', headers: {Authorization: 'Bearer ' + st.token}}).catch(function () {});
    }
    function onKey(e) {
      if (e.key == 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendText(); }
    }

    // -- opening, closing, keyboard ----------------------------------------------------------------
    function focusables() {
      return [].filter.call(panel.querySelectorAll('button,textarea,input,a[href],select'), function (e) {
        return !e.disabled && e.getClientRects().length;
      });
    }
    function onPanelKey(e) {
      if (e.key == 'Escape') { e.preventDefault(); show(0); x.b.focus(); return; }
      if (e.key != 'Tab') return;
      var all = focusables(), first = all[0], lastEl = all[all.length - 1], now = x.sr.activeElement;
      if (e.shiftKey && (now == first || !panel.contains(now))) { e.preventDefault(); lastEl.focus(); }
      else if (!e.shiftKey && now == lastEl) { e.preventDefault(); first.focus(); }
    }
    function show(open) {
      isOpen = open;
      panel.hidden = !open;
      x.r.classList.toggle('open', !!open);
      x.b.setAttribute('aria-expanded', open ? 'true' : 'false');
      x.b.setAttribute('aria-label', open ? t.close : t.open);
      if (!open) return;
      unread = 0;
      x.n(0);
      recheck();
      if (!st.id) { greet(); retry(ensure); }
      if (es == null && st.id) listen();
      scroll();
      input.focus();
    }
    function fresh() { // forget the kept conversation; an open panel starts a new one
      forget();
      if (isOpen) { greet(); retry(ensure); }
    }
    function restart() {
      fresh();
      input.focus();
    }
    function ready(f) {
      var css = x.k;
      if (!css || css.sheet) return f();
      css.addEventListener('load', f);
      css.addEventListener('error', f);
    }

    w.addEventListener('online', function () { if (kick) kick(); });
    w.addEventListener('storage', function (e) { // another tab started or cleared the chat
      if (e.key != SK) return;
      var next = read();
      if (next.id == st.id) return;
      reset();
      st = next;
      if (st.id) retry(function () { return history(1).then(listen); });
      else if (isOpen) greet();
    });
    if (st.id && st.email && st.email != (who.email || '')) forget(); // someone else signed in
    rated = st.rated || 0;
    if (st.id) retry(function () { return history(1).then(listen); });

    return function (cmd, value) {
      if (cmd == 'identify') {
        who = value || {};
        if (st.id && st.email && st.email != (who.email || '')) fresh();
      } else if (cmd == 'open' || (cmd == 'toggle' && !isOpen)) ready(function () { show(1); });
      else if (cmd == 'close' || cmd == 'toggle') show(0);
    };
  });
})();
