/* Storedesk: tells the chat widget who the signed-in customer is. The app proxy answers on the
   shop's own domain; Shopify signs the forwarded request and the relay signs the identity. */
(function () {
  'use strict';
  var s = document.currentScript;
  var url = s && s.getAttribute('data-storedesk-proxy');
  if (!url) return;
  var w = window;
  w.Storedesk = w.Storedesk || function () { (w.Storedesk.q = w.Storedesk.q || []).push(arguments); };
  fetch(url, {credentials: 'same-origin', headers: {Accept: 'application/json'}})
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (body) {
      var id = body && body.identity;
      if (id && id.email && id.signature) {
        w.Storedesk('identify', {email: id.email, ts: id.ts, signature: id.signature});
      }
    })
    .catch(function () { /* the shopper chats as a guest */ });
})();
