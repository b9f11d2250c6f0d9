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
/* Easy Read (phone-easy.js) before the first paint, so the page never jumps from small to large */
(function () {
  'use strict';
  try { if (localStorage.getItem('workshop.easyRead') === '1') document.documentElement.dataset.easyRead = 'on'; } catch (e) { /* storage off */ }
})();
