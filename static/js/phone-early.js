/* Opens the WebSocket while the page downloads (on slow 3G its round trip then overlaps the
   download) and hands it to Socket.IO, which takes its constructor when it loads: run first. */
(function () {
  'use strict';
  var Real = window.WebSocket, early = null, missed = [], handed = false;
  var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/socket.io/?EIO=4&transport=websocket';
  if (!Real || typeof Promise === 'undefined') return;
  try { early = new Real(url); } catch (e) { return; }
  /* events before Socket.IO listens are kept, then replayed in order */
  ['open', 'message', 'close', 'error'].forEach(function (type) {
    early.addEventListener(type, function (e) { if (!handed) missed.push([type, e]); });
  });
  /* unused (an address Socket.IO did not ask for): let the server forget it */
  var unused = setTimeout(function () { if (!handed && early) early.close(); }, 15000);

  function Patched(u, protocols) {
    var ws = early;
    if (ws && !handed && u === url && !protocols && ws.readyState <= 1) {
      handed = true;
      clearTimeout(unused);
      /* Socket.IO sets onopen, onmessage... right after this returns, before any other task */
      Promise.resolve().then(function () {
        missed.forEach(function (m) { if (ws['on' + m[0]]) ws['on' + m[0]](m[1]); });
        missed = [];
      });
      return ws;
    }
    return protocols ? new Real(u, protocols) : new Real(u);
  }
  ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (k) { Patched[k] = Real[k]; });
  Patched.prototype = Real.prototype;
  window.WebSocket = Patched;
})();
/* Easy Read's switch (issue #16): here, in the head, so the larger text is there from the first
   paint; its pictures (phone-easy.js) load only on phones that turn it on. The contract with
   the translations: localStorage["workshop.easyRead"] = "1" while on (removed when off),
   <html data-easy-read="on"> while on (removed when off), and a window event
   "workshop:easyread" after each change. */
(function () {
  'use strict';
  var KEY = 'workshop.easyRead', root = document.documentElement, sw = null, pictures = null;
  function on() { return root.getAttribute('data-easy-read') === 'on'; }
  function store(v) {
    try { if (v) localStorage.setItem(KEY, '1'); else localStorage.removeItem(KEY); } catch (e) { /* storage off: this visit only */ }
  }
  try { if (localStorage.getItem(KEY) === '1') root.setAttribute('data-easy-read', 'on'); } catch (e) { /* storage off */ }
  function load() {
    if (pictures) return;
    pictures = document.createElement('script');
    pictures.src = '/static/js/phone-easy.js';
    pictures.onerror = function () { pictures.remove(); pictures = null; }; /* offline: tried again at the next switch */
    document.body.appendChild(pictures);
  }
  function set(v) {
    store(v);
    if (v) root.setAttribute('data-easy-read', 'on'); else root.removeAttribute('data-easy-read');
    sw.setAttribute('aria-checked', String(v));
    if (v) load();
    window.dispatchEvent(new CustomEvent('workshop:easyread', {detail: {on: v}}));
    if (window.W) W.announce(v ? W.t('Easy Read is on.') : W.t('Easy Read is off.'));
  }
  document.addEventListener('DOMContentLoaded', function () {
    sw = document.getElementById('easy-read');
    if (!sw) return;
    sw.setAttribute('aria-checked', String(on()));
    sw.hidden = false; /* hidden in the page until this script can work it */
    sw.addEventListener('click', function () { set(!on()); });
    if (on()) load();
  });
})();
